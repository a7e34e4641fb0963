package io.commandcenter.hub.predict.grpc;

import com.google.protobuf.ByteString;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.proto.v1.BacktestRequest;
import io.commandcenter.proto.v1.BacktestResponse;
import io.commandcenter.proto.v1.BacktestStart;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link BacktestCall} on an in-process gRPC server, its replay a stand-in that runs until it is told the call
 * was cancelled (the real replay's checks are {@code BacktestTest}'s): a client that goes away while its CSV is
 * scored ends the replay, and the call's slots are freed then, not when the replay would have ended.
 */
class BacktestCallTest {
    final Semaphore replaySlots = new Semaphore(1);
    final CountDownLatch replaying = new CountDownLatch(1);
    final CountDownLatch uploadReleased = new CountDownLatch(1);
    final AtomicBoolean replayToldOfTheCancel = new AtomicBoolean();
    Server server;
    ManagedChannel channel;

    /** Replays until the call is cancelled (then stops as the real one does), or for 60 s at most. */
    BacktestResult replayUntilCancelled(String model, String version, String label, java.io.Reader csv,
                                        java.util.function.BooleanSupplier cancelled) {
        replaying.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (cancelled.getAsBoolean()) {
                replayToldOfTheCancel.set(true);
                throw new CancellationException("the backtest was cancelled");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return new BacktestResult(List.of(), Optional.empty(), 0, 0);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aClientThatCancelsWhileItsCsvIsScored_endsTheReplay_andFreesTheSlotsAtOnce() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(ServerServiceDefinition
                .builder(PredictServiceGrpc.SERVICE_NAME)
                .addMethod(PredictServiceGrpc.getBacktestMethod(), ServerCalls.asyncBidiStreamingCall(observer ->
                        new BacktestCall((ServerCallStreamObserver<BacktestResponse>) observer, this::replayUntilCancelled,
                                replaySlots, uploadReleased::countDown, Duration.ofMinutes(5))))
                .build()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        AtomicReference<ClientCallStreamObserver<BacktestRequest>> requests = new AtomicReference<>();
        PredictServiceGrpc.newStub(channel).backtest(new ClientResponseObserver<BacktestRequest, BacktestResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<BacktestRequest> stream) {
                requests.set(stream);
            }

            @Override
            public void onNext(BacktestResponse value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        ClientCallStreamObserver<BacktestRequest> stream = requests.get();
        stream.onNext(BacktestRequest.newBuilder().setStart(BacktestStart.getDefaultInstance()).build());
        stream.onNext(BacktestRequest.newBuilder().setCsvChunk(ByteString.copyFrom("timestamp,latency\n1,2\n2,3\n",
                StandardCharsets.UTF_8)).build());
        stream.onCompleted();
        assertThat(replaying.await(30, TimeUnit.SECONDS)).as("the replay runs").isTrue();
        assertThat(replaySlots.availablePermits()).as("it holds the hub's replay slot").isZero();

        stream.cancel("the client went away", null);

        assertThat(uploadReleased.await(30, TimeUnit.SECONDS)).as("the call's slots are freed long before the"
                + " replay would have ended").isTrue();
        assertThat(replayToldOfTheCancel).as("the replay was told").isTrue();
        assertThat(replaySlots.availablePermits()).as("the replay slot is free").isEqualTo(1);
    }
}
