package io.commandcenter.inference.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.inference.ChampionRouter;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.TestModels;
import io.commandcenter.models.artifact.ModelArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HotSwapTest {

    static final int WORKERS = 4;
    static final int SWAPS = 20;

    @Test
    void promotingAndUnloadingChampions_underConcurrentScoring_failsNoCall() throws Exception {
        List<ModelArtifact> versions = new ArrayList<>();
        for (int v = 0; v <= SWAPS; v++) {
            versions.add(TestModels.artifact(TestModels.train(100 + v, 0.1 * v), "risk", Integer.toString(v + 1)));
        }
        try (OnnxBackend backend = new OnnxBackend()) {
            ChampionRouter router = new ChampionRouter(backend);
            backend.load(versions.get(0));
            router.promote(ModelKey.of(versions.get(0).metadata()));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(WORKERS);
            // after each swap, every worker must complete a call on the new champion before the next swap
            List<Thread> threads = new ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<CountDownLatch> sawNew = new java.util.concurrent.atomic.AtomicReference<>(new CountDownLatch(0));
            java.util.concurrent.atomic.AtomicReference<ModelKey> expected = new java.util.concurrent.atomic.AtomicReference<>();
            for (int t = 0; t < WORKERS; t++) {
                Thread th = new Thread(() -> {
                    started.countDown();
                    float[] rows = new float[3 * 64];
                    ModelKey lastCounted = null;
                    while (!stop.get()) {
                        try {
                            ChampionRouter.Scored s = router.score("risk", rows, 64);
                            calls.incrementAndGet();
                            if (s.key().equals(expected.get()) && !s.key().equals(lastCounted)) {
                                lastCounted = s.key();
                                sawNew.get().countDown();
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            for (int v = 1; v <= SWAPS; v++) {
                ModelArtifact next = versions.get(v);
                ModelKey key = ModelKey.of(next.metadata());
                CountDownLatch latch = new CountDownLatch(WORKERS);
                sawNew.set(latch);
                expected.set(key);
                backend.load(next);
                ModelKey old = router.promote(key).orElseThrow();
                backend.unload(old);
                assertThat(latch.await(30, TimeUnit.SECONDS)).as("every worker scored with %s", key).isTrue();
            }
            stop.set(true);
            for (Thread th : threads) {
                th.join();
            }
            assertThat(failures).isEmpty();
            assertThat(calls.get()).isGreaterThan(SWAPS * WORKERS);
            assertThat(backend.loaded()).containsExactly(new ModelKey("risk", Integer.toString(SWAPS + 1)));
        }
    }
}
