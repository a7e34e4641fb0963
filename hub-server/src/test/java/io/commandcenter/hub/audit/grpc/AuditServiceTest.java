package io.commandcenter.hub.audit.grpc;

import com.google.protobuf.Timestamp;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.FileAuditSpool;
import io.commandcenter.hub.remediate.grpc.RemediateServiceTest;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.proto.v1.AuditAnchor;
import io.commandcenter.proto.v1.AuditEntry;
import io.commandcenter.proto.v1.AuditProblem;
import io.commandcenter.proto.v1.AuditServiceGrpc;
import io.commandcenter.proto.v1.ListAuditEntriesRequest;
import io.commandcenter.proto.v1.ListAuditEntriesResponse;
import io.commandcenter.proto.v1.ListModelsRequest;
import io.commandcenter.proto.v1.ModelRegistryServiceGrpc;
import io.commandcenter.proto.v1.PromoteModelRequest;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.SetAutonomyRequest;
import io.commandcenter.proto.v1.VerifyAuditLedgerRequest;
import io.commandcenter.proto.v1.VerifyAuditLedgerResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.commandcenter.hub.remediate.grpc.RemediateServiceTest.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code AuditService} over gRPC on an assembled hub: what people and the hub do reaches the
 * ledger with who did it; listing is scoped to the caller's project (and the global entries);
 * every bad request answers INVALID_ARGUMENT naming its field; a row edited with plain SQL is
 * named by {@code VerifyAuditLedger}.
 */
class AuditServiceTest {
    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;

    /** What a hub that died with a failing database left in its spool. */
    static final AuditRecord LEFT_BEHIND = AuditRecord.of(Instant.parse("2026-12-06T08:00:00Z"), AuditRecord.GLOBAL,
            "keeper", AuditAction.KEY_CREATED, "key:left-by-a-crash", AuditRecord.detail("name", "ci"), "hub-local");

    @BeforeAll
    static void start() {
        FileAuditSpool.open(dir.resolve("audit").resolve("hub-local.spool.jsonl")).add(LEFT_BEHIND);
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
    }

    static <S extends AbstractStub<S>> S as(S stub, String project, String user) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        headers.put(Metadata.Key.of("x-cc-user", Metadata.ASCII_STRING_MARSHALLER), user);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static AuditServiceGrpc.AuditServiceBlockingStub audit(String project) {
        return as(AuditServiceGrpc.newBlockingStub(channel), project, "auditor");
    }

    static List<AuditEntry> list(String project, ListAuditEntriesRequest.Builder request) {
        return audit(project).listAuditEntries(request.setPageSize(1000).build()).getEntriesList();
    }

    @Test
    void whatAnEarlierRunLeftInTheSpool_isAppendedAtStart_once() {
        List<AuditEntry> found = list("audit-spool", ListAuditEntriesRequest.newBuilder().setAllProjects(true)
                .setSubject("key:left-by-a-crash"));

        assertThat(found).singleElement().satisfies(e -> {
            assertThat(e.getEntryId()).isEqualTo(LEFT_BEHIND.id());
            assertThat(e.getAction()).isEqualTo("KEY_CREATED");
            assertThat(e.getTime().getSeconds()).isEqualTo(LEFT_BEHIND.time().getEpochSecond());
        });
        assertThat(dir.resolve("audit").resolve("hub-local.spool.jsonl")).doesNotExist();
    }

