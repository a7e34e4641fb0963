package io.commandcenter.benchmarks;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.hub.telemetry.sql.SqlTelemetryStore;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the telemetry store's two hot calls cost the calling thread on the embedded H2 database, without
 * gRPC: a batch write of health samples (CPU and bytes allocated a row, 1,000 rows a batch, as the ingest
 * writer) and a {@code ListHealthSamples} page of 100, newest first (CPU and bytes allocated a page), on
 * one thread, by the thread's CPU clock and allocation counter. Only the store's public API, so another
 * build's jars put on the classpath instead measure that build (issue 18, session 9):
 *
 * <pre>java -cp "benchmarks/target/classes:benchmarks/target/deps/*" io.commandcenter.benchmarks.SampleStoreCost \
 *   --rows 100000 --reads 2000 --rounds 5</pre>
 *
 * <p>Each round writes {@code --rows} new samples and then reads {@code --reads} pages; the first round is
 * a warm-up and is printed but left out of the medians.
 */
public final class SampleStoreCost {
    private SampleStoreCost() {
    }

    public static void main(String[] args) throws Exception {
        IngestBenchmark.quietLogs();
        int rows = Integer.parseInt(IngestBenchmark.option(args, "--rows", "100000"));
        int reads = Integer.parseInt(IngestBenchmark.option(args, "--reads", "2000"));
        int rounds = Integer.parseInt(IngestBenchmark.option(args, "--rounds", "5"));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        ProjectId project = ProjectId.of("bench");
        List<double[]> results = new ArrayList<>();
        try (Database database = Database.open(DatabaseSettings.embedded(Files.createTempDirectory("cc-store-cost")))) {
            SqlTelemetryStore store = new SqlTelemetryStore(database, Clock.systemUTC());
            SampleQuery page = new SampleQuery(null, null, null, 100, null, false);
            System.out.println("| round | write: CPU µs a row | write: bytes a row | read: CPU µs a page of 100 | read: bytes a page |");
            System.out.println("|---:|---:|---:|---:|---:|");
            for (int round = 0; round < rounds; round++) {
                List<TelemetryStore.Scoped> batch = new ArrayList<>(1000);
                long cpu0 = threads.getCurrentThreadCpuTime();
                long bytes0 = threads.getThreadAllocatedBytes(self);
                Instant t0 = Instant.now().minusSeconds(3600);
                for (int i = 0; i < rows; i++) {
                    Instant t = t0.plusMillis(i);
                    batch.add(new TelemetryStore.Scoped(project, new HealthSampleRecord("r" + round + "-" + i,
                            "svc-" + (i % 40), t, 1.0, 20.0 + i % 97, (i % 13) / 1000.0, (i % 80) / 100.0,
                            (i % 60) / 100.0, Map.of("queue_depth", (double) (i % 31), "gc_pause_ms", (i % 7) * 1.5))));
                    if (batch.size() == 1000) {
                        store.write(batch, Instant.now());
                        batch = new ArrayList<>(1000);
                    }
                }
                if (!batch.isEmpty()) {
                    store.write(batch, Instant.now());
                }
                long cpu1 = threads.getCurrentThreadCpuTime();
                long bytes1 = threads.getThreadAllocatedBytes(self);
                int seen = 0;
                for (int i = 0; i < reads; i++) {
                    List<StoredSample> got = store.listHealthSamples(project, page);
                    seen += got.size();
                }
                long cpu2 = threads.getCurrentThreadCpuTime();
                long bytes2 = threads.getThreadAllocatedBytes(self);
                if (seen != reads * 101) { // a page asks for one more than it returns (the next-page check)
                    throw new IllegalStateException("read " + seen + " samples, expected " + reads * 101);
                }
                double[] r = {(cpu1 - cpu0) / 1e3 / rows, (double) (bytes1 - bytes0) / rows,
                        (cpu2 - cpu1) / 1e3 / reads, (double) (bytes2 - bytes1) / reads};
                System.out.printf(Locale.ROOT, "| %d%s | %.1f | %,.0f | %.0f | %,.0f |%n", round + 1,
                        round == 0 ? " (warm-up)" : "", r[0], r[1], r[2], r[3]);
                if (round > 0) {
                    results.add(r);
                }
            }
        }
        if (!results.isEmpty()) {
            System.out.printf(Locale.ROOT, "| median | %.1f | %,.0f | %.0f | %,.0f |%n", median(results, 0),
                    median(results, 1), median(results, 2), median(results, 3));
        }
    }

    private static double median(List<double[]> results, int column) {
        double[] v = results.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
