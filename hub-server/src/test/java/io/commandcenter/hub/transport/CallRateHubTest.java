package io.commandcenter.hub.transport;

import com.google.rpc.RetryInfo;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.proto.v1.CreateKeyRequest;
import io.commandcenter.proto.v1.KeyRole;
import io.commandcenter.proto.v1.KeyServiceGrpc;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Each credential's calls are limited on an assembled hub: past its burst a caller is told to wait
 * (RESOURCE_EXHAUSTED with RetryInfo), while another credential and the health check go on.
 */
class CallRateHubTest {
    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;

    @AfterEach
    void stop() {
        channel.shutdownNow();
        hub.close();
    }

    @Test
    void aCallerPastItsBurst_isToldToWait_othersAndHealthGoOn() throws Exception {
        HubSettings defaults = HubSettings.defaults(dir, 0);
        // a rate so slow that no refill happens during the test: the burst is all there is
        hub = Hub.start(defaults.withSecurity(defaults.security().withCallRate(0.001, 3)), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
        String viewer = KeyServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.admin(hub))
                .createKey(CreateKeyRequest.newBuilder().setName("dash").setRole(KeyRole.KEY_ROLE_VIEWER).build())
                .getToken();
        var admin = RemediateServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.admin(hub));
        var dash = RemediateServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.bearer(viewer));

        dash.listWorkflows(ListWorkflowsRequest.getDefaultInstance());
        dash.listWorkflows(ListWorkflowsRequest.getDefaultInstance());
        dash.listWorkflows(ListWorkflowsRequest.getDefaultInstance());
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> dash.listWorkflows(ListWorkflowsRequest.getDefaultInstance()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        RetryInfo retry = StatusProto.fromThrowable(refused).getDetailsList().stream()
                .filter(a -> a.is(RetryInfo.class)).findFirst().orElseThrow().unpack(RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isPositive();
        assertThat(admin.listWorkflows(ListWorkflowsRequest.getDefaultInstance())).as("another credential")
                .isNotNull();
        for (int i = 0; i < 5; i++) {
            assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()))
                    .as("health is public and not counted").isNotNull();
        }
    }

    @Test
    void callsThatFailAuthentication_areLimitedToo_perAddress() throws Exception {
        HubSettings defaults = HubSettings.defaults(dir, 0);
        hub = Hub.start(defaults.withSecurity(defaults.security().withCallRate(0.001, 3)), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
        // from another loopback address: the hub tells the two apart by the connection's source address
        ManagedChannel second = NettyChannelBuilder.forAddress("127.0.0.1", hub.grpcPort()).usePlaintext()
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote,
                                                                      io.grpc.Attributes attributes) {
                        return new java.net.InetSocketAddress("127.0.0.2", 0);
                    }
                }).build();
        var admin = RemediateServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.admin(hub));
        assertThat(admin.listWorkflows(ListWorkflowsRequest.getDefaultInstance())).isNotNull(); // now in its cache
        java.util.Random random = new java.util.Random(1713);
        try {
            java.util.List<Status.Code> codes = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                codes.add(guess(channel, random));
            }

            assertThat(codes.subList(0, 3)).containsOnly(Status.Code.UNAUTHENTICATED);
            assertThat(codes.subList(3, 10)).as("past the burst: told to wait")
                    .containsOnly(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(admin.listWorkflows(ListWorkflowsRequest.getDefaultInstance()))
                    .as("a working key in use from the same address is not slowed").isNotNull();
            assertThat(guess(second, random)).as("another address has its own allowance")
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        } finally {
            second.shutdownNow();
        }
    }

    /** A call with a made-up key; its status. */
    static Status.Code guess(ManagedChannel channel, java.util.Random random) {
        String made = String.format("cck_%016x_%s", random.nextLong(), "s".repeat(43));
        var guess = RemediateServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.bearer(made));
        return catchThrowableOfType(StatusRuntimeException.class,
                () -> guess.listWorkflows(ListWorkflowsRequest.getDefaultInstance())).getStatus().getCode();
    }
}
