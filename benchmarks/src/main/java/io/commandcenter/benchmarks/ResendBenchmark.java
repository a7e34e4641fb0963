package io.commandcenter.benchmarks;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Re-sending stored records (issue 17 item 4), end to end over gRPC {@code IngestStream}, in one
 * run per database: project A sends {@code --rows} new records, then the same records again; project
 * B sends {@code --other} new records alone, then while A sends as many new records again (the
 * contention of ordinary traffic), then while A re-sends everything a third time. The baselines
 * (new records, B alone, B beside A's new records) are measured in the same run, on the same hub.
 *
 * <pre>./mvnw -q -B -o -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.ResendBenchmark \
 *   -Dexec.args="--db both --rows 50000 --other 20000"</pre>
 */
public final class ResendBenchmark {
    private ResendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        IngestBenchmark.quietLogs();
        String db = IngestBenchmark.option(args, "--db", "both");
        int rows = Integer.parseInt(IngestBenchmark.option(args, "--rows", "50000"));
        int other = Integer.parseInt(IngestBenchmark.option(args, "--other", "20000"));
        List<String> lines = new ArrayList<>();
        EmbeddedPostgres postgres = null;
        try {
            if (!db.equals("postgres")) {
                lines.addAll(run("H2 (embedded)", DatabaseSettings.embedded(Files.createTempDirectory("cc-resend")),
                        rows, other));
            }
            if (!db.equals("h2")) {
                postgres = EmbeddedPostgres.builder().start();
                try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE resend");
                }
                lines.addAll(run("PostgreSQL 17", new DatabaseSettings(postgres.getJdbcUrl("postgres", "resend"),
                        "postgres", "postgres", Files.createTempDirectory("cc-resend"), 8), rows, other));
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        System.out.println();
        System.out.println("| database | what | records | seconds | records/s |");
        System.out.println("|---|---|---:|---:|---:|");
        lines.forEach(System.out::println);
        System.exit(0);
    }

    static List<String> run(String name, DatabaseSettings database, int rows, int other) throws Exception {
        HubSettings defaults = HubSettings.defaults(database.dataDir(), 0).withDatabase(database);
        HubSettings settings = defaults.withSecurity(defaults.security().withCallRate(0, 1));
        settings = settings.withPredict(settings.predict().withEnabled(false));
        List<String> out = new ArrayList<>();
        try (Hub hub = Hub.start(settings, Clock.systemUTC())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .intercept(HubCredentials.admin(hub)).build();
            try {
                List<IngestStreamRequest> a = IngestBenchmark.requests(IngestBenchmark.generate(rows));
                List<IngestStreamRequest> b = IngestBenchmark.requests(renamed(IngestBenchmark.generate(other), "b-"));
                List<IngestStreamRequest> b2 = IngestBenchmark.requests(renamed(IngestBenchmark.generate(other), "b2-"));
                send(channel, "warm-up", IngestBenchmark.requests(renamed(IngestBenchmark.generate(rows), "w-"))).join();
                send(channel, "warm-up", IngestBenchmark.requests(renamed(IngestBenchmark.generate(rows), "w-"))).join();

                out.add(row(name, "A: new records", rows, time(() -> send(channel, "a", a).join())));
                out.add(row(name, "A: the same records again (all duplicates)", rows,
                        time(() -> send(channel, "a", a).join())));
                out.add(row(name, "B: new records, alone", other, time(() -> send(channel, "b", b).join())));
                // the comparison for the next row: the same contention from new records, not re-sent ones
                List<IngestStreamRequest> aNew = IngestBenchmark.requests(renamed(IngestBenchmark.generate(rows), "a2-"));
                List<IngestStreamRequest> b3 = IngestBenchmark.requests(renamed(IngestBenchmark.generate(other), "b3-"));
                CompletableFuture<Void> fresh = send(channel, "a", aNew);
                out.add(row(name, "B: new records while A sends " + rows + " new ones", other,
                        time(() -> send(channel, "b", b3).join())));
                fresh.join();
                CompletableFuture<Void> resend = send(channel, "a", a);
                out.add(row(name, "B: new records while A re-sends " + rows, other,
                        time(() -> send(channel, "b", b2).join())));
                resend.join();
                out.add(storeCheck(name, hub, rows, other));
            } finally {
                channel.shutdownNow();
            }
        }
        return out;
    }

    /**
     * Exactly once, counted in the database: A sent 2 x rows distinct records (3 sends of the first
     * rows), B 3 x other, the warm-up rows (twice); each must be stored once, and the hub must have
     * counted every re-sent record a duplicate.
     */
    static String storeCheck(String name, Hub hub, int rows, int other) throws Exception {
        long a = count(hub, "a");
        long b = count(hub, "b");
        long w = count(hub, "warm-up");
        long duplicates = hub.pipeline().duplicateCount();
        boolean exact = a == 2L * rows && b == 3L * other && w == rows && duplicates == 3L * rows;
        String line = String.format(Locale.ROOT, "| %s | store check: A %,d rows (expected %,d), B %,d (%,d), warm-up %,d (%,d), "
                + "duplicates counted %,d (%,d) | %s | | |", name, a, 2L * rows, b, 3L * other, w, (long) rows, duplicates,
                3L * rows, exact ? "exact" : "WRONG");
        System.out.println(line);
        if (!exact) {
            throw new IllegalStateException("records lost or stored twice: " + line);
        }
        return line;
    }

    static long count(Hub hub, String project) throws Exception {
        try (Connection c = hub.database().dataSource().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM health_sample WHERE project_id = ?")) {
            ps.setString(1, project);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                c.rollback();
                return n;
            }
        }
    }

    static List<HealthSample> renamed(List<HealthSample> samples, String prefix) {
        return samples.stream().map(s -> s.toBuilder().setRecordId(prefix + s.getRecordId()).build()).toList();
    }

    static CompletableFuture<Void> send(ManagedChannel channel, String project, List<IngestStreamRequest> data) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        var stub = TelemetryServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        return IngestBenchmark.stream(stub, data, new long[data.size()], new AtomicInteger(), 0);
    }

    static double time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    static String row(String database, String what, int records, double seconds) {
        String line = String.format(Locale.ROOT, "| %s | %s | %,d | %.2f | %,.0f |", database, what, records, seconds,
                records / seconds);
        System.out.println(line);
        return line;
    }
}
