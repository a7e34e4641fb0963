package io.commandcenter.benchmarks.memory;

import io.commandcenter.hub.memory.IncidentVectors;
import io.commandcenter.memory.Memory;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryHit;
import io.commandcenter.memory.Vectors;
import io.commandcenter.memory.lucene.LuceneMemoryStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The embedded memory measured against a brute-force scan in the same run: recall@10 of the HNSW
 * index against the exact top 10, p50/p99 search latency of both, memories added per second (batches
 * of 10,000, one commit each), the durable single add a remediation run's memory costs (one commit),
 * and how long a closed index takes to be searchable again (open + first search).
 * <p>
 * Data: memories shaped like incidents — 64 numbers (the hub's incident vectors), a noisy copy of one
 * of 200 kinds of trouble (seeded), with the metadata the hub writes.
 * <pre>
 * java -Xmx3g -cp "benchmarks/target/classes:benchmarks/target/deps/*" \
 *     io.commandcenter.benchmarks.memory.MemoryBenchmark 100000 [1000000]
 * </pre>
 */
public final class MemoryBenchmark {
    private static final int DIMS = IncidentVectors.DIMENSIONS;
    private static final int K = 10;
    private static final int QUERIES = 500;
    private static final int BATCH = 10_000;

    public static void main(String[] args) throws IOException {
        int[] sizes = args.length == 0 ? new int[] {100_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf(Locale.ROOT, "MemoryBenchmark: %d dims, k=%d, %d queries, Java %s, %d cores%n", DIMS, K,
                QUERIES, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        for (int n : sizes) {
            run(n);
        }
    }

    private static void run(int n) throws IOException {
        Path dir = Files.createTempDirectory("cc-memory-bench-");
        SplittableRandom random = new SplittableRandom(42);
        float[][] centres = new float[200][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = gaussian(random, 1.0);
        }
        float[][] vectors = new float[n][];
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        long addNanos = 0;
        try (LuceneMemoryStore store = LuceneMemoryStore.open(dir, DIMS)) {
            for (int from = 0; from < n; from += BATCH) {
                List<Memory> batch = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + BATCH); i++) {
                    vectors[i] = Vectors.unit(noisy(random, centres));
                    batch.add(memory(i, vectors[i], t0));
                }
                long s = System.nanoTime();
                store.addAll(batch);
                addNanos += System.nanoTime() - s;
            }
            double addsPerSecond = n / (addNanos / 1e9);

            float[][] queries = new float[QUERIES][];
            for (int q = 0; q < QUERIES; q++) {
                queries[q] = Vectors.unit(noisy(random, centres));
            }
            // warm both paths up (JIT), then measure
            for (int q = 0; q < 50; q++) {
                store.search("bench", queries[q], K, MemoryFilter.ALL);
                exact(vectors, queries[q]);
            }
            long[] hnsw = new long[QUERIES];
            long[] brute = new long[QUERIES];
            int found = 0;
            for (int q = 0; q < QUERIES; q++) {
                long s = System.nanoTime();
                List<MemoryHit> hits = store.search("bench", queries[q], K, MemoryFilter.ALL);
                hnsw[q] = System.nanoTime() - s;
                s = System.nanoTime();
                Set<Integer> truth = exact(vectors, queries[q]);
                brute[q] = System.nanoTime() - s;
                for (MemoryHit h : hits) {
                    found += truth.contains(Integer.parseInt(h.memory().id().substring(2))) ? 1 : 0;
                }
            }
            double recall = found / (double) (QUERIES * K);

            // one memory per remediation run: a single durable add (one commit)
            long[] single = new long[50];
            for (int i = 0; i < single.length; i++) {
                Memory m = memory(n + i, Vectors.unit(noisy(random, centres)), t0);
                long s = System.nanoTime();
                store.add(m);
                single[i] = System.nanoTime() - s;
            }
            System.out.printf(Locale.ROOT, "n=%,d  adds %,.0f/s (batches of %,d)  single durable add p50 %.1f ms"
                            + " p99 %.1f ms%n", n, addsPerSecond, BATCH, ms(pct(single, 50)), ms(pct(single, 99)));
            System.out.printf(Locale.ROOT, "n=%,d  recall@%d %.4f  HNSW p50 %.2f ms p99 %.2f ms | brute force p50 %.2f"
                            + " ms p99 %.2f ms%n", n, K, recall, ms(pct(hnsw, 50)), ms(pct(hnsw, 99)), ms(pct(brute, 50)),
                    ms(pct(brute, 99)));
        }
        long s = System.nanoTime();
        try (LuceneMemoryStore reopened = LuceneMemoryStore.open(dir, DIMS).openAll()) {
            long opened = System.nanoTime() - s;
            List<MemoryHit> first = reopened.search("bench", vectors[0], K, MemoryFilter.ALL);
            long searchable = System.nanoTime() - s;
            System.out.printf(Locale.ROOT, "n=%,d  reopen: open %.0f ms, first search answered %.0f ms after start"
                    + " (found itself: %s); index on disk %,d MB%n", n, ms(opened), ms(searchable),
                    !first.isEmpty() && first.get(0).memory().id().equals("m-0"), size(dir) >> 20);
        }
        delete(dir);
    }

    private static Memory memory(int i, float[] v, Instant t0) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("runId", "run-" + i);
        meta.put("workflow", "auto-restart@1");
        meta.put("decision", i % 3 == 0 ? "approved" : "automatic");
        meta.put("decidedBy", i % 3 == 0 ? "ana" : "engine");
        meta.put("riskBefore", "0.93");
        meta.put("riskAfter", "0.41");
        meta.put("model", "service_health@2.1.0");
        meta.put("topFactors", "evidence[up]=13.98,persist[error_rate]=9.07,level_top[up]=3.31");
        return Memory.builder().id("m-" + i).project("bench").entity("service/s" + (i % 500)).kind("remediation")
                .at(t0.plusSeconds(i * 30L)).vector(v).action(i % 2 == 0 ? "restart" : "scale")
                .outcome(i % 4 == 0 ? "not_recovered" : "recovered")
                .text("service s" + (i % 500) + ": risk 0.93, restart (automatic) -> recovered, risk after 0.41")
                .metadata(meta).build();
    }

    /** The exact top k by cosine (unit vectors: dot product), a bounded heap over a flat scan. */
    private static Set<Integer> exact(float[][] vectors, float[] q) {
        PriorityQueue<double[]> heap = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
        for (int i = 0; i < vectors.length; i++) {
            double d = Vectors.dot(vectors[i], q);
            if (heap.size() < K) {
                heap.add(new double[] {d, i});
            } else if (d > heap.peek()[0]) {
                heap.poll();
                heap.add(new double[] {d, i});
            }
        }
        Set<Integer> out = new HashSet<>();
        heap.forEach(e -> out.add((int) e[1]));
        return out;
    }

    private static float[] noisy(SplittableRandom random, float[][] centres) {
        float[] c = centres[random.nextInt(centres.length)];
        float[] v = gaussian(random, 0.35);
        for (int i = 0; i < v.length; i++) {
            v[i] += c[i];
        }
        return v;
    }

    private static float[] gaussian(SplittableRandom random, double scale) {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            double u = random.nextDouble();
            double w = random.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w) * scale);
        }
        return v;
    }

    private static long pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long size(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
