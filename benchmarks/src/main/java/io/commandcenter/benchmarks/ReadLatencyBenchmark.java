package io.commandcenter.benchmarks;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads under bulk ingest (issue 17 item 9): a unary {@code ListHealthSamples} (100 samples) called
 * back to back by one client, its latency measured with the hub idle and then while {@code --streams}
 * clients stream records flat out ({@code IngestStream}, each on a channel of its own); one hub (H2),
 * both phases in the same run. The second row says "(ended early)" when the ingest finished before
 * the reads did, so the last reads ran on an idle hub.
 *
 * <pre>java -cp "benchmarks/target/classes:benchmarks/target/deps/*" io.commandcenter.benchmarks.ReadLatencyBenchmark \
 *   --streams 8 --reads 200 --rows 160000 [--settle 30]</pre>
 *
 * <p>It also prints the JVM's resident memory before the load, at its peak, when it ended and
 * {@code --settle} seconds later (issue 17 item 9's memory clause). The clients' records are built
 * before the idle reads and collected into the old generation once ({@code System.gc()}), so the
 * collections under load copy what the hub keeps, not the benchmark's input (issue 18, session 9).
 */
public final class ReadLatencyBenchmark {
    private ReadLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        IngestBenchmark.quietLogs();
        int streams = Integer.parseInt(IngestBenchmark.option(args, "--streams", "8"));
        int reads = Integer.parseInt(IngestBenchmark.option(args, "--reads", "200"));
        int rows = Integer.parseInt(IngestBenchmark.option(args, "--rows", "160000"));
        int settle = Integer.parseInt(IngestBenchmark.option(args, "--settle", "30"));
        DatabaseSettings database = DatabaseSettings.embedded(Files.createTempDirectory("cc-reads"));
        String h2 = IngestBenchmark.option(args, "--h2-settings", ""); // e.g. ";CACHE_SIZE=4096", appended to the URL
        if (!h2.isEmpty()) {
            database = new DatabaseSettings(database.jdbcUrl() + h2, "", "", database.dataDir(), database.poolSize());
        }
        HubSettings defaults = HubSettings.defaults(database.dataDir(), 0).withDatabase(database);
        HubSettings settings = defaults.withSecurity(defaults.security().withCallRate(0, 1));
        settings = settings.withPredict(settings.predict().withEnabled(false));
        int window = Integer.parseInt(IngestBenchmark.option(args, "--window", "0"));
        if (window > 0) { // the hub's cc.ingest.window (records a stream may have unsettled in the hub)
            HubSettings s = settings;
            settings = new HubSettings(s.hubId(), s.grpc(), s.http(), s.limits(), s.security(), s.database(),
                    s.defaultProject(), s.ingestBatchSize(), window, s.ingestMaxStreams(), s.maxFutureSkew(),
                    s.eventBufferSize(), s.maxSubscribers(), s.modelsDir(), s.predict(), s.scheduler(), s.hazelcast(),
                    s.remediate(), s.agents(), s.demo(), s.learning(), s.retention());
        }
        int inFlight = Integer.parseInt(IngestBenchmark.option(args, "--in-flight", "0"));
        if (inFlight > 0) { // the hub's cc.ingest.max-in-flight
            io.commandcenter.hub.runtime.StreamLimits l = settings.limits();
            settings = settings.withLimits(new io.commandcenter.hub.runtime.StreamLimits(l.subscribersPerProject(),
                    l.ingestStreamsPerProject(), l.ingestIdleTimeout(), l.sseHeartbeat(), inFlight));
        }
        try (Hub hub = Hub.start(settings, Clock.systemUTC())) {
            ManagedChannel reader = channel(hub);
            List<ManagedChannel> writers = new ArrayList<>();
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), "bench");
                var read = TelemetryServiceGrpc.newBlockingStub(reader).withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(headers));
                List<IngestStreamRequest> seed = IngestBenchmark.requests(IngestBenchmark.generate(20_000));
                IngestBenchmark.stream(TelemetryServiceGrpc.newStub(reader).withInterceptors(
                                MetadataUtils.newAttachHeadersInterceptor(headers)), seed, new long[seed.size()],
                        new AtomicInteger(), 0).join();
                // the load's records are built before the reads and moved out of the young generation: they are
                // the clients', which a real client holds in its own process; left young, the first collections
                // under load copied them (110-115 MB each in a profiled run) and charged that to the hub's reads
                List<IngestStreamRequest> data = IngestBenchmark.requests(renamed(IngestBenchmark.generate(rows)));
                System.gc();
                ListHealthSamplesRequest request = ListHealthSamplesRequest.newBuilder().setPageSize(100).build();
                measure(read, request, reads); // warm-up
                long[] idle = measure(read, request, reads);
                long rssBefore = rssKib();
                java.util.concurrent.atomic.AtomicLong rssPeak = new java.util.concurrent.atomic.AtomicLong(rssBefore);
                java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors
                        .newSingleThreadScheduledExecutor(r -> {
                            Thread t = new Thread(r, "rss-sampler");
                            t.setDaemon(true);
                            return t;
                        });
                sampler.scheduleAtFixedRate(() -> rssPeak.accumulateAndGet(rssKib(), Math::max), 0, 200,
                        TimeUnit.MILLISECONDS);

                int per = data.size() / streams;
                List<CompletableFuture<Void>> done = new ArrayList<>();
                long start = System.nanoTime();
                for (int s = 0; s < streams; s++) {
                    ManagedChannel w = channel(hub);
                    writers.add(w);
                    List<IngestStreamRequest> slice = data.subList(s * per, (s + 1) * per);
                    done.add(IngestBenchmark.stream(TelemetryServiceGrpc.newStub(w).withInterceptors(
                            MetadataUtils.newAttachHeadersInterceptor(headers)), slice, new long[slice.size()],
                            new AtomicInteger(), 0));
                }
                long[] gcBefore = collections();
                long[] loaded = measure(read, request, reads);
                long[] gcAfter = collections();
                boolean stillLoaded = done.stream().noneMatch(CompletableFuture::isDone);
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - start) / 1e9;
                sampler.shutdownNow();
                long rssAfter = rssKib();
                writers.forEach(ManagedChannel::shutdownNow);
                // the clients' records are garbage now: what stays resident is the hub's (and the JVM's)
                data = null;
                done.clear();
                // the memory clause: does resident memory come back once the load is gone?
                long[] settled = new long[settle + 1];
                for (int i = 0; i <= settle; i++) {
                    settled[i] = rssKib();
                    if (i < settle) {
                        Thread.sleep(1000);
                    }
                }
                System.out.println();
                System.out.println("| phase | reads | p50 ms | p99 ms | max ms | ingest records/s |");
                System.out.println("|---|---:|---:|---:|---:|---:|");
                System.out.println(line("idle", idle, "–"));
                System.out.println(line(streams + " ingest streams flat out" + (stillLoaded ? "" : " (ended early)"),
                        loaded, String.format(Locale.ROOT, "%,.0f", per * streams / seconds)));
                System.out.printf(Locale.ROOT, "collections during the loaded reads: %d, %d ms in all%n",
                        gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1]);
                Runtime rt = Runtime.getRuntime();
                System.out.printf(Locale.ROOT, "%nresident memory (this JVM: hub and clients): before the load %,d MiB, "
                                + "peak during it %,d MiB, when it ended %,d MiB, %d s later %,d MiB "
                                + "(heap committed %,d MiB, used %,d MiB; GC %s)%n",
                        rssBefore / 1024, rssPeak.get() / 1024, rssAfter / 1024, settle, settled[settle] / 1024,
                        rt.totalMemory() >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20,
                        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
            } finally {
                reader.shutdownNow();
                writers.forEach(ManagedChannel::shutdownNow);
            }
        }
        System.exit(0);
    }

    /** Collections so far and their time, ms, over every collector of this JVM. */
    static long[] collections() {
        long count = 0;
        long millis = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    /** This process's resident set, KiB (Linux /proc), or 0 where there is none. */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    static ManagedChannel channel(Hub hub) {
        return NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(HubCredentials.admin(hub)).build();
    }

    static List<HealthSample> renamed(List<HealthSample> samples) {
        return samples.stream().map(s -> s.toBuilder().setRecordId("load-" + s.getRecordId()).build()).toList();
    }

    static long[] measure(TelemetryServiceGrpc.TelemetryServiceBlockingStub read, ListHealthSamplesRequest request,
                          int reads) {
        long[] nanos = new long[reads];
        for (int i = 0; i < reads; i++) {
            ReadEvent event = new ReadEvent();
            event.begin();
            long t = System.nanoTime();
            read.listHealthSamples(request);
            nanos[i] = System.nanoTime() - t;
            event.commit();
        }
        Arrays.sort(nanos);
        return nanos;
    }

    /** One read, in a flight recording ({@code -XX:StartFlightRecording}): lines slow reads up with collector pauses. */
    @jdk.jfr.Name("io.commandcenter.benchmarks.Read")
    @jdk.jfr.Label("ListHealthSamples call")
    static final class ReadEvent extends jdk.jfr.Event {
    }

    static String line(String phase, long[] sorted, String rate) {
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %s |", phase, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                sorted[sorted.length - 1] / 1e6, rate);
    }
}
