package io.commandcenter.inference;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** {@link MicroBatchingBackend} over the real ONNX Runtime backend: shared calls, each caller its own rows' answers. */
class MicroBatchingTest {
    static ModelArtifact artifact;
    static ModelKey key;

    OnnxBackend onnx;
    Gate gate;
    ExecutorService pool;

    @BeforeAll
    static void train() {
        artifact = TestModels.artifact(TestModels.train(11, 0), "cpu_risk", "1.0.0");
        key = ModelKey.of(artifact.metadata());
    }

    @BeforeEach
    void start() {
        onnx = new OnnxBackend();
        onnx.load(artifact);
        gate = new Gate(onnx);
        pool = Executors.newFixedThreadPool(32);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        onnx.close();
    }

    /** Passes calls to ONNX Runtime, noting each call's rows; the first call can be held at a latch. */
    static final class Gate extends ForwardingBackend {
        final List<Integer> callRows = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        volatile boolean holdFirst;
        /** Thrown by the second call (the shared one after a held first): a runtime's Error, not an exception. */
        volatile Error failSecond;

        Gate(InferenceBackend delegate) {
            super(delegate);
        }

        @Override
        public double[] score(ModelKey key, float[] rows, int rowCount) {
            callRows.add(rowCount);
            if (holdFirst && callRows.size() == 1) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failSecond != null && callRows.size() == 2) {
                throw failSecond;
            }
            return delegate.score(key, rows, rowCount);
        }
    }

    static float[] row(int i) {
        return new float[] {(i % 7) * 0.3f - 1, (i % 11) * 0.25f - 1.2f, (i % 5) * 0.4f - 0.8f};
    }

    @Test
    void callersArrivingWhileACallRuns_shareTheNextCall_eachGettingItsOwnRow() throws Exception {
        MicroBatchingBackend batching = new MicroBatchingBackend(gate, 256, Duration.ZERO);
        gate.holdFirst = true;
        CompletableFuture<double[]> first = CompletableFuture.supplyAsync(() -> batching.score(key, row(0), 1), pool);
        assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<double[]>> others = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            int n = i;
            others.add(CompletableFuture.supplyAsync(() -> batching.score(key, row(n), 1), pool));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.waiting(key) == 15);

        gate.release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)[0]).isCloseTo(onnx.score(key, row(0), 1)[0], within(1e-6));
        for (int i = 1; i <= 15; i++) {
            assertThat(others.get(i - 1).get(10, TimeUnit.SECONDS)).as("caller %d", i).hasSize(1);
            assertThat(others.get(i - 1).get()[0]).as("caller %d", i).isCloseTo(onnx.score(key, row(i), 1)[0], within(1e-6));
        }
        assertThat(gate.callRows).containsExactly(1, 15);
        assertThat(batching.requests()).isEqualTo(16);
        assertThat(batching.calls()).isEqualTo(2);
    }

    @Test
    void anErrorInASharedCall_failsEveryCallerInIt_noneLeftWaiting_andTheLaneGoesOn() throws Exception {
        MicroBatchingBackend batching = new MicroBatchingBackend(gate, 256, Duration.ZERO);
        gate.holdFirst = true;
        gate.failSecond = new AssertionError("the runtime broke");
        CompletableFuture<double[]> first = CompletableFuture.supplyAsync(() -> batching.score(key, row(0), 1), pool);
        assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<double[]>> shared = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int n = i;
            shared.add(CompletableFuture.supplyAsync(() -> batching.score(key, row(n), 1), pool));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.waiting(key) == 3);

        gate.release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(1);
        for (CompletableFuture<double[]> f : shared) {
            // a bound, not a timing: on the old code the callers the Error did not reach wait for ever
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().satisfiesAnyOf(
                            c -> assertThat(c).isInstanceOf(AssertionError.class),
                            c -> assertThat(c).isInstanceOfSatisfying(CommandCenterException.class, e -> {
                                assertThat(e.reason()).isEqualTo("BACKEND_FAILED");
                                assertThat(e.getCause()).isSameAs(gate.failSecond);
                            }));
        }
        assertThat(gate.callRows).containsExactly(1, 3);
        assertThat(batching.score(key, row(4), 1)[0]).as("the lane is free again")
                .isCloseTo(onnx.score(key, row(4), 1)[0], within(1e-6));
    }

    /**
     * The thread that makes a shared call need not be in it (its request queued behind a full batch of others'); when
     * that call ends in an Error, the thread leaves with the Error and its request must leave the queue with it: else
     * it stays at the head, the lane wakes that request's gone thread, and the callers queued behind it wait for ever.
     * A call made from inside the held call (the same thread holds the lane again) makes that order certain: its two
     * rows wait behind W1's two (max 3). On the old code W2, queued behind the orphan, never returns.
     */
    @Test
    void anErrorInASharedCallItsRunnerIsNotIn_takesTheRunnersRequestOutOfTheQueue_soTheCallersBehindGoOn()
            throws Exception {
        CountDownLatch w2Queued = new CountDownLatch(1);
        Error broke = new AssertionError("the runtime broke");
        MicroBatchingBackend[] lane = new MicroBatchingBackend[1];
        List<Throwable> nested = Collections.synchronizedList(new ArrayList<>());
        List<Integer> callRows = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InferenceBackend reentering = new ForwardingBackend(onnx) {
            @Override
            public double[] score(ModelKey k, float[] rows, int rowCount) {
                callRows.add(rowCount);
                if (callRows.size() == 1) {
                    entered.countDown();
                    awaitLatch(release);
                    try {
                        lane[0].score(k, twoRows(5), 2); // behind W1: W1's call is the one that breaks
                    } catch (Throwable e) {
                        nested.add(e);
                    }
                    awaitLatch(w2Queued);
                } else if (callRows.size() == 2) {
                    throw broke;
                }
                return delegate.score(k, rows, rowCount);
            }
        };
        MicroBatchingBackend batching = new MicroBatchingBackend(reentering, 3, Duration.ZERO);
        lane[0] = batching;
        CompletableFuture<double[]> first = CompletableFuture.supplyAsync(() -> batching.score(key, row(0), 1), pool);
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<double[]> w1 = CompletableFuture.supplyAsync(() -> batching.score(key, twoRows(1), 2), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.waiting(key) == 1);
        release.countDown();
        assertThat(w1).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("BACKEND_FAILED"));
        await().atMost(Duration.ofSeconds(10)).until(() -> nested.size() == 1);
        assertThat(nested.get(0)).as("the runner left with the Error").isSameAs(broke);
        CompletableFuture<double[]> w2 = CompletableFuture.supplyAsync(() -> batching.score(key, row(3), 1), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.requests() == 4);
        w2Queued.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).hasSize(1);
        // a bound, not a timing: on the old code W2 waits for ever behind the runner's orphaned request
        assertThat(w2.get(10, TimeUnit.SECONDS)[0]).isCloseTo(onnx.score(key, row(3), 1)[0], within(1e-6));
        assertThat(callRows).as("the orphan is never scored for nobody").containsExactly(1, 2, 1);
        assertThat(batching.waiting(key)).isZero();
    }

    static float[] twoRows(int i) {
        float[] a = row(i);
        float[] b = row(i + 1);
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSharedCall_carriesAtMostMaxRows() throws Exception {
        MicroBatchingBackend batching = new MicroBatchingBackend(gate, 4, Duration.ZERO);
        gate.holdFirst = true;
        CompletableFuture<double[]> first = CompletableFuture.supplyAsync(() -> batching.score(key, row(0), 1), pool);
        assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<double[]>> others = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            int n = i;
            others.add(CompletableFuture.supplyAsync(() -> batching.score(key, row(n), 1), pool));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.waiting(key) == 10);

        gate.release.countDown();

        first.get(10, TimeUnit.SECONDS);
        for (int i = 1; i <= 10; i++) {
            assertThat(others.get(i - 1).get(10, TimeUnit.SECONDS)[0]).isCloseTo(onnx.score(key, row(i), 1)[0], within(1e-6));
        }
        assertThat(gate.callRows).containsExactly(1, 4, 4, 2);
    }

    @Test
    void oneCallersBadRows_failOnlyThatCaller() throws Exception {
        MicroBatchingBackend batching = new MicroBatchingBackend(gate, 256, Duration.ZERO);
        gate.holdFirst = true;
        CompletableFuture<double[]> first = CompletableFuture.supplyAsync(() -> batching.score(key, row(0), 1), pool);
        assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<double[]> good = CompletableFuture.supplyAsync(() -> batching.score(key, row(1), 1), pool);
        CompletableFuture<double[]> bad = CompletableFuture.supplyAsync(() -> batching.score(key,
                new float[] {Float.NaN, 0, 0}, 1), pool);
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.waiting(key) == 2);

        gate.release.countDown();

        first.get(10, TimeUnit.SECONDS);
        assertThat(good.get(10, TimeUnit.SECONDS)[0]).isCloseTo(onnx.score(key, row(1), 1)[0], within(1e-6));
        assertThat(bad).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("SCORE_INPUT_INVALID"));
    }

    @Test
    void underConcurrency_everyCallerGetsItsOwnRowsAnswers_andCallsAreShared() throws Exception {
        MicroBatchingBackend batching = new MicroBatchingBackend(onnx, 64, Duration.ofMillis(1));
        assertThat(batching.affineLogOdds(key)).isPresent().isEqualTo(onnx.affineLogOdds(key));
        int callers = 32;
        int each = 300;
        AtomicInteger wrong = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            all.add(CompletableFuture.runAsync(() -> {
                Random rnd = new Random(caller);
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < each; i++) {
                    int n = 1 + rnd.nextInt(3);
                    float[] rows = new float[n * 3];
                    for (int k = 0; k < rows.length; k++) {
                        rows[k] = (float) rnd.nextGaussian();
                    }
                    double[] got = batching.score(key, rows, n);
                    double[] expected = onnx.score(key, rows, n);
                    for (int k = 0; k < n; k++) {
                        if (got.length != n || Math.abs(got[k] - expected[k]) > 1e-6) {
                            wrong.incrementAndGet();
                        }
                    }
                }
            }, pool));
        }
        go.countDown();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(wrong.get()).isZero();
        assertThat(batching.requests()).isEqualTo((long) callers * each);
        assertThat(batching.calls()).as("calls shared").isLessThan(batching.requests());
    }
}
