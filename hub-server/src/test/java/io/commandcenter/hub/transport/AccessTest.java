package io.commandcenter.hub.transport;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.HubTest;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.RawCall;
import io.commandcenter.proto.v1.CreateKeyRequest;
import io.commandcenter.proto.v1.KeyRole;
import io.commandcenter.proto.v1.KeyServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access table on an assembled hub, for every operation it serves: without credentials every
 * call but health and reflection is UNAUTHENTICATED; each role is refused exactly what its
 * permissions do not include (PERMISSION_DENIED); a key is refused every project but its own.
 * Calls carry an empty message: a refused call ends before anything reads it, so the test needs
 * no valid request per RPC, and an allowed one fails later for its own reasons (never as a denial).
 */
class AccessTest {
    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;
    static Map<String, String> tokens;

    @BeforeAll
    static void start() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
        KeyServiceGrpc.KeyServiceBlockingStub admin = KeyServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.admin(hub));
        tokens = Map.of(
                "viewer", admin.createKey(key("v", KeyRole.KEY_ROLE_VIEWER, "")).getToken(),
                "operator", admin.createKey(key("o", KeyRole.KEY_ROLE_OPERATOR, "")).getToken(),
                "agent", admin.createKey(key("a", KeyRole.KEY_ROLE_AGENT, "")).getToken(),
                "admin", Credentials.adminToken(hub),
                "shop-admin", admin.createKey(key("s", KeyRole.KEY_ROLE_ADMIN, "shop")).getToken(),
                "shop-agent", admin.createKey(key("sa", KeyRole.KEY_ROLE_AGENT, "shop")).getToken());
    }

    static CreateKeyRequest key(String name, KeyRole role, String project) {
        return CreateKeyRequest.newBuilder().setName(name).setRole(role).setProjectId(project).build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
    }

    /** The status an empty call of {@code method} ends with (or OK after the first answer of a stream). */
    static Status.Code call(String method, String token, String project) throws Exception {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        if (project != null) {
            headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        }
        return RawCall.send(channel, method, new byte[0], headers).code();
    }

    @Test
    void theTable_coversEveryServedMethod_andNothingElse() {
        Set<String> served = new TreeSet<>();
        for (var file : HubTest.CONTRACTS) {
            file.getServices().forEach(s -> s.getMethods().forEach(m -> served.add(s.getFullName() + "/" + m.getName())));
        }
        io.commandcenter.proto.inference.GrpcPredictV2.getDescriptor().getServices().forEach(s ->
                s.getMethods().forEach(m -> served.add(s.getFullName() + "/" + m.getName())));
        Set<String> listed = new TreeSet<>(AccessTable.all().keySet());
        listed.removeIf(m -> m.startsWith("grpc."));

        assertThat(listed).isEqualTo(served);
    }

    @Test
    void theGuidePrintsTheTable_exactlyAsTheCodeHasIt() throws Exception {
        Path guide = Path.of(System.getProperty("repo.root", ".."), "docs", "phase12-intelligence.md");
        Map<String, String> printed = new java.util.LinkedHashMap<>();
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("\\| `([A-Za-z0-9_.]+/[A-Za-z]+)` \\| ([A-Z_]+) \\|");
        for (String line : java.nio.file.Files.readAllLines(guide)) {
            var m = row.matcher(line);
            if (m.matches()) {
                printed.put(m.group(1), m.group(2));
            }
        }
        Map<String, String> code = new java.util.LinkedHashMap<>();
        AccessTable.all().forEach((op, permission) -> code.put(op, permission.name()));

        assertThat(printed).containsExactlyEntriesOf(code);
    }

    @Test
    void withoutCredentials_everyCallButHealthAndReflection_isUnauthenticated() throws Exception {
        for (var e : AccessTable.all().entrySet()) {
            Status.Code code = call(e.getKey(), null, null);
            if (e.getValue() == Permission.PUBLIC) {
                assertThat(code).as(e.getKey()).isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
            } else {
                assertThat(code).as(e.getKey()).isEqualTo(Status.Code.UNAUTHENTICATED);
            }
        }
    }

    @Test
    void aBadKey_isUnauthenticated() throws Exception {
        String forged = tokens.get("viewer").substring(0, tokens.get("viewer").length() - 3) + "xyz";

        assertThat(call("commandcenter.v1.PredictService/ListPredictions", forged, null))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void eachRole_isRefusedExactlyWhatItsPermissionsLeaveOut() throws Exception {
        Map<String, io.commandcenter.hub.security.Role> roles = Map.of("viewer",
                io.commandcenter.hub.security.Role.VIEWER, "operator", io.commandcenter.hub.security.Role.OPERATOR,
                "agent", io.commandcenter.hub.security.Role.AGENT, "admin", io.commandcenter.hub.security.Role.ADMIN);
        for (var role : roles.entrySet()) {
            for (var e : AccessTable.all().entrySet()) {
                Status.Code code = call(e.getKey(), tokens.get(role.getKey()), null);
                if (role.getValue().allows(e.getValue())) {
                    assertThat(code).as(role.getKey() + " " + e.getKey())
                            .isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
                } else {
                    assertThat(code).as(role.getKey() + " " + e.getKey()).isEqualTo(Status.Code.PERMISSION_DENIED);
                }
            }
        }
    }

    @Test
    void whoAmI_tellsEachKeyItsName_roleAndPermissions_andTheProjectOfTheCall() {
        Metadata user = new Metadata();
        user.put(Metadata.Key.of("x-cc-user", Metadata.ASCII_STRING_MARSHALLER), "ana");
        var viewer = KeyServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.bearer(tokens.get("viewer")),
                MetadataUtils.newAttachHeadersInterceptor(user));
        var shopAdmin = KeyServiceGrpc.newBlockingStub(channel).withInterceptors(
                Credentials.bearer(tokens.get("shop-admin")));

        var v = viewer.whoAmI(io.commandcenter.proto.v1.WhoAmIRequest.getDefaultInstance());
        var s = shopAdmin.whoAmI(io.commandcenter.proto.v1.WhoAmIRequest.getDefaultInstance());

        assertThat(v.getName()).isEqualTo("v");
        assertThat(v.getRole()).isEqualTo(KeyRole.KEY_ROLE_VIEWER);
        assertThat(v.getPermissionsList()).containsExactly("READ");
        assertThat(v.getKeyProjectId()).as("a key of every project").isEmpty();
        assertThat(v.getProjectId()).isEqualTo("default");
        assertThat(v.getActor()).isEqualTo("ana (key v)");
        assertThat(v.getCredentialId()).matches("[0-9a-f]{16}");
        assertThat(s.getRole()).isEqualTo(KeyRole.KEY_ROLE_ADMIN);
        assertThat(s.getPermissionsList()).containsExactly("READ", "INGEST", "DECIDE", "ADMINISTER", "RUN_AGENT");
        assertThat(s.getKeyProjectId()).isEqualTo("shop");
        assertThat(s.getProjectId()).as("scoped to its key's project").isEqualTo("shop");
        assertThat(s.getActor()).isEqualTo("s");
    }

    @Test
    void aProjectKey_isRefusedEveryOtherProject() throws Exception {
        String shop = tokens.get("shop-admin");

        assertThat(call("commandcenter.v1.RemediateService/ListWorkflows", shop, "bank"))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(call("commandcenter.v1.RemediateService/ListWorkflows", shop, "shop"))
                .isNotIn(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
        assertThat(call("commandcenter.v1.ScheduleService/ListTasks", shop, "bank"))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void theKillSwitchOfEveryProject_needsAnAdministratorOfEveryProject() {
        var operator = io.commandcenter.proto.v1.RemediateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.bearer(tokens.get("operator")));
        var shopAdmin = io.commandcenter.proto.v1.RemediateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.bearer(tokens.get("shop-admin")));
        var global = io.commandcenter.proto.v1.SetAutonomyRequest.newBuilder().setPaused(true).setGlobal(true)
                .setReason("test").build();

        for (var stub : java.util.List.of(operator, shopAdmin)) {
            assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                    () -> stub.setAutonomy(global)).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(operator.getAutonomy(io.commandcenter.proto.v1.GetAutonomyRequest.getDefaultInstance())
                .getGlobal().getPaused()).isFalse();
    }

    @Test
    void aProjectNamedGlobal_isRefused_soAnOperatorCannotReachTheKillSwitchOfEveryProjectThroughIt() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), "global");
        var operator = io.commandcenter.proto.v1.RemediateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.bearer(tokens.get("operator")),
                        MetadataUtils.newAttachHeadersInterceptor(headers));
        var projectScope = io.commandcenter.proto.v1.SetAutonomyRequest.newBuilder().setPaused(true)
                .setReason("test").build();

        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                () -> operator.setAutonomy(projectScope));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("'global' is not a project");
        var plain = io.commandcenter.proto.v1.RemediateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.bearer(tokens.get("operator")));
        assertThat(plain.getAutonomy(io.commandcenter.proto.v1.GetAutonomyRequest.getDefaultInstance())
                .getGlobal().getPaused()).as("the kill switch of every project untouched").isFalse();
    }

    /** Opens ConnectAgent with a key and registers; the first answer (registered) or the stream's end. */
    static Object register(String token, String project, String agentId, String... projects) throws Exception {
        CompletableFuture<Object> first = new CompletableFuture<>();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        var stub = io.commandcenter.proto.v1.ScheduleServiceGrpc.newStub(channel)
                .withInterceptors(Credentials.bearer(token), MetadataUtils.newAttachHeadersInterceptor(headers));
        var out = stub.connectAgent(new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(io.commandcenter.proto.v1.ConnectAgentResponse value) {
                first.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                first.complete(t);
            }

            @Override
            public void onCompleted() {
                first.complete("completed");
            }
        });
        out.onNext(io.commandcenter.proto.v1.ConnectAgentRequest.newBuilder().setRegister(
                io.commandcenter.proto.v1.AgentRegistration.newBuilder().setAgentId(agentId).setAgentType("devops")
                        .addActions("*").setCapacity(4).addAllProjects(java.util.List.of(projects))).build());
        try {
            return first.get(15, TimeUnit.SECONDS);
        } finally {
            out.onCompleted();
        }
    }

    static String reason(Object ended) {
        assertThat(ended).isInstanceOf(io.grpc.StatusRuntimeException.class);
        var e = (io.grpc.StatusRuntimeException) ended;
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        return io.grpc.protobuf.StatusProto.fromThrowable(e).getDetailsList().stream()
                .filter(a -> a.is(com.google.rpc.ErrorInfo.class)).map(a -> {
                    try {
                        return a.unpack(com.google.rpc.ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                        throw new AssertionError(x);
                    }
                }).findFirst().orElseThrow();
    }

    @Test
    void anAgentKeyOfOneProject_cannotServeAnotherProject_orEveryProject() throws Exception {
        String shopAgent = tokens.get("shop-agent");

        assertThat(reason(register(shopAgent, "shop", "rogue-1", "bank"))).isEqualTo("PROJECT_NOT_COVERED");
        assertThat(reason(register(shopAgent, "shop", "rogue-2", "*"))).isEqualTo("PROJECT_NOT_COVERED");
        assertThat(register(shopAgent, "bank", "rogue-3")).as("nor call in another project")
                .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                        .isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThat(register(shopAgent, "shop", "shop-1", "shop")).as("its own project")
                .isInstanceOfSatisfying(io.commandcenter.proto.v1.ConnectAgentResponse.class,
                        r -> assertThat(r.hasRegistered()).isTrue());
    }

    @Test
    void noKey_takesTheHubsOwnAgentId_orAnotherKeysAgentId() throws Exception {
        var admin = io.commandcenter.proto.v1.ScheduleServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.admin(hub));
        String builtIn = admin.listAgents(io.commandcenter.proto.v1.ListAgentsRequest.getDefaultInstance())
                .getAgentsList().stream().filter(a -> "true".equals(a.getLabelsMap().get("builtin")))
                .filter(a -> a.getAgentType().equals("devops")).findFirst().orElseThrow().getAgentId();

        assertThat(reason(register(tokens.get("agent"), "default", builtIn))).isEqualTo("AGENT_ID_TAKEN");
        assertThat(reason(register(tokens.get("admin"), "default", builtIn))).as("not even an administrator's")
                .isEqualTo("AGENT_ID_TAKEN");
        assertThat(register(tokens.get("agent"), "default", "edge-1")).isInstanceOf(
                io.commandcenter.proto.v1.ConnectAgentResponse.class);
        assertThat(reason(register(tokens.get("admin"), "default", "edge-1"))).isEqualTo("AGENT_ID_TAKEN");
        assertThat(admin.listAgents(io.commandcenter.proto.v1.ListAgentsRequest.getDefaultInstance()).getAgentsList())
                .filteredOn(a -> a.getAgentId().equals(builtIn)).singleElement()
                .satisfies(a -> assertThat(a.getLabelsMap()).containsEntry("builtin", "true"));
    }

    @Test
    void refusedCalls_areRecordedInTheAuditLedger_withoutTheCredentialsSent() throws Exception {
        String approve = "commandcenter.v1.RemediateService/Approve";
        call(approve, null, "shop");
        call(approve, tokens.get("viewer"), "shop");
        call(approve, "cck_0123456789abcdef_" + "s".repeat(43), "shop");
        var audit = io.commandcenter.proto.v1.AuditServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.admin(hub));

        var entries = audit.listAuditEntries(io.commandcenter.proto.v1.ListAuditEntriesRequest.newBuilder()
                .setAllProjects(true).addActions("REQUEST_DENIED").setPageSize(1000).build()).getEntriesList();

        assertThat(entries).anySatisfy(e -> {
            assertThat(e.getSubject()).isEqualTo("rpc:" + approve);
            assertThat(e.getActor()).isEqualTo("anonymous");
            assertThat(e.getProject()).isEqualTo("global");
            assertThat(e.getDetailJson()).contains("CREDENTIALS_REQUIRED");
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.getSubject()).isEqualTo("rpc:" + approve);
            assertThat(e.getActor()).isEqualTo("v");
            assertThat(e.getProject()).isEqualTo("shop");
            assertThat(e.getDetailJson()).contains("ROLE_FORBIDS");
        });
        assertThat(entries).allSatisfy(e -> assertThat(e.getDetailJson() + e.getSubject() + e.getActor())
                .doesNotContain("s".repeat(43)));
        var viewerAudit = io.commandcenter.proto.v1.AuditServiceGrpc.newBlockingStub(channel)
                .withInterceptors(Credentials.bearer(tokens.get("viewer")));
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                () -> viewerAudit.listAuditEntries(io.commandcenter.proto.v1.ListAuditEntriesRequest.newBuilder()
                        .setAllProjects(true).build())).getStatus().getCode())
                .as("every project's entries are an administrator's").isEqualTo(Status.Code.PERMISSION_DENIED);
    }
}
