package io.commandcenter.hub.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.TestAgent;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.proto.v1.WatchAssignmentsRequest;
import io.commandcenter.proto.v1.WatchAssignmentsResponse;
import io.commandcenter.scheduler.agents.AgentState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hub's stop with an agent stream and an assignment watch open (guide 14.22): both never end by themselves, and
 * the hub's close used to wait the full gRPC grace (10 s) for them and then cancel them (CANCELLED, no
 * reason). Now the close ends them itself, UNAVAILABLE {@code SHUTTING_DOWN} (the agent protocol's "reconnect to
 * any hub"), marks the agent disconnected, and goes on without the grace: a status carrying that reason can only
 * come from the hub's own end of the stream, never from the cancel at the end of the grace.
 */
class HubStopStreamsTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aHubThatStops_endsItsAgentStreamsAndWatches_shuttingDown_withoutWaitingOutTheGrpcGrace() throws Exception {
        Hub hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
        CompletableFuture<Void> closed = null;
        try {
            TestAgent agent = TestAgent.connect(channel, Credentials.adminToken(hub), "default", "probe", "probe-1");
            CompletableFuture<Void> watchStarted = new CompletableFuture<>();
            CompletableFuture<Throwable> watchEnded = new CompletableFuture<>();
            GrpcFixture.scoped(ScheduleServiceGrpc.newStub(channel), "default").withInterceptors(Credentials.admin(hub))
                    .watchAssignments(WatchAssignmentsRequest.getDefaultInstance(), new StreamObserver<>() {
                        @Override
                        public void onNext(WatchAssignmentsResponse value) {
                            if (value.hasStarted()) {
                                watchStarted.complete(null);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            watchEnded.complete(t);
                        }

                        @Override
                        public void onCompleted() {
                            watchEnded.complete(null);
                        }
                    });
            watchStarted.get(15, TimeUnit.SECONDS);
            assertThat(hub.scheduler().agents("default", "probe").agents()).singleElement()
                    .satisfies(a -> assertThat(a.state()).isEqualTo(AgentState.CONNECTED));

            closed = CompletableFuture.runAsync(hub::close);

            // before: both ended only when the grace ran out, CANCELLED, without a reason
            assertShuttingDown(agent.ended.get(30, TimeUnit.SECONDS));
            assertShuttingDown(watchEnded.get(30, TimeUnit.SECONDS));
            // and the close took the full 10 s grace and more; now it is not held by these streams at all
            closed.get(8, TimeUnit.SECONDS);
        } finally {
            channel.shutdownNow();
            if (closed == null) {
                hub.close();
            } else {
                closed.get(2, TimeUnit.MINUTES);
            }
        }
    }

    static void assertShuttingDown(Throwable ended) throws InvalidProtocolBufferException {
        assertThat(ended).isNotNull();
        assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        com.google.rpc.Status status = StatusProto.fromThrowable(ended);
        assertThat(status).as("a rich status: the hub's own end, not the grace's cancel").isNotNull();
        ErrorInfo info = null;
        for (var detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                info = detail.unpack(ErrorInfo.class);
            }
        }
        assertThat(info).isNotNull();
        assertThat(info.getReason()).isEqualTo("SHUTTING_DOWN");
    }
}