    @Test
    void whatPeopleDo_isListed_withWhoDidIt_newestFirst() {
        var remediate = as(RemediateServiceGrpc.newBlockingStub(channel), "audit-people", "ana");
        remediate.putWorkflow(PutWorkflowRequest.newBuilder().setYaml(RemediateServiceTest.NOTIFY).build());
        remediate.setAutonomy(SetAutonomyRequest.newBuilder().setPaused(true).setReason("freeze").build());

        List<AuditEntry> entries = list("audit-people", ListAuditEntriesRequest.newBuilder()
                .addActions("WORKFLOW_CHANGED").addActions("AUTONOMY_CHANGED").setActor("ana (key admin)")).stream()
                .filter(e -> !e.getProject().equals("global")).toList(); // other tests pause globally as ana too

        assertThat(entries).extracting(AuditEntry::getAction).containsExactly("AUTONOMY_CHANGED", "WORKFLOW_CHANGED");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.getActor()).isEqualTo("ana (key admin)");
            assertThat(e.getProject()).isEqualTo("audit-people");
            assertThat(e.getHubId()).isEqualTo("hub-local");
            assertThat(e.getHash()).matches("[0-9a-f]{64}");
        });
        assertThat(entries.get(0).getDetailJson()).isEqualTo("{\"paused\":true,\"reason\":\"freeze\"}");
        assertThat(entries.get(1).getSubject()).isEqualTo("workflow:tell-someone");
    }

    @Test
    void modelsRegisteredAndPromoted_areListed() {
        var models = as(ModelRegistryServiceGrpc.newBlockingStub(channel), "audit-models", "mia");
        String version = models.listModels(ListModelsRequest.newBuilder().setName("service_health").build())
                .getModels(0).getVersion();
        models.promoteModel(PromoteModelRequest.newBuilder().setName("service_health").setVersion(version)
                .setReason("again").build());

        List<AuditEntry> entries = list("audit-models", ListAuditEntriesRequest.newBuilder().setOldestFirst(true));

        assertThat(entries).filteredOn(e -> e.getActor().equals("bootstrap")).extracting(AuditEntry::getAction)
                .as("the project's models, registered and promoted the first time it needed one")
                .containsOnly("MODEL_REGISTERED", "MODEL_PROMOTED").hasSize(6);
        AuditEntry promoted = entries.get(entries.size() - 1);
        assertThat(promoted.getAction()).isEqualTo("MODEL_PROMOTED");
        assertThat(promoted.getActor()).isEqualTo("mia (key admin)");
        assertThat(promoted.getSubject()).isEqualTo("model:service_health@" + version);
        assertThat(promoted.getDetailJson()).contains("\"reason\":\"again\"");
    }

    @Test
    void aProject_seesItsOwnAndTheGlobalEntries_andAllProjectsSeesTheWholeChain() {
        var one = as(RemediateServiceGrpc.newBlockingStub(channel), "audit-one", "ana");
        var two = as(RemediateServiceGrpc.newBlockingStub(channel), "audit-two", "bob");
        one.setAutonomy(SetAutonomyRequest.newBuilder().setPaused(true).build());
        two.setAutonomy(SetAutonomyRequest.newBuilder().setPaused(true).build());
        two.setAutonomy(SetAutonomyRequest.newBuilder().setGlobal(true).setPaused(false).build());

        assertThat(list("audit-one", ListAuditEntriesRequest.newBuilder())).extracting(AuditEntry::getProject)
                .contains("audit-one", "global").doesNotContain("audit-two");
        assertThatThrownBy(() -> list("global", ListAuditEntriesRequest.newBuilder()))
                .as("'global' is the hub-wide scope, not a project whose callers would see it alone")
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        List<AuditEntry> all = list("audit-one", ListAuditEntriesRequest.newBuilder().setAllProjects(true)
                .setOldestFirst(true));
        assertThat(all).extracting(AuditEntry::getProject).contains("audit-one", "audit-two", "global");
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).getSequence()).isEqualTo(all.get(i - 1).getSequence() + 1);
            assertThat(all.get(i).getPreviousHash()).isEqualTo(all.get(i - 1).getHash());
        }
    }

    @Test
    void pages_continueWithTheirToken_withoutGapsOrRepeats_inEitherOrder() {
        var remediate = as(RemediateServiceGrpc.newBlockingStub(channel), "audit-pages", "ana");
        for (int i = 0; i < 5; i++) {
            remediate.setAutonomy(SetAutonomyRequest.newBuilder().setPaused(i % 2 == 0).setReason("r" + i).build());
        }
        for (boolean oldestFirst : new boolean[]{false, true}) {
            List<String> reasons = new ArrayList<>();
            String token = "";
            int pages = 0;
            do {
                ListAuditEntriesResponse page = audit("audit-pages").listAuditEntries(ListAuditEntriesRequest
                        .newBuilder().addActions("AUTONOMY_CHANGED").setActor("ana (key admin)").setOldestFirst(oldestFirst)
                        .setPageSize(2).setPageToken(token).build());
                page.getEntriesList().forEach(e -> reasons.add(e.getDetailJson().replaceAll(".*\"reason\":\"(r\\d)\".*",
                        "$1")));
                token = page.getNextPageToken();
                pages++;
            } while (!token.isEmpty());

            assertThat(pages).isEqualTo(3);
            assertThat(reasons).containsExactlyElementsOf(oldestFirst ? List.of("r0", "r1", "r2", "r3", "r4")
                    : List.of("r4", "r3", "r2", "r1", "r0"));
        }
    }

    @Test
    void everyBadListRequest_isRefused_namingItsField() {
        var api = audit("audit-bad");
        String token = api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setAllProjects(true).setPageSize(1)
                .build()).getNextPageToken();
        assertThat(token).isNotEmpty();

        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().addActions("RUN_DECIDED")
                .addActions("RUN_EXPLODED").build()), Status.Code.INVALID_ARGUMENT, "actions[1]");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().addActions("run_decided").build()),
                Status.Code.INVALID_ARGUMENT, "actions[0]");
        ListAuditEntriesRequest.Builder many = ListAuditEntriesRequest.newBuilder();
        for (int i = 0; i < 21; i++) {
            many.addActions("RUN_DECIDED");
        }
        refused(() -> api.listAuditEntries(many.build()), Status.Code.INVALID_ARGUMENT, "actions");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder()
                .setStartTime(Timestamp.newBuilder().setSeconds(1).setNanos(-1)).build()),
                Status.Code.INVALID_ARGUMENT, "start_time");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder()
                .setEndTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build()),
                Status.Code.INVALID_ARGUMENT, "end_time");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder()
                .setStartTime(Timestamp.newBuilder().setSeconds(2000)).setEndTime(Timestamp.newBuilder().setSeconds(1000))
                .build()), Status.Code.INVALID_ARGUMENT, "end_time");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setSubject("s".repeat(257)).build()),
                Status.Code.INVALID_ARGUMENT, "subject");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setSubject("run:\u0000").build()),
                Status.Code.INVALID_ARGUMENT, "subject");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setActor("a".repeat(129)).build()),
                Status.Code.INVALID_ARGUMENT, "actor");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setActor("ana\n").build()),
                Status.Code.INVALID_ARGUMENT, "actor");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setPageSize(-1).build()),
                Status.Code.INVALID_ARGUMENT, "page_size");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setPageToken("not a token!").build()),
                Status.Code.INVALID_ARGUMENT, "page_token");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setPageToken(token).build()),
                Status.Code.INVALID_ARGUMENT, "page_token");
        refused(() -> api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setPageToken(
                        io.commandcenter.hub.telemetry.PageToken.encode(java.util.Objects.hash("audit",
                                java.util.Set.of("audit-bad", "global"), new java.util.LinkedHashSet<String>(), null,
                                null, "", "", false), java.time.Instant.EPOCH, "seven")).build()),
                Status.Code.INVALID_ARGUMENT, "page_token");
        assertThat(api.listAuditEntries(ListAuditEntriesRequest.newBuilder().setAllProjects(true).setPageSize(1)
                .setPageToken(token).build()).getEntriesCount()).as("the token works with its own filters").isOne();
    }

    @Test
    void everyBadVerifyRequest_isRefused_namingItsField() {
        var api = audit("audit-bad");
        AuditAnchor good = AuditAnchor.newBuilder().setSequence(1).setHash("0".repeat(64)).build();

        refused(() -> api.verifyAuditLedger(VerifyAuditLedgerRequest.newBuilder().addAnchors(good)
                .addAnchors(good.toBuilder().setSequence(0)).build()), Status.Code.INVALID_ARGUMENT,
                "anchors[1].sequence");
        refused(() -> api.verifyAuditLedger(VerifyAuditLedgerRequest.newBuilder()
                .addAnchors(good.toBuilder().setHash("")).build()), Status.Code.INVALID_ARGUMENT, "anchors[0].hash");
        refused(() -> api.verifyAuditLedger(VerifyAuditLedgerRequest.newBuilder()
                .addAnchors(good.toBuilder().setHash("A".repeat(64))).build()), Status.Code.INVALID_ARGUMENT,
                "anchors[0].hash");
        refused(() -> api.verifyAuditLedger(VerifyAuditLedgerRequest.newBuilder()
                .addAnchors(good.toBuilder().setHash("abc")).build()), Status.Code.INVALID_ARGUMENT, "anchors[0].hash");
        VerifyAuditLedgerRequest.Builder many = VerifyAuditLedgerRequest.newBuilder();
        for (int i = 0; i < 101; i++) {
            many.addAnchors(good);
        }
        refused(() -> api.verifyAuditLedger(many.build()), Status.Code.INVALID_ARGUMENT, "anchors");
    }

    @Test
    void aRowEditedWithPlainSql_isNamedByVerify_withTheEntryForItsOwnProjectOnly() throws Exception {
        var remediate = as(RemediateServiceGrpc.newBlockingStub(channel), "audit-tamper", "ana");
        remediate.setAutonomy(SetAutonomyRequest.newBuilder().setPaused(true).setReason("honest").build());
        AuditEntry target = list("audit-tamper", ListAuditEntriesRequest.newBuilder().addActions("AUTONOMY_CHANGED"))
                .get(0);
        remediate.setAutonomy(SetAutonomyRequest.newBuilder().setPaused(false).build());
        VerifyAuditLedgerResponse before = audit("audit-tamper").verifyAuditLedger(
                VerifyAuditLedgerRequest.getDefaultInstance());
        assertThat(before.getIntact()).isTrue();
        assertThat(before.getHead().getSequence()).isGreaterThan(target.getSequence());

        sql("UPDATE audit_entry SET detail = ? WHERE sequence_no = ?", "{\"paused\":true,\"reason\":\"forged\"}",
                target.getSequence());
        try {
            VerifyAuditLedgerResponse mine = audit("audit-tamper").verifyAuditLedger(
                    VerifyAuditLedgerRequest.getDefaultInstance());
            VerifyAuditLedgerResponse theirs = audit("audit-elsewhere").verifyAuditLedger(
                    VerifyAuditLedgerRequest.getDefaultInstance());

            assertThat(mine.getIntact()).isFalse();
            assertThat(mine.getEntries()).isEqualTo(target.getSequence() - 1);
            assertThat(mine.getFirstBreak().getSequence()).isEqualTo(target.getSequence());
            assertThat(mine.getFirstBreak().getProblem()).isEqualTo(AuditProblem.AUDIT_PROBLEM_HASH_MISMATCH);
            assertThat(mine.getFirstBreak().getEntry().getDetailJson()).contains("forged");
            assertThat(theirs.getFirstBreak().getSequence()).isEqualTo(target.getSequence());
            assertThat(theirs.getFirstBreak().hasEntry()).as("another project's entry is not shown").isFalse();
            assertThat(theirs.getFirstBreak().getMessage()).doesNotContain("audit-tamper").doesNotContain("forged");
        } finally {
            sql("UPDATE audit_entry SET detail = ? WHERE sequence_no = ?", target.getDetailJson(),
                    target.getSequence());
        }
        VerifyAuditLedgerResponse after = audit("audit-tamper").verifyAuditLedger(VerifyAuditLedgerRequest.newBuilder()
                .addAnchors(before.getHead()).build());
        assertThat(after.getIntact()).as("restored, and the head kept before still holds").isTrue();
    }

    static void sql(String statement, Object... values) throws SQLException {
        try (Connection c = hub.database().dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            assertThat(s.executeUpdate()).isEqualTo(1);
            c.commit();
        }
    }
}
