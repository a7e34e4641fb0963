package io.commandcenter.benchmarks.predict;

import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.MicroBatchingBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Local scoring under concurrency without the transport: {@code --threads} threads each scoring one row at a
 * time of the shipped {@code service_health} model, straight on ONNX Runtime against through
 * {@link MicroBatchingBackend} (max 256 rows, no added delay), alternating rounds. Rows a second and p99.
 * <pre>./mvnw -q -B -o -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.predict.MicroBatchingBenchmark \
 *     -Dexec.args="--threads 64 --seconds 5 --rounds 3"</pre>
 */
public final class MicroBatchingBenchmark {
    private MicroBatchingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 64;
        int seconds = 5;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ModelArtifact model = new BootstrapModels().load("service_health");
        ModelKey key = ModelKey.of(model.metadata());
        try (OnnxBackend onnx = new OnnxBackend()) {
            onnx.load(model);
            MicroBatchingBackend batched = new MicroBatchingBackend(onnx, 256, Duration.ZERO);
            int width = model.metadata().features().size();
            System.out.printf(Locale.ROOT, "service_health (%d features), 1 row a call, %d threads, %d s a round (cores: %d)%n",
                    width, threads, seconds, Runtime.getRuntime().availableProcessors());
            run(onnx, key, width, threads, 2); // warm-up
            run(batched, key, width, threads, 2);
            for (int r = 1; r <= rounds; r++) {
                double[] plain = run(onnx, key, width, threads, seconds);
                long calls0 = batched.calls();
                long requests0 = batched.requests();
                double[] shared = run(batched, key, width, threads, seconds);
                double mean = (batched.requests() - requests0) / (double) Math.max(1, batched.calls() - calls0);
                System.out.printf(Locale.ROOT, "  round %d  ORT direct %,10.0f rows/s p99 %6.3f ms | micro-batched %,10.0f"
                        + " rows/s p99 %6.3f ms (mean batch %.1f rows) | %.2fx%n", r, plain[0], plain[1], shared[0],
                        shared[1], mean, shared[0] / plain[0]);
            }
        }
    }

    /** Rows a second and p99 in ms. */
    static double[] run(InferenceBackend backend, ModelKey key, int width, int threads, int seconds) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                float[] row = new float[width];
                Arrays.fill(row, 0.1f * (id % 10));
                long[] own = new long[1 << 16];
                int n = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    backend.score(key, row, 1);
                    if (n == own.length) {
                        own = Arrays.copyOf(own, n * 2);
                    }
                    own[n++] = System.nanoTime() - t0;
                }
                latencies[id] = own;
                counts[id] = n;
                done.countDown();
            });
            thread.setDaemon(true);
            thread.start();
        }
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        long elapsed = System.nanoTime() - start;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new double[] {total / (elapsed / 1e9), ModelInferBenchmark.percentile(all, 0.99)};
    }
}
