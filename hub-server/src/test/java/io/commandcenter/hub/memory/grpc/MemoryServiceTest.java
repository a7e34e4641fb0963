package io.commandcenter.hub.memory.grpc;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.proto.v1.AddMemoryRequest;
import io.commandcenter.proto.v1.DeleteMemoryRequest;
import io.commandcenter.proto.v1.Factor;
import io.commandcenter.proto.v1.GetMemoryRequest;
import io.commandcenter.proto.v1.ListMemoriesRequest;
import io.commandcenter.proto.v1.ListMemoriesResponse;
import io.commandcenter.proto.v1.Memory;
import io.commandcenter.proto.v1.MemoryFilter;
import io.commandcenter.proto.v1.MemoryServiceGrpc;
import io.commandcenter.proto.v1.SearchMemoryRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code MemoryService} over gRPC on an assembled hub (the embedded Lucene memory): add with a
 * vector or with features, search, get, list in pages, delete; one project never sees another's
 * memories; every bad request is INVALID_ARGUMENT naming its field.
 */
class MemoryServiceTest {
    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;

    @BeforeAll
    static void start() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
    }

    static MemoryServiceGrpc.MemoryServiceBlockingStub memory(String project) {
        return GrpcFixture.scoped(MemoryServiceGrpc.newBlockingStub(channel), project);
    }

    static List<Float> axis(int i) {
        List<Float> v = new ArrayList<>(Collections.nCopies(64, 0f));
        v.set(i, 1f);
        return v;
    }

    static Memory.Builder note(String id) {
        return Memory.newBuilder().setMemoryId(id).setEntity("service/checkout-api").setKind("agent.note")
                .setAction("scale").setOutcome("recovered").setText("scaled to 6 replicas").putMetadata("by", "bot");
    }

    @Test
    void addSearchGetListDelete_roundTrip() {
        var api = memory("mem-a");
        Memory added = api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("n1").addAllVector(axis(3))).build())
                .getMemory();
        assertThat(added.getProjectId()).isEqualTo("mem-a");
        assertThat(added.getVectorList()).hasSize(64);
        assertThat(added.hasTime()).isTrue();
        api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("n2").setAction("restart")).putFeatures("persist", 3)
                .addFactors(Factor.newBuilder().setFeature("persist").setMetric("latency_p50").setContribution(2.1))
                .build());

        var found = api.searchMemory(SearchMemoryRequest.newBuilder().addAllVector(axis(3)).build()).getMatchesList();
        assertThat(found).first().satisfies(m -> {
            assertThat(m.getMemory().getMemoryId()).isEqualTo("n1");
            assertThat(m.getSimilarity()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        });
        var byFeatures = api.searchMemory(SearchMemoryRequest.newBuilder().putFeatures("persist", 3)
                .addFactors(Factor.newBuilder().setFeature("persist").setMetric("latency_p50").setContribution(2.1))
                .setK(1).build()).getMatchesList();
        assertThat(byFeatures).singleElement().satisfies(m -> assertThat(m.getMemory().getMemoryId()).isEqualTo("n2"));
        assertThat(api.searchMemory(SearchMemoryRequest.newBuilder().addAllVector(axis(3))
                .setFilter(MemoryFilter.newBuilder().setAction("restart")).build()).getMatchesList())
                .extracting(m -> m.getMemory().getMemoryId()).containsExactly("n2");

        assertThat(api.getMemory(GetMemoryRequest.newBuilder().setMemoryId("n1").build()).getMemory()).isEqualTo(added);
        ListMemoriesResponse page = api.listMemories(ListMemoriesRequest.newBuilder().setPageSize(1).build());
        assertThat(page.getTotalSize()).isEqualTo(2);
        assertThat(page.getMemoriesList()).hasSize(1);
        ListMemoriesResponse next = api.listMemories(ListMemoriesRequest.newBuilder().setPageSize(1)
                .setPageToken(page.getNextPageToken()).build());
        assertThat(next.getMemoriesList()).hasSize(1);
        assertThat(next.getNextPageToken()).isEmpty();
        assertThat(List.of(page.getMemories(0).getMemoryId(), next.getMemories(0).getMemoryId()))
                .containsExactlyInAnyOrder("n1", "n2");

        api.deleteMemory(DeleteMemoryRequest.newBuilder().setMemoryId("n1").build());
        assertStatus(() -> api.getMemory(GetMemoryRequest.newBuilder().setMemoryId("n1").build()), Status.Code.NOT_FOUND,
                "MEMORY_NOT_FOUND", null);
    }

    @Test
    void theLargestPage_stillLeadsToTheNext() {
        var api = memory("mem-big");
        int n = MemoryGrpcService.MAX_PAGE + 1;
        List<io.commandcenter.memory.Memory> many = new ArrayList<>();
        java.time.Instant t0 = java.time.Instant.parse("2026-12-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            float[] v = new float[64];
            v[i % 64] = 1f;
            many.add(io.commandcenter.memory.Memory.builder().id("m" + i).project("mem-big").entity("service/api")
                    .kind("agent.note").at(t0.plusSeconds(i / 3)).vector(v).text("note " + i).build());
        }
        hub.memory().addAll(many); // one commit; a thousand AddMemory calls would each commit

        ListMemoriesResponse first = api.listMemories(ListMemoriesRequest.newBuilder()
                .setPageSize(MemoryGrpcService.MAX_PAGE).build());
        assertThat(first.getTotalSize()).isEqualTo(n);
        assertThat(first.getMemoriesList()).hasSize(MemoryGrpcService.MAX_PAGE);
        assertThat(first.getNextPageToken()).as("one memory is left").isNotEmpty();
        ListMemoriesResponse rest = api.listMemories(ListMemoriesRequest.newBuilder()
                .setPageSize(MemoryGrpcService.MAX_PAGE).setPageToken(first.getNextPageToken()).build());
        assertThat(rest.getMemoriesList()).hasSize(1);
        assertThat(rest.getNextPageToken()).isEmpty();
        java.util.Set<String> seen = new java.util.HashSet<>();
        first.getMemoriesList().forEach(m -> seen.add(m.getMemoryId()));
        assertThat(seen.add(rest.getMemories(0).getMemoryId())).as("no memory twice").isTrue();
    }

    /** Prints the page-token fingerprint of one filter, computed in a JVM of its own. */
    public static final class FingerprintInAnotherJvm {
        public static void main(String[] args) {
            System.out.println(MemoryGrpcService.fingerprint(FILTER));
        }
    }

    static final io.commandcenter.memory.MemoryFilter FILTER = io.commandcenter.memory.MemoryFilter.ALL
            .withEntity("service/checkout-api").withKind("remediation").withFrom(java.time.Instant.parse("2026-12-01T00:00:00Z"));

    @Test
    void aPageToken_isBoundToTheFiltersValues_theSameInEveryJvm() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FingerprintInAnotherJvm.class.getName())
                .redirectErrorStream(true).start();
        String printed = new String(child.getInputStream().readAllBytes()).strip();
        assertThat(child.waitFor()).as(printed).isZero();

        assertThat(printed).as("a restarted hub, or another hub, accepts the token")
                .isEqualTo(String.valueOf(MemoryGrpcService.fingerprint(FILTER)));
        assertThat(MemoryGrpcService.fingerprint(FILTER.withKind("agent.note")))
                .isNotEqualTo(MemoryGrpcService.fingerprint(FILTER));
    }

    @Test
    void anAgentKey_addsNewMemories_butCannotReplaceOne() {
        var admin = io.commandcenter.proto.v1.KeyServiceGrpc.newBlockingStub(channel);
        String token = admin.createKey(io.commandcenter.proto.v1.CreateKeyRequest.newBuilder().setName("mem-agent")
                .setRole(io.commandcenter.proto.v1.KeyRole.KEY_ROLE_AGENT).setProjectId("mem-rw").build()).getToken();
        memory("mem-rw").addMemory(AddMemoryRequest.newBuilder().setMemory(note("run-1").setText("restarted, recovered")
                .addAllVector(axis(1))).build());
        ManagedChannel agentChannel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.bearer(token)).build();
        try {
            var agent = GrpcFixture.scoped(MemoryServiceGrpc.newBlockingStub(agentChannel), "mem-rw");

            agent.addMemory(AddMemoryRequest.newBuilder().setMemory(note("agent-1").addAllVector(axis(2))).build());
            assertStatus(() -> agent.addMemory(AddMemoryRequest.newBuilder().setMemory(note("run-1")
                    .setOutcome("worse").setText("rewritten").addAllVector(axis(1))).build()),
                    Status.Code.PERMISSION_DENIED, "MEMORY_EXISTS", null);
        } finally {
            agentChannel.shutdownNow();
        }
        assertThat(memory("mem-rw").getMemory(GetMemoryRequest.newBuilder().setMemoryId("run-1").build()).getMemory()
                .getText()).isEqualTo("restarted, recovered");
        assertThat(memory("mem-rw").getMemory(GetMemoryRequest.newBuilder().setMemoryId("agent-1").build())
                .getMemory().getMemoryId()).isEqualTo("agent-1");
    }

    @Test
    void oneProjectsMemories_areInvisibleToAnother() {
        memory("iso-a").addMemory(AddMemoryRequest.newBuilder().setMemory(note("secret").addAllVector(axis(5))).build());
        var other = memory("iso-b");

        assertThat(other.searchMemory(SearchMemoryRequest.newBuilder().addAllVector(axis(5)).setK(100).build())
                .getMatchesList()).isEmpty();
        assertThat(other.listMemories(ListMemoriesRequest.getDefaultInstance()).getTotalSize()).isZero();
        assertStatus(() -> other.getMemory(GetMemoryRequest.newBuilder().setMemoryId("secret").build()),
                Status.Code.NOT_FOUND, "MEMORY_NOT_FOUND", null);
        assertStatus(() -> other.deleteMemory(DeleteMemoryRequest.newBuilder().setMemoryId("secret").build()),
                Status.Code.NOT_FOUND, "MEMORY_NOT_FOUND", null);
        assertThat(memory("iso-a").getMemory(GetMemoryRequest.newBuilder().setMemoryId("secret").build()).getMemory()
                .getText()).isEqualTo("scaled to 6 replicas");
    }

    @Test
    void badRequests_areInvalidArgument_namingTheField() {
        var api = memory("mem-bad");
        List<Float> nan = axis(0);
        nan.set(7, Float.NaN);
        invalid(() -> api.addMemory(AddMemoryRequest.getDefaultInstance()), "memory");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x")).build()), "memory.vector");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x").addAllVector(axis(0)))
                .putFeatures("a", 1).build()), "memory.vector");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x").addVector(1f)).build()),
                "memory.vector");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x").addAllVector(nan)).build()),
                "memory.vector[7]");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x").addAllVector(axis(0)))
                .build().toBuilder().setMemory(note("a b").addAllVector(axis(0))).build()), "memory.memory_id");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x").setKind("").addAllVector(axis(0)))
                .build()), "memory.kind");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x").setEntity("").addAllVector(axis(0)))
                .build()), "memory.entity");
        invalid(() -> api.addMemory(AddMemoryRequest.newBuilder().setMemory(note("x")).putFeatures("f", Double.NaN)
                .build()), "features.f");
        invalid(() -> api.searchMemory(SearchMemoryRequest.newBuilder().addAllVector(axis(0)).setK(101).build()), "k");
        invalid(() -> api.searchMemory(SearchMemoryRequest.getDefaultInstance()), "vector");
        invalid(() -> api.searchMemory(SearchMemoryRequest.newBuilder().addAllVector(axis(0)).setFilter(MemoryFilter
                .newBuilder().setSince(com.google.protobuf.Timestamp.newBuilder().setSeconds(100))
                .setUntil(com.google.protobuf.Timestamp.newBuilder().setSeconds(50))).build()), "filter.until");
        invalid(() -> api.getMemory(GetMemoryRequest.getDefaultInstance()), "memory_id");
        invalid(() -> api.getMemory(GetMemoryRequest.newBuilder().setMemoryId("../x").build()), "memory_id");
        invalid(() -> api.listMemories(ListMemoriesRequest.newBuilder().setPageSize(-1).build()), "page_size");
        invalid(() -> api.listMemories(ListMemoriesRequest.newBuilder().setPageToken("forged").build()), "page_token");
        assertThat(api.listMemories(ListMemoriesRequest.getDefaultInstance()).getTotalSize()).isZero();
    }

    static void invalid(Runnable call, String field) {
        assertStatus(call, Status.Code.INVALID_ARGUMENT, null, field);
    }

    static void assertStatus(Runnable call, Status.Code code, String reason, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            var details = StatusProto.fromThrowable(e).getDetailsList();
            if (reason != null) {
                assertThat(details).filteredOn(a -> a.is(ErrorInfo.class)).singleElement()
                        .satisfies(a -> assertThat(a.unpack(ErrorInfo.class).getReason()).isEqualTo(reason));
            }
            if (field != null) {
                assertThat(details).filteredOn(a -> a.is(BadRequest.class)).singleElement()
                        .satisfies(a -> assertThat(a.unpack(BadRequest.class).getFieldViolationsList())
                                .extracting(BadRequest.FieldViolation::getField).contains(field));
            }
        });
    }
}
