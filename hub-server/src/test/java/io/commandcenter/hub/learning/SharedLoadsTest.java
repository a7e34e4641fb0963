package io.commandcenter.hub.learning;

import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two retrainings judging against the same champion on the loop's one backend: neither unloads it from the other. */
class SharedLoadsTest {
    static final ModelArtifact SHIPPED = new BootstrapModels().load("service_health");

    @Test
    void theFirstUserToFinish_leavesTheModelLoadedForTheOther_andTheLastOneUnloadsIt() {
        try (OnnxBackend backend = new OnnxBackend()) {
            SharedLoads loads = new SharedLoads(backend);
            ModelKey key = ModelKey.of(SHIPPED.metadata(), ModelRegistry.content(SHIPPED));

            loads.acquire(key, SHIPPED);
            loads.acquire(key, SHIPPED);
            loads.release(key);

            assertThat(backend.isLoaded(key)).as("one user still scores with it").isTrue();
            assertThat(loads.users(key)).isEqualTo(1);

            loads.release(key);
            assertThat(backend.isLoaded(key)).as("the last user unloads it").isFalse();
            assertThat(loads.users(key)).isZero();

            loads.release(key);
            assertThat(loads.users(key)).as("a release nobody acquired changes nothing").isZero();
        }
    }

    @Test
    void aLoadThatFails_countsNoUser_soTheNextStepLoadsTheModelAgain() {
        try (OnnxBackend backend = new OnnxBackend()) {
            SharedLoads loads = new SharedLoads(backend);
            ModelKey key = ModelKey.of(SHIPPED.metadata(), ModelRegistry.content(SHIPPED));
            // ONNX Runtime refuses the bytes (as it does a model it has no memory for): the step fails, holding nothing
            ModelArtifact unreadable = new ModelArtifact(SHIPPED.metadata(), new byte[]{1, 2, 3});

            assertThatThrownBy(() -> loads.acquire(key, unreadable)).isInstanceOf(RuntimeException.class);
            assertThat(loads.users(key)).as("the failed step is no user").isZero();

            loads.acquire(key, SHIPPED);
            assertThat(backend.isLoaded(key)).as("the next step's load is not skipped").isTrue();
            loads.release(key);
            assertThat(backend.isLoaded(key)).isFalse();
        }
    }

    @Test
    void usersOnManyThreads_neverFindTheModelUnloadedWhileTheyHoldIt() throws Exception {
        try (OnnxBackend backend = new OnnxBackend()) {
            SharedLoads loads = new SharedLoads(backend);
            ModelKey key = ModelKey.of(SHIPPED.metadata(), ModelRegistry.content(SHIPPED));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            try {
                java.util.List<Future<Integer>> done = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        int unloadedWhileHeld = 0;
                        for (int i = 0; i < 50; i++) {
                            loads.acquire(key, SHIPPED);
                            if (!backend.isLoaded(key)) {
                                unloadedWhileHeld++;
                            }
                            loads.release(key);
                        }
                        return unloadedWhileHeld;
                    }));
                }
                start.countDown();
                for (Future<Integer> f : done) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).isZero();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(loads.users(key)).isZero();
            assertThat(backend.isLoaded(key)).isFalse();
        }
    }
}
