package io.commandcenter.benchmarks;

import com.google.protobuf.Timestamp;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.IngestStreamResponse;
import io.commandcenter.proto.v1.SubscribeRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest throughput end to end: health samples streamed over gRPC ({@code IngestStream}, several
 * concurrent streams, flow-controlled) into a hub on loopback, validated, committed to the
 * database and published as events to a gRPC subscriber; against the database's own limit, a raw
 * JDBC batch insert of the same rows into the same table (1000 rows a batch, a commit per batch,
 * one thread), measured in the same run. Reports rows/s, the ratio, and the p50/p99 latency from
 * sending a record to its acknowledgement (the ack says it is durable).
 *
 * <pre>./mvnw -q -pl benchmarks -am install -DskipTests &amp;&amp; ./mvnw -q -pl benchmarks exec:java -Dexec.args="--db both --rows 300000"</pre>
 * {@code --max-batch 256}: one more row, the subscriber asking for up to 256 events a message ({@code max_batch}).
 * {@code --consoles 10 [--rounds 3]}: the load of open web consoles on ingest instead (H2, engine on): each
 * console is one subscription with the console's pattern; ingest with them against without, alternating.
 * {@code --observability 3 [--predict-seconds 10]}: the cost of metrics and tracing (see {@link #observability}),
 * ending with one {@code SUMMARY} line of on/off ratios.
 */
public final class IngestBenchmark {
    private static final int STREAMS_FOR_DATA = 4;
    /** {@code --max-batch N} (N &gt; 1): the subscriber rows run a second time with {@code max_batch} N. */
    static int subscriberMaxBatch;
    /** The subscriber's {@code max_batch} for the hub run being set up (0: one event per message). */
    static int maxBatch;
    /**
     * {@code --jfr FILE}: a flight recording (profile settings, a CPU sample every 1 ms) of the measured engine-on
     * run alone, no subscriber. Starting it costs the run a little (JFR instruments its classes): profile with it,
     * do not time.
     */
    static String engineRecording;
    /** {@code --threads}: each hub run (and the raw insert) also prints its CPU a row by thread group. */
    static boolean threadBreakdown;
    /** {@code --engine-only}: after the warm-ups, the raw insert and the engine-on hub run alone (for profiling). */
    static boolean engineOnly;

    record Result(String database, String path, long rows, double seconds, long p50Micros, long p99Micros,
                  long eventsReceived, long eventsDropped, String engine) {
        double rate() {
            return rows / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        String db = option(args, "--db", "both");
        int rows = Integer.parseInt(option(args, "--rows", "300000"));
        int consoles = Integer.parseInt(option(args, "--consoles", "0"));
        int observability = Integer.parseInt(option(args, "--observability", "0"));
        if (observability > 0) {
            observability(rows, observability, Integer.parseInt(option(args, "--predict-seconds", "10")));
            System.exit(0);
        }
        if (consoles > 0) {
            consoles(rows, consoles, Integer.parseInt(option(args, "--rounds", "3")));
            System.exit(0);
        }
        subscriberMaxBatch = Integer.parseInt(option(args, "--max-batch", "0"));
        engineRecording = option(args, "--jfr", null);
        threadBreakdown = Arrays.asList(args).contains("--threads");
        engineOnly = Arrays.asList(args).contains("--engine-only");
        int streams = STREAMS_FOR_DATA;
        List<Result> results = new ArrayList<>();
        EmbeddedPostgres postgres = null;
        try {
            if (!db.equals("postgres")) {
                results.addAll(run("H2 (embedded)", dir -> DatabaseSettings.embedded(dir), rows, streams));
            }
            if (!db.equals("h2")) {
                postgres = EmbeddedPostgres.builder().start();
                EmbeddedPostgres pg = postgres;
                AtomicInteger n = new AtomicInteger();
                results.addAll(run("PostgreSQL 17", dir -> {
                    String name = "bench_" + n.incrementAndGet();
                    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE " + name);
                    }
                    return new DatabaseSettings(pg.getJdbcUrl("postgres", name), "postgres", "postgres", dir, 8);
                }, rows, streams));
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        print(results, rows, streams);
        System.exit(0);
    }

    interface DatabaseFactory {
        DatabaseSettings create(Path dir) throws Exception;
    }

    static List<Result> run(String name, DatabaseFactory databases, int rows, int streams) throws Exception {
        List<HealthSample> data = generate(rows);
        // warm the JIT on both paths with a smaller run, then measure on fresh databases
        rawJdbc(name, databases.create(Files.createTempDirectory("cc-bench")), generate(Math.min(rows, 50_000)));
        hub(name, databases.create(Files.createTempDirectory("cc-bench")), generate(Math.min(rows, 50_000)), streams, 0,
                true, true);
        Result raw = rawJdbc(name, databases.create(Files.createTempDirectory("cc-bench")), data);
        if (engineOnly) {
            Result engine = engineRun(name, databases, data, streams);
            return List.of(raw, engine);
        }
        Result ingestOnly = hub(name, databases.create(Files.createTempDirectory("cc-bench")), data, streams, 0, false,
                false);
        Result withEngine = engineRun(name, databases, data, streams);
        Result followed = hub(name, databases.create(Files.createTempDirectory("cc-bench")), data, streams, 0, true,
                true);
        Result batched = null;
        if (subscriberMaxBatch > 1) {
            maxBatch = subscriberMaxBatch;
            try {
                batched = hub(name, databases.create(Files.createTempDirectory("cc-bench")), data, streams, 0, true, true);
            } finally {
                maxBatch = 0;
            }
        }
        // latency at a normal load: half of what the hub sustained, for a third of the rows
        Result paced = hub(name, databases.create(Files.createTempDirectory("cc-bench")),
                data.subList(0, Math.max(1000, data.size() / 3)), streams, Math.floor(followed.rate() / 2000) * 1000,
                true, true);
        // the same rows in the order the hub's writer gets them: the 4 streams' quarters interleaved, so a
        // commit holds records of four regions of the key space (as the hub's commits do), not one
        Result interleaved = rawJdbc(name, databases.create(Files.createTempDirectory("cc-bench")),
                interleave(data, streams, 250));
        List<Result> out = new ArrayList<>(List.of(raw, ingestOnly, withEngine, followed));
        if (batched != null) {
            out.add(batched);
        }
        out.add(paced);
        out.add(new Result(interleaved.database(), "raw JDBC batch insert, rows as " + streams
                + " streams interleave (250 of each in turn)", interleaved.rows(), interleaved.seconds(), 0, 0, 0,
                0, interleaved.engine()));
        return out;
    }

    /** The {@code streams} equal slices of {@code data} (as {@link #hub} splits it), {@code chunk} rows of each in turn. */
    static List<HealthSample> interleave(List<HealthSample> data, int streams, int chunk) {
        int per = data.size() / streams;
        List<HealthSample> out = new ArrayList<>(data.size());
        int[] next = new int[streams];
        while (out.size() < data.size()) {
            for (int s = 0; s < streams; s++) {
                int end = s == streams - 1 ? data.size() : (s + 1) * per;
                for (int k = 0; k < chunk && s * per + next[s] < end; k++) {
                    out.add(data.get(s * per + next[s]++));
                }
            }
        }
        return out;
    }

    /** The wire requests, built before the clock starts: generating data is not the system's work. */
    static List<IngestStreamRequest> requests(List<HealthSample> samples) {
        List<IngestStreamRequest> requests = new ArrayList<>(samples.size());
        for (HealthSample s : samples) {
            requests.add(IngestStreamRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setHealthSample(s)).build());
        }
        return requests;
    }

    static List<HealthSample> generate(int rows) {
        Instant t0 = Instant.now().minusSeconds(rows / 1000 + 3600);
        List<HealthSample> samples = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            Instant t = t0.plusMillis(i);
            // each stream carries its own five services, each service's samples in time order, as shippers send them
            int stream = (int) ((long) i * STREAMS_FOR_DATA / rows);
            samples.add(HealthSample.newBuilder().setRecordId("r-" + i).setService("svc-" + (stream * 5 + i % 5))
                    .setTime(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()))
                    .setLatencyMs(20 + (i % 97)).setErrorRate((i % 13) / 1000.0).setUptime(1.0)
                    .setCpu((i % 80) / 100.0).setMemory((i % 60) / 100.0)
                    .putMetrics("queue_depth", i % 31).putMetrics("gc_pause_ms", (i % 7) * 1.5)
                    .build());
        }
        return samples;
    }

    /** The database's own limit: the same rows, JDBC batches of 1000, a commit per batch, one thread. */
    static Result rawJdbc(String name, DatabaseSettings settings, List<HealthSample> data) throws Exception {
        try (Database database = Database.open(settings);
             Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO health_sample (project_id, record_id, service, "
                     + "sample_time, uptime, latency_ms, error_rate, cpu, memory, metrics_json, received_at) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            ThreadCpu threadsBefore = ThreadCpu.now();
            long cpuStart = processCpuNanos();
            long threadStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long start = System.nanoTime();
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            for (int i = 0; i < data.size(); i++) {
                HealthSample s = data.get(i);
                ps.setString(1, "bench");
                ps.setString(2, s.getRecordId());
                ps.setString(3, s.getService());
                ps.setObject(4, OffsetDateTime.ofInstant(Instant.ofEpochSecond(s.getTime().getSeconds(),
                        s.getTime().getNanos()), ZoneOffset.UTC));
                ps.setDouble(5, s.getUptime());
                ps.setDouble(6, s.getLatencyMs());
                ps.setDouble(7, s.getErrorRate());
                ps.setDouble(8, s.getCpu());
                ps.setDouble(9, s.getMemory());
                ps.setString(10, "{\"gc_pause_ms\":" + s.getMetricsOrThrow("gc_pause_ms") + ",\"queue_depth\":"
                        + s.getMetricsOrThrow("queue_depth") + "}");
                ps.setObject(11, now);
                ps.addBatch();
                if ((i + 1) % 1000 == 0 || i == data.size() - 1) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (threadBreakdown) {
                System.out.printf(Locale.ROOT, "threads, µs a row (raw insert): %s%n",
                        ThreadCpu.now().since(threadsBefore, processCpuNanos() - cpuStart, data.size()));
            }
            return new Result(name, "raw JDBC batch insert", data.size(), seconds, 0, 0, 0, 0,
                    String.format(Locale.ROOT, "CPU %.1f µs a row, inserting thread %.1f µs",
                            (processCpuNanos() - cpuStart) / 1e3 / data.size(),
                            (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                                    - threadStart) / 1e3 / data.size()));
        }
    }

    /** The hub end to end, with one gRPC event subscriber following every stored sample. */
    static Result hub(String name, DatabaseSettings settings, List<HealthSample> samples, int streams,
                      double rowsPerSecond, boolean subscriber, boolean engineOn) throws Exception {
        return hub(name, settings, samples, streams, rowsPerSecond, subscriber, engineOn, 0);
    }

    /** The hub with the engine on and no subscriber, under a flight recording when {@code --jfr} asks for one. */
    static Result engineRun(String name, DatabaseFactory databases, List<HealthSample> data, int streams)
            throws Exception {
        jdk.jfr.Recording recording = null;
        if (engineRecording != null) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setDestination(Path.of(engineRecording));
            recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
            recording.start();
        }
        try {
            return hub(name, databases.create(Files.createTempDirectory("cc-bench")), data, streams, 0, false, true);
        } finally {
            if (recording != null) {
                recording.stop();
                recording.close();
            }
        }
    }

    /** The subscriber's request; {@code max_batch} only when set (these classes then run against older hubs too). */
    static SubscribeRequest subscribeRequest(String pattern) {
        SubscribeRequest.Builder request = SubscribeRequest.newBuilder().setPattern(pattern);
        if (maxBatch > 1) {
            request.setMaxBatch(maxBatch);
        }
        return request.build();
    }

    /** What the web console follows (app.js PATTERN): one subscription per open console. */
    static final String CONSOLE_PATTERN = "entity.risk,prediction.created,approval,workflow.run,remediation.outcome";

    /**
     * Console load on ingest: H2, the engine on, no sample subscriber; {@code consoles} subscriptions
     * with the console's pattern against none, alternating, {@code rounds} times each.
     */
    static void consoles(int rows, int consoles, int rounds) throws Exception {
        List<HealthSample> data = generate(rows);
        hub("H2", DatabaseSettings.embedded(Files.createTempDirectory("cc-bench")), generate(Math.min(rows, 50_000)),
                STREAMS_FOR_DATA, 0, false, true, consoles);
        List<Double> none = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        long consoleEvents = 0;
        for (int r = 0; r < rounds; r++) {
            none.add(hub("H2", DatabaseSettings.embedded(Files.createTempDirectory("cc-bench")), data, STREAMS_FOR_DATA,
                    0, false, true, 0).rate());
            Result followed = hub("H2", DatabaseSettings.embedded(Files.createTempDirectory("cc-bench")), data,
                    STREAMS_FOR_DATA, 0, false, true, consoles);
            with.add(followed.rate());
            consoleEvents += followed.eventsReceived();
        }
        double medianNone = none.stream().sorted().toList().get(rounds / 2);
        double medianWith = with.stream().sorted().toList().get(rounds / 2);
        System.out.printf(Locale.ROOT, "%n%d rows, %d rounds, H2, engine on: no console %s rows/s (median %,.0f);"
                        + " %d consoles %s rows/s (median %,.0f, %,d events delivered to them in all): %.3f of none%n",
                rows, rounds, fmt(none), medianNone, consoles, fmt(with), medianWith, consoleEvents, medianWith / medianNone);
    }

    /** Services whose samples degrade over their last 40 minutes: each raises a prediction, then a decision. */
    static final int DEGRADING_SERVICES = 20;
    /** Fresh degrading services per round whose record-to-prediction latency is measured one by one. */
    static final int PROBES = 8;

    /** A person decides every run: a prediction becomes a decision (approval) without needing an agent. */
    static final String ASK_FIRST = """
            name: ask-first
            description: A person decides every run.
            trigger:
              on: [prediction.created]
            blast_radius:
              max_per_hour: 0
            nodes:
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "Service $entity.id was looked at by a person."
            """;

    /** 280 samples a minute apart ending now; the last 40 degrade (latency, errors up, uptime down). */
    static List<HealthSample> degrading(String service, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        Instant end = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<HealthSample> out = new ArrayList<>();
        for (int i = 0; i < 280; i++) {
            double p = i < 240 ? 0 : Math.min(1, (i - 239) / 10.0);
            Instant t = end.minusSeconds(60L * (279 - i));
            out.add(HealthSample.newBuilder().setRecordId(service + "-" + i).setService(service)
                    .setTime(Timestamp.newBuilder().setSeconds(t.getEpochSecond()))
                    .setLatencyMs(100 + 300 * p + random.nextDouble(-5, 5)).setErrorRate(0.001 + 0.4 * p)
                    .setUptime(1 - 0.5 * p).build());
        }
        return out;
    }

    /**
     * {@link #generate}'s rows with {@link #DEGRADING_SERVICES} degrading services spread evenly through
     * them, each service on one stream in time order (the streams split the list in equal parts).
     */
    static List<HealthSample> withDegrading(int rows) {
        List<HealthSample> normal = generate(rows - rows % STREAMS_FOR_DATA);
        int per = normal.size() / STREAMS_FOR_DATA;
        List<HealthSample> out = new ArrayList<>();
        for (int s = 0; s < STREAMS_FOR_DATA; s++) {
            List<HealthSample> bad = new ArrayList<>();
            for (int k = s; k < DEGRADING_SERVICES; k += STREAMS_FOR_DATA) {
                bad.addAll(degrading("deg-" + k, k));
            }
            List<HealthSample> good = normal.subList(s * per, (s + 1) * per);
            // interleave, keeping each service's order: a degrading row every (good / bad) rows
            int total = good.size() + bad.size();
            int g = 0;
            int b = 0;
            for (int i = 0; i < total; i++) {
                if (b < bad.size() && (g >= good.size() || (long) b * total <= (long) i * bad.size())) {
                    out.add(bad.get(b++));
                } else {
                    out.add(good.get(g++));
                }
            }
        }
        return out;
    }

    /** One hub's run in one mode: ingest throughput, what the loop did, record-to-prediction and Predict latency. */
    record Observed(double rate, long ackP50Micros, long predictions, long decisions, long[] probeMillis,
                    long predictP50Nanos, long predictP99Nanos, double predictRate) {
        long probeP50() {
            long[] sorted = probeMillis.clone();
            Arrays.sort(sorted);
            return sorted.length == 0 ? -1 : sorted[(sorted.length - 1) / 2];
        }
    }

    /**
     * The cost of observability on the hot paths (guide section 21.5), in one run: H2, the engine on;
     * metrics and tracing both off against both on (traces exported by OTLP/HTTP to a loopback receiver
     * that answers 200), alternating, {@code rounds} times each, after a warm-up of each. Each hub gets
     * a workflow a person must approve, then (1) ingests {@code rows} samples over 4 streams with
     * {@link #DEGRADING_SERVICES} degrading services among them (predictions, decisions, so traces);
     * (2) for {@link #PROBES} fresh degrading services one at a time, the time from sending the
     * service's first sample to its {@code prediction.created} event; (3) {@code Predict} by entity
     * from 4 clients for {@code predictSeconds}. Ends with one {@code SUMMARY} line of on/off ratios.
     */
    static void observability(int rows, int rounds, int predictSeconds) throws Exception {
        List<IngestStreamRequest> data = requests(withDegrading(rows));
        List<IngestStreamRequest> warm = requests(withDegrading(Math.min(rows, 50_000)));
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        AtomicLong exports = new AtomicLong();
        AtomicLong exportedBytes = new AtomicLong();
        receiver.createContext("/v1/traces", exchange -> {
            exportedBytes.addAndGet(exchange.getRequestBody().readAllBytes().length);
            exports.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        io.commandcenter.hub.tracing.TracingSettings on = io.commandcenter.hub.tracing.TracingSettings.to(
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces");
        try {
            List<Observed> off = new ArrayList<>();
            List<Observed> with = new ArrayList<>();
            for (int r = -1; r < rounds; r++) { // round -1 warms both up
                boolean measured = r >= 0;
                Observed a = observedRound(false, io.commandcenter.hub.tracing.TracingSettings.off(),
                        measured ? data : warm, r, measured ? predictSeconds : Math.min(predictSeconds, 3));
                Observed b = observedRound(true, on, measured ? data : warm, r,
                        measured ? predictSeconds : Math.min(predictSeconds, 3));
                if (measured) {
                    off.add(a);
                    with.add(b);
                } else {
                    exports.set(0); // count what the measured rounds exported
                    exportedBytes.set(0);
                }
            }
            System.out.printf(Locale.ROOT, "%n%,d rows (%d degrading services among them), %d rounds, H2, engine on,"
                            + " workflow ask-first, %d cores%n", data.size(), DEGRADING_SERVICES, rounds,
                    Runtime.getRuntime().availableProcessors());
            for (var mode : List.of(Map.entry("off", off), Map.entry("on ", with))) {
                List<Observed> o = mode.getValue();
                System.out.printf(Locale.ROOT, "%s: ingest %s rows/s (ack p50 %s ms); predictions %s, decisions %s;"
                                + " record->prediction p50 %s ms; Predict p50 %s ms, p99 %s ms (%s calls/s)%n",
                        mode.getKey(), fmt(o.stream().map(Observed::rate).toList()),
                        o.stream().map(x -> x.ackP50Micros() / 1000).toList(),
                        o.stream().map(Observed::predictions).toList(), o.stream().map(Observed::decisions).toList(),
                        o.stream().map(Observed::probeP50).toList(),
                        o.stream().map(x -> String.format(Locale.ROOT, "%.2f", x.predictP50Nanos() / 1e6)).toList(),
                        o.stream().map(x -> String.format(Locale.ROOT, "%.2f", x.predictP99Nanos() / 1e6)).toList(),
                        fmt(o.stream().map(Observed::predictRate).toList()));
            }
            double ingest = median(with.stream().map(Observed::rate).toList())
                    / median(off.stream().map(Observed::rate).toList());
            double probe = median(with.stream().map(x -> (double) x.probeP50()).toList())
                    / median(off.stream().map(x -> (double) x.probeP50()).toList());
            double p50 = median(with.stream().map(x -> (double) x.predictP50Nanos()).toList())
                    / median(off.stream().map(x -> (double) x.predictP50Nanos()).toList());
            double p99 = median(with.stream().map(x -> (double) x.predictP99Nanos()).toList())
                    / median(off.stream().map(x -> (double) x.predictP99Nanos()).toList());
            System.out.printf(Locale.ROOT, "SUMMARY observability on/off (medians of %d rounds): ingest throughput %.3f"
                            + " (higher is better); record->prediction latency p50 %.3f, Predict latency p50 %.3f,"
                            + " p99 %.3f (lower is better); traces of the measured rounds: %d OTLP exports, %,d bytes%n", rounds, ingest,
                    probe, p50, p99, exports.get(), exportedBytes.get());
        } finally {
            receiver.stop(0);
        }
    }

    static Observed observedRound(boolean metrics, io.commandcenter.hub.tracing.TracingSettings traces,
                                  List<IngestStreamRequest> data, int round, int predictSeconds) throws Exception {
        HubSettings defaults = HubSettings.defaults(Files.createTempDirectory("cc-bench"), 0)
                .withDatabase(DatabaseSettings.embedded(Files.createTempDirectory("cc-bench")));
        HubSettings settings = defaults.withSecurity(defaults.security().withCallRate(0, 1));
        settings = settings.withPredict(settings.predict().withEnabled(true));
        try (Hub hub = Hub.start(settings, Clock.systemUTC(), traces, metrics)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .intercept(HubCredentials.admin(hub)).build();
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), "bench");
                var attach = MetadataUtils.newAttachHeadersInterceptor(headers);
                io.commandcenter.proto.v1.RemediateServiceGrpc.newBlockingStub(channel).withInterceptors(attach)
                        .putWorkflow(io.commandcenter.proto.v1.PutWorkflowRequest.newBuilder().setYaml(ASK_FIRST).build());
                java.util.concurrent.ConcurrentHashMap<String, Long> predicted = new java.util.concurrent.ConcurrentHashMap<>();
                CountDownLatch subscribed = new CountDownLatch(1);
                EventServiceGrpc.newStub(channel).withInterceptors(attach).subscribe(SubscribeRequest.newBuilder()
                        .setPattern("prediction.created").build(), new StreamObserver<>() {
                            @Override
                            public void onNext(SubscribeResponse value) {
                                if (value.hasStarted()) {
                                    subscribed.countDown();
                                } else if (value.hasEvent()) {
                                    String payload = value.getEvent().getPayload().toString();
                                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(probe-[0-9-]+)\"")
                                            .matcher(payload);
                                    if (m.find()) {
                                        predicted.putIfAbsent(m.group(1), System.nanoTime());
                                    }
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                subscribed.await(30, TimeUnit.SECONDS);
                var stub = TelemetryServiceGrpc.newStub(channel).withInterceptors(attach);

                // (1) ingest throughput, degrading services among the rows
                long[] latencies = new long[data.size()];
                AtomicInteger latencyCount = new AtomicInteger();
                int per = data.size() / STREAMS_FOR_DATA;
                long start = System.nanoTime();
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int s = 0; s < STREAMS_FOR_DATA; s++) {
                    done.add(stream(stub, data.subList(s * per, s == STREAMS_FOR_DATA - 1 ? data.size()
                            : (s + 1) * per), latencies, latencyCount, 0));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - start) / 1e9;
                long[] sorted = Arrays.copyOf(latencies, latencyCount.get());
                Arrays.sort(sorted);
                hub.engine().sync();

                // (2) record -> prediction, one fresh degrading service at a time
                long[] probes = new long[PROBES];
                for (int k = 0; k < PROBES; k++) {
                    String service = "probe-" + (round + 1) + "-" + k;
                    List<IngestStreamRequest> series = requests(degrading(service, 100 + k));
                    long sent = System.nanoTime();
                    stream(stub, series, new long[series.size()], new AtomicInteger(), 0).get(5, TimeUnit.MINUTES);
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                    while (!predicted.containsKey(service) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    Long at = predicted.get(service);
                    probes[k] = at == null ? -1 : TimeUnit.NANOSECONDS.toMillis(at - sent);
                }

                // (3) Predict by entity, 4 clients
                var predict = io.commandcenter.proto.v1.PredictServiceGrpc.newBlockingStub(channel).withInterceptors(attach);
                List<io.commandcenter.proto.v1.PredictRequest> asks = new ArrayList<>();
                for (int k = 0; k < DEGRADING_SERVICES; k++) {
                    asks.add(io.commandcenter.proto.v1.PredictRequest.newBuilder().setEntity(
                            io.commandcenter.proto.v1.EntityRef.newBuilder().setKind("service").setId("deg-" + k)).build());
                }
                var load = io.commandcenter.benchmarks.predict.PredictBenchmark.load("Predict by entity", 4,
                        predictSeconds, i -> () -> predict.predict(asks.get(Math.floorMod(i, asks.size()))));

                long decisions = hub.remediation().approvals(io.commandcenter.hub.project.ProjectId.of("bench"),
                        io.commandcenter.hub.remediate.ApprovalState.PENDING, 10_000).size();
                return new Observed(data.size() / seconds, percentile(sorted, 0.50) / 1000,
                        hub.engine().stats().raised(), decisions, probes, load.p50Nanos(), load.p99Nanos(), load.rate());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static String fmt(List<Double> rates) {
        return rates.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList().toString();
    }

    static Result hub(String name, DatabaseSettings settings, List<HealthSample> samples, int streams,
                      double rowsPerSecond, boolean subscriber, boolean engineOn, int consoles) throws Exception {
        List<IngestStreamRequest> data = requests(samples);
        HubSettings defaults = HubSettings.defaults(settings.dataDir(), 0).withDatabase(settings);
        // the path is measured, not the per-credential call limit (cc.limits.*)
        HubSettings hubSettings = defaults.withSecurity(defaults.security().withCallRate(0, 1));
        hubSettings = hubSettings.withPredict(hubSettings.predict().withEnabled(engineOn));
        try (Hub hub = Hub.start(hubSettings, Clock.systemUTC(),
                io.commandcenter.hub.tracing.TracingSettings.off(), true)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .intercept(HubCredentials.admin(hub)).build();
            ManagedChannel eventChannel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .intercept(HubCredentials.admin(hub)).build();
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), "bench");
                AtomicLong events = new AtomicLong();
                AtomicLong dropped = new AtomicLong();
                CountDownLatch subscribed = new CountDownLatch(subscriber ? 1 : 0);
                if (subscriber) {
                EventServiceGrpc.newStub(eventChannel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .subscribe(subscribeRequest("hub.health"),
                                new StreamObserver<>() {
                            @Override
                            public void onNext(SubscribeResponse value) {
                                if (value.hasStarted()) {
                                    subscribed.countDown();
                                } else if (value.hasEvent()) {
                                    events.incrementAndGet();
                                } else if (value.hasDropped()) {
                                    dropped.addAndGet(value.getDropped().getCount());
                                } else if (maxBatch > 1 && value.hasEvents()) {
                                    events.addAndGet(value.getEvents().getEventsCount());
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                }
                subscribed.await(30, TimeUnit.SECONDS);
                CountDownLatch consolesStarted = new CountDownLatch(consoles);
                for (int c = 0; c < consoles; c++) {
                    EventServiceGrpc.newStub(eventChannel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                            .subscribe(SubscribeRequest.newBuilder().setPattern(CONSOLE_PATTERN).build(),
                                    new StreamObserver<>() {
                                        @Override
                                        public void onNext(SubscribeResponse value) {
                                            if (value.hasStarted()) {
                                                consolesStarted.countDown();
                                            } else if (value.hasEvent()) {
                                                events.incrementAndGet();
                                            }
                                        }

                                        @Override
                                        public void onError(Throwable t) {
                                        }

                                        @Override
                                        public void onCompleted() {
                                        }
                                    });
                }
                consolesStarted.await(30, TimeUnit.SECONDS);
                var stub = TelemetryServiceGrpc.newStub(channel).withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(headers));
                long[] latencies = new long[data.size()];
                AtomicInteger latencyCount = new AtomicInteger();
                int per = data.size() / streams;
                ThreadCpu threadsBefore = ThreadCpu.now();
                long cpuStart = processCpuNanos();
                long writerStart = threadCpuNanos("cc-ingest-writer");
                long start = System.nanoTime();
                List<CompletableFuture<Void>> done = new ArrayList<>();
                for (int s = 0; s < streams; s++) {
                    List<IngestStreamRequest> slice = data.subList(s * per, s == streams - 1 ? data.size() : (s + 1) * per);
                    done.add(stream(stub, slice, latencies, latencyCount, rowsPerSecond / streams));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - start) / 1e9;
                long cpuNanos = processCpuNanos() - cpuStart;
                long writerNanos = threadCpuNanos("cc-ingest-writer") - writerStart;
                if (threadBreakdown) {
                    System.out.printf(Locale.ROOT, "threads, µs a row (engine %s, %s): %s%n", engineOn ? "on" : "off",
                            subscriber ? "1 subscriber" : "no subscriber",
                            ThreadCpu.now().since(threadsBefore, cpuNanos, data.size()));
                }
                // every stored sample is published: wait for the subscriber to have seen (or been told it missed) them all
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (subscriber && events.get() + dropped.get() < data.size() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                hub.engine().sync();
                var engine = hub.engine().stats();
                String engineFigures = (engineOn ? String.format(Locale.ROOT, "%,d scored / %,d dropped", engine.runs(),
                        engine.dropped()) : "off")
                        + String.format(Locale.ROOT, "; %,.0f rows a commit; CPU %.1f µs a row, writer thread %.1f µs",
                        (double) hub.pipeline().storedCount() / Math.max(1, hub.pipeline().batchCount()),
                        cpuNanos / 1e3 / data.size(), writerNanos / 1e3 / data.size());
                long[] sorted = Arrays.copyOf(latencies, latencyCount.get());
                Arrays.sort(sorted);
                String path = rowsPerSecond > 0 ? String.format(Locale.ROOT, "hub, paced at %,.0f rows/s", rowsPerSecond)
                        : "hub: IngestStream x" + streams + " -> validate -> commit -> publish";
                return new Result(name, path + (subscriber ? ", 1 gRPC subscriber" + (maxBatch > 1 ? " (max_batch " + maxBatch + ")" : "") : ", no subscriber"),
                        data.size(), seconds, percentile(sorted, 0.50) / 1000, percentile(sorted, 0.99) / 1000,
                        events.get(), dropped.get(), engineFigures);
            } finally {
                channel.shutdownNow();
                eventChannel.shutdownNow();
            }
        }
    }

    /**
     * One flow-controlled stream on a sender thread of its own; records the send-to-ack latency of
     * every record. {@code rowsPerSecond} 0 sends as fast as the hub takes; otherwise the stream is
     * paced to that rate (an offered load below saturation, where latency is not queueing).
     */
    static CompletableFuture<Void> stream(TelemetryServiceGrpc.TelemetryServiceStub stub, List<IngestStreamRequest> slice,
                                          long[] latencies, AtomicInteger latencyCount, double rowsPerSecond) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long[] sentAt = new long[slice.size()];
        long[] settled = {-1};
        Object ready = new Object();
        @SuppressWarnings("unchecked")
        ClientCallStreamObserver<IngestStreamRequest>[] callRef = new ClientCallStreamObserver[1];
        stub.ingestStream(new ClientResponseObserver<IngestStreamRequest, IngestStreamResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<IngestStreamRequest> requestStream) {
                callRef[0] = requestStream;
                requestStream.setOnReadyHandler(() -> {
                    synchronized (ready) {
                        ready.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(IngestStreamResponse ack) {
                long now = System.nanoTime();
                for (long i = settled[0] + 1; i <= ack.getSettledThrough(); i++) {
                    latencies[latencyCount.getAndIncrement()] = now - sentAt[(int) i];
                }
                settled[0] = Math.max(settled[0], ack.getSettledThrough());
                if (ack.getRejected() > 0) {
                    done.completeExceptionally(new IllegalStateException("rejections: " + ack.getRejectionsList()));
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        Thread sender = new Thread(() -> {
            ClientCallStreamObserver<IngestStreamRequest> call = callRef[0];
            long start = System.nanoTime();
            try {
                for (int i = 0; i < slice.size() && !done.isDone(); i++) {
                    if (rowsPerSecond > 0) {
                        long due = start + (long) (i * 1e9 / rowsPerSecond);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    synchronized (ready) {
                        while (!call.isReady() && !done.isDone()) {
                            ready.wait(100);
                        }
                    }
                    sentAt[i] = System.nanoTime();
                    call.onNext(slice.get(i));
                }
                call.onCompleted();
            } catch (InterruptedException e) {
                call.cancel("interrupted", e);
            }
        }, "bench-sender");
        sender.setDaemon(true);
        sender.start();
        return done;
    }

    /**
     * CPU time of this whole JVM (hub, clients, GC, JIT): per row, a figure of the path's cost that the
     * other work of a shared machine moves far less than it moves throughput.
     */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time of the threads named {@code name} (the hub's ingest writer, the one serial stage of
     * ingest); against the raw insert's own thread, what the writer costs a row beside the database.
     */
    static long threadCpuNanos(String name) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                total += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static void print(List<Result> results, int rows, int streams) {
        System.out.printf(Locale.ROOT, "%n%d rows, %d streams, %d cores, %s%n%n", rows, streams,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        System.out.println("| database | path | rows/s | vs raw | ack p50 | ack p99 | subscriber: events seen / dropped | predictive engine |");
        System.out.println("|---|---|---:|---:|---:|---:|---|---|");
        // per database: raw, the hub paths, the interleaved raw (--engine-only: raw and the engine-on hub)
        int group = engineOnly ? 2 : subscriberMaxBatch > 1 ? 7 : 6;
        for (int i = 0; i < results.size(); i += group) {
            Result raw = results.get(i);
            System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | 1.00 | | | | %s |%n", raw.database(), raw.path(), raw.rate(),
                    raw.engine());
            if (!engineOnly) {
                Result interleaved = results.get(i + group - 1);
                System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.2f | | | | %s |%n", interleaved.database(),
                        interleaved.path(), interleaved.rate(), interleaved.rate() / raw.rate(), interleaved.engine());
            }
            for (Result hub : results.subList(i + 1, engineOnly ? i + group : i + group - 1)) {
                System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.2f | %.1f ms | %.1f ms | %s | %s |%n",
                        hub.database(), hub.path(), hub.rate(), hub.rate() / raw.rate(), hub.p50Micros() / 1000.0,
                        hub.p99Micros() / 1000.0, hub.path().contains("no subscriber") ? "-"
                                : String.format(Locale.ROOT, "%,d / %,d", hub.eventsReceived(), hub.eventsDropped()),
                        hub.engine());
            }
        }
    }

    /** Warnings only: the figures are the output. */
    static void quietLogs() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("io.commandcenter").setLevel(java.util.logging.Level.WARNING);
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
