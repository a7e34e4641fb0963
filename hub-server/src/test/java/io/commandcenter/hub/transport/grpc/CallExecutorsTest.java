package io.commandcenter.hub.transport.grpc;

import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;
import io.commandcenter.proto.v1.ListPredictionsRequest;
import io.commandcenter.proto.v1.ListPredictionsResponse;
import io.commandcenter.proto.v1.PredictRequest;
import io.commandcenter.proto.v1.PredictResponse;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The hub's gRPC server runs each call on the threads {@link CallExecutors} picks, over a real
 * socket, behind the real interceptor and guard: {@code Predict} on the quick pool, other calls on
 * the general one, none on the transport's event loop; a quick pool held by a waiting call sends new
 * calls to the general pool instead of queueing them behind it; the interceptor still refuses a call
 * without credentials before any service code runs.
 */
class CallExecutorsTest {
    private GrpcServerHost host;
    private ManagedChannel channel;
    private final CountDownLatch release = new CountDownLatch(1);

    /** Answers with the name of the thread that ran the service (in model_version); "block" waits for the test. */
    private final class ThreadNames extends PredictServiceGrpc.PredictServiceImplBase {
        @Override
        public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
            if (request.getModel().equals("waits")) {
                // as PredictGrpcService answers a Predict by entity: the waiting part leaves the quick pool
                host.executors().runMayWait(() -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    observer.onNext(PredictResponse.newBuilder().setModelVersion(Thread.currentThread().getName())
                            .setModel(CallContext.caller().project().value()).build());
                    observer.onCompleted();
                });
                return;
            }
            if (request.getModel().equals("block")) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            observer.onNext(PredictResponse.newBuilder().setModelVersion(Thread.currentThread().getName()).build());
            observer.onCompleted();
        }

        @Override
        public void listPredictions(ListPredictionsRequest request, StreamObserver<ListPredictionsResponse> observer) {
            observer.onNext(ListPredictionsResponse.newBuilder().setNextPageToken(Thread.currentThread().getName()).build());
            observer.onCompleted();
        }
    }

    private void start(CallExecutors executors, boolean authenticated) {
        Caller caller = new Caller(ProjectId.of("default"), new Principal("t", Role.ADMIN, null, "k"));
        CallerInterceptor interceptor = new CallerInterceptor((operation, required, header) -> {
            if (authenticated && header.apply("authorization") == null) {
                throw io.commandcenter.common.error.CommandCenterException.unauthenticated("CREDENTIALS_REQUIRED",
                        "this call needs credentials");
            }
            return caller;
        }, new SplittableRandom(7));
        host = GrpcServerHost.start("127.0.0.1", 0, 1 << 20, 1 << 16, InsecureServerCredentials.create(), interceptor,
                List.of(new ThreadNames()), Clock.systemUTC(), executors);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", host.port()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (channel != null) {
            channel.shutdownNow();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void predictRunsOnTheQuickPool_otherCallsOnTheGeneralOne_noneOnTheEventLoop() {
        start(new CallExecutors(CallExecutors.LOCAL_QUICK_METHODS, 2, Duration.ofSeconds(1)), false);
        var stub = PredictServiceGrpc.newBlockingStub(channel);
        for (int i = 0; i < 20; i++) {
            assertThat(stub.predict(PredictRequest.newBuilder().setModel("m").build()).getModelVersion())
                    .startsWith("cc-grpc-quick-");
            assertThat(stub.listPredictions(ListPredictionsRequest.getDefaultInstance()).getNextPageToken())
                    .startsWith("cc-grpc-").doesNotStartWith("cc-grpc-quick-");
        }
        assertThat(host.executors().quickCalls()).isEqualTo(20);
        assertThat(host.executors().overflowed()).isZero();
    }

    /** A stub whose calls carry {@code x-at-once: yes}, which the tests' rule takes for a caller resolved at once. */
    private PredictServiceGrpc.PredictServiceBlockingStub atOnce() {
        return PredictServiceGrpc.newBlockingStub(channel)
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headersAtOnce()));
    }

    private static CallExecutors answeringAtOnce(int quickThreads) {
        CallExecutors executors = new CallExecutors(CallExecutors.LOCAL_QUICK_METHODS, quickThreads, Duration.ofSeconds(30));
        executors.answerAtOnceWhen(Set.of(PredictServiceGrpc.getPredictMethod().getFullMethodName()),
                header -> "yes".equals(header.apply("x-at-once")));
        return executors;
    }

    @Test
    void aPredictWhoseCallerResolvesAtOnce_runsOnTheEventLoop_anyOtherOnItsPoolAsBefore() {
        CallExecutors executors = answeringAtOnce(2);
        start(executors, false);

        assertThat(atOnce().predict(PredictRequest.newBuilder().setModel("m").build()).getModelVersion())
                .as("the transport's event loop").startsWith("grpc-default-worker");
        assertThat(PredictServiceGrpc.newBlockingStub(channel).predict(PredictRequest.newBuilder().setModel("m").build())
                .getModelVersion()).as("the rule says no").startsWith("cc-grpc-quick-");
        assertThat(atOnce().listPredictions(ListPredictionsRequest.getDefaultInstance()).getNextPageToken())
                .as("not a method answered at once").startsWith("cc-grpc-").doesNotStartWith("cc-grpc-quick-");
        assertThat(executors.atOnceCalls()).isEqualTo(1);
        assertThat(executors.quickCalls()).isEqualTo(1);
    }

    @Test
    void aCallOnTheEventLoopThatWaits_isHandedToTheGeneralPoolWithItsContext_andTheLoopAnswersOthersMeanwhile() {
        CallExecutors executors = answeringAtOnce(2);
        start(executors, false);
        AtomicReference<PredictResponse> waited = new AtomicReference<>();
        PredictServiceGrpc.PredictServiceStub async = PredictServiceGrpc.newStub(channel)
                .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headersAtOnce()));
        async.predict(PredictRequest.newBuilder().setModel("waits").build(), responseInto(waited));
        await().atMost(Duration.ofSeconds(10)).until(() -> executors.handedOff() == 1);
        // the same connection, so the same event loop: it answers while the first call waits
        String next = atOnce().withDeadlineAfter(5, TimeUnit.SECONDS)
                .predict(PredictRequest.newBuilder().setModel("m").build()).getModelVersion();
        assertThat(next).startsWith("grpc-default-worker");
        assertAnsweredOnceReleased_fromTheGeneralPool(waited);
        assertThat(executors.atOnceCalls()).isEqualTo(2);
    }

    private static io.grpc.Metadata headersAtOnce() {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("x-at-once", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "yes");
        return headers;
    }

    @Test
    void modelInfer_isQuickWhenScoringNeverWaits_andNotOtherwise() {
        String infer = io.commandcenter.proto.inference.GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName();
        try (CallExecutors local = CallExecutors.forHub(true); CallExecutors waits = CallExecutors.forHub(false)) {
            local.executorFor(infer);
            waits.executorFor(infer);
            assertThat(local.quickCalls()).isEqualTo(1);
            assertThat(waits.quickCalls()).isZero();
        }
    }

    @Test
    void withNoQuickMethods_predictRunsOnTheGeneralPool() {
        start(new CallExecutors(Set.of(), 2, Duration.ofSeconds(1)), false);
        assertThat(PredictServiceGrpc.newBlockingStub(channel).predict(PredictRequest.newBuilder().setModel("m").build())
                .getModelVersion()).startsWith("cc-grpc-").doesNotStartWith("cc-grpc-quick-");
        assertThat(host.executors().quickCalls()).isZero();
    }

    @Test
    void aQuickPoolHeldByAWaitingCall_sendsNewCallsToTheGeneralPool() throws Exception {
        CallExecutors executors = new CallExecutors(CallExecutors.LOCAL_QUICK_METHODS, 1, Duration.ofMillis(20));
        start(executors, false);
        var async = PredictServiceGrpc.newStub(channel);
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<String> second = new AtomicReference<>();
        async.predict(PredictRequest.newBuilder().setModel("block").build(), observer(first));
        await().atMost(Duration.ofSeconds(10)).until(() -> executors.quickCalls() == 1);
        // the only quick thread waits; the next call queues behind it
        async.predict(PredictRequest.newBuilder().setModel("m").build(), observer(second));
        await().atMost(Duration.ofSeconds(10)).until(() -> executors.quickCalls() == 2);
        // once the queued call has waited past the limit, a new call runs at once elsewhere
        await().atMost(Duration.ofSeconds(10)).until(executors::backedUp);
        String third = PredictServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .predict(PredictRequest.newBuilder().setModel("m").build()).getModelVersion();
        // a call that went to the quick pool instead would have waited for the release: it cannot have answered
        assertThat(third).startsWith("cc-grpc-").doesNotStartWith("cc-grpc-quick-");
        assertThat(executors.overflowed()).isPositive();
        assertThat(first.get()).isNull();
        assertThat(second.get()).isNull();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> first.get() != null && second.get() != null);
        assertThat(first.get()).startsWith("cc-grpc-quick-");
        assertThat(second.get()).startsWith("cc-grpc-quick-");
    }

    @Test
    void aQuickCallThatWaits_waitsOnTheGeneralPool_withItsCallContext_andFreesTheQuickThread() throws Exception {
        CallExecutors executors = new CallExecutors(CallExecutors.LOCAL_QUICK_METHODS, 1, Duration.ofSeconds(30));
        start(executors, false);
        AtomicReference<PredictResponse> waited = new AtomicReference<>();
        PredictServiceGrpc.newStub(channel).predict(PredictRequest.newBuilder().setModel("waits").build(),
                responseInto(waited));
        await().atMost(Duration.ofSeconds(10)).until(() -> executors.quickCalls() == 1);
        // the only quick thread is free again: the next Predict answers on it while the first still waits
        // (with the overflow limit at 30 s, a held quick thread would keep this call queued past its deadline)
        String next = PredictServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .predict(PredictRequest.newBuilder().setModel("m").build()).getModelVersion();
        assertThat(next).startsWith("cc-grpc-quick-");
        assertAnsweredOnceReleased_fromTheGeneralPool(waited);
    }

    @Test
    void afterClose_whatTheTransportStillHandsOver_runsOnItsThreadInsteadOfBeingRefused() {
        CallExecutors executors = new CallExecutors(CallExecutors.LOCAL_QUICK_METHODS, 1, Duration.ofSeconds(1));
        executors.close();
        for (String method : List.of(PredictServiceGrpc.getPredictMethod().getFullMethodName(),
                PredictServiceGrpc.getListPredictionsMethod().getFullMethodName())) {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            // a stream's last close callback after the server terminated: grpc-java's own executor never refused it
            executors.executorFor(method).execute(() -> ranOn.set(Thread.currentThread()));
            assertThat(ranOn.get()).as(method).isSameAs(Thread.currentThread());
        }
    }

    @Test
    void theInterceptorStillRunsFirst_aCallWithoutCredentialsIsRefused() {
        start(new CallExecutors(CallExecutors.LOCAL_QUICK_METHODS, 2, Duration.ofSeconds(1)), true);
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                PredictServiceGrpc.newBlockingStub(channel).predict(PredictRequest.newBuilder().setModel("m").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    private static StreamObserver<PredictResponse> observer(AtomicReference<String> into) {
        return observer(value -> into.set(value.getModelVersion()), t -> into.set("error: " + t));
    }

    /** Keeps the answer; errors are seen as no answer. */
    private static StreamObserver<PredictResponse> responseInto(AtomicReference<PredictResponse> into) {
        return observer(into::set, t -> { });
    }

    private static StreamObserver<PredictResponse> observer(java.util.function.Consumer<PredictResponse> answer,
                                                            java.util.function.Consumer<Throwable> error) {
        return new StreamObserver<>() {
            @Override
            public void onNext(PredictResponse value) {
                answer.accept(value);
            }

            @Override
            public void onError(Throwable t) {
                error.accept(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    /** The call that waits has not answered; released, it answers from the general pool with its call's context. */
    private void assertAnsweredOnceReleased_fromTheGeneralPool(AtomicReference<PredictResponse> waited) {
        assertThat(waited.get()).isNull();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> waited.get() != null);
        assertThat(waited.get().getModelVersion()).startsWith("cc-grpc-").doesNotStartWith("cc-grpc-quick-");
        assertThat(waited.get().getModel()).as("the call's context travelled with it").isEqualTo("default");
    }
}
