package io.commandcenter.cli.command;

import io.commandcenter.common.json.Json;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.cli.csv.CsvReader;
import io.commandcenter.cli.csv.SampleCsv;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.IngestStreamResponse;
import io.commandcenter.proto.v1.RecordRejection;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code cc ingest --file samples.csv}: streams a CSV of health samples to the hub on
 * {@code IngestStream}, sending only as fast as the hub acknowledges (flow control), with a
 * progress bar of durable rows and a summary of what was stored, already there, or refused and why.
 */
@Command(name = "ingest", description = "Send a CSV file of health samples to the hub.",
        footer = {"", "CSV: a header row; 'timestamp' (ISO-8601 or yyyy-MM-dd HH:mm:ss), 'service' (or --service),",
                "optional 'id'; latency_ms, error_rate, uptime, cpu, memory map to the sample's fields (fractions in",
                "[0,1]); any other numeric column becomes a free-form metric. Without 'id', a row's id is derived",
                "from its content, so ingesting the same file twice stores nothing twice.",
                "Exit codes: 0 every row stored or already there; 2 some rows refused; 3 hub unreachable."})
public final class IngestCommand implements Callable<Integer> {
    private static final int SHOWN_REJECTIONS = 20;

    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--file", required = true, description = "The CSV file.")
    Path file;
    @Option(names = "--service", description = "Service of every row (instead of a 'service' column).")
    String service;
    @Option(names = "--zone", defaultValue = "UTC", description = "Zone of timestamps written without one (default: ${DEFAULT-VALUE}).")
    ZoneId zone;
    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;
    @Option(names = "--no-progress", description = "No progress bar (it is shown only on a terminal anyway).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + file);
        }
        long totalRows = Math.max(0, countLines(file) - 1);
        Progress progress = new Progress(spec.commandLine().getErr(), totalRows,
                !noProgress && !json && System.console() != null);
        Summary summary;
        try (HubConnection hub = cc.connect();
             CsvReader csv = new CsvReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            List<String> header = csv.next();
            if (header == null) {
                throw new IllegalArgumentException(file + " is empty: a header row is needed");
            }
            SampleCsv rows = new SampleCsv(header, service, zone);
            summary = stream(hub, csv, rows, progress);
        }
        progress.finish();
        summary.print(out, file, json);
        return summary.rejected() > 0 ? 2 : 0;
    }

    private Summary stream(HubConnection hub, CsvReader csv, SampleCsv rows, Progress progress) throws Exception {
        Summary summary = new Summary();
        List<Long> lineOfIndex = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Object readiness = new Object();
        ClientCallStreamObserver<IngestStreamRequest>[] callRef = new ClientCallStreamObserver[1];
        hub.scoped(TelemetryServiceGrpc.newStub(hub.channel())).ingestStream(
                new ClientResponseObserver<IngestStreamRequest, IngestStreamResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<IngestStreamRequest> call) {
                        callRef[0] = call;
                        call.setOnReadyHandler(() -> {
                            synchronized (readiness) {
                                readiness.notifyAll();
                            }
                        });
                    }

                    @Override
                    public void onNext(IngestStreamResponse ack) {
                        synchronized (summary) {
                            summary.accepted = ack.getAccepted();
                            summary.duplicates = ack.getDuplicates();
                            summary.serverRejected = ack.getRejected();
                            for (RecordRejection r : ack.getRejectionsList()) {
                                long line;
                                synchronized (lineOfIndex) {
                                    line = lineOfIndex.get((int) r.getIndex());
                                }
                                summary.reject(line, r.getField(), r.getReason(), r.getMessage());
                            }
                        }
                        progress.update(ack.getSettledThrough() + 1 + summary.localRejected());
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                        synchronized (readiness) {
                            readiness.notifyAll();
                        }
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        ClientCallStreamObserver<IngestStreamRequest> call = callRef[0];
        List<String> fields;
        while ((fields = csv.next()) != null) {
            SampleCsv.Row row = rows.parse(csv.recordLine(), fields);
            summary.rows++;
            if (row.error() != null) {
                synchronized (summary) {
                    summary.reject(row.line(), row.error().column(), row.error().reason(), row.error().message());
                    summary.localRejected++;
                }
                continue;
            }
            synchronized (readiness) {
                while (!call.isReady() && !done.isDone()) {
                    readiness.wait(1000);
                }
            }
            if (done.isDone()) {
                break;
            }
            synchronized (lineOfIndex) {
                lineOfIndex.add(row.line());
            }
            call.onNext(IngestStreamRequest.newBuilder()
                    .setRecord(TelemetryRecord.newBuilder().setHealthSample(row.sample())).build());
        }
        if (!done.isDone()) {
            call.onCompleted();
        }
        try {
            done.get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
        return summary;
    }

    private static long countLines(Path file) throws IOException {
        long lines = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            while (in.readLine() != null) {
                lines++;
            }
        }
        return lines;
    }

    /** What happened to the file's rows. */
    static final class Summary {
        long rows;
        long accepted;
        long duplicates;
        long serverRejected;
        long localRejected;
        final Map<String, Long> byReason = new LinkedHashMap<>();
        final List<String> shown = new ArrayList<>();
        private long lastRejectedLine = -1;

        void reject(long line, String field, String reason, String message) {
            byReason.merge(field.isEmpty() ? reason : field + " " + reason, 1L, Long::sum);
            if (shown.size() < SHOWN_REJECTIONS && line != lastRejectedLine) {
                shown.add("line " + line + ": " + message);
            }
            lastRejectedLine = line;
        }

        long localRejected() {
            return localRejected;
        }

        long rejected() {
            return serverRejected + localRejected;
        }

        void print(PrintWriter out, Path file, boolean json) {
            if (json) {
                StringBuilder reasons = new StringBuilder();
                byReason.forEach((k, v) -> reasons.append(reasons.length() == 0 ? "" : ",")
                        .append(Json.quote(k)).append(':').append(v));
                StringBuilder lines = new StringBuilder();
                shown.forEach(s -> lines.append(lines.length() == 0 ? "" : ",").append(Json.quote(s)));
                out.println("{\"file\":" + Json.quote(file.toString()) + ",\"rows\":" + rows
                        + ",\"accepted\":" + accepted + ",\"duplicates\":" + duplicates + ",\"rejected\":" + rejected()
                        + ",\"rejectedByReason\":{" + reasons + "},\"rejections\":[" + lines + "]}");
                return;
            }
            out.printf("file        %s (%,d rows)%n", file, rows);
            out.printf("accepted    %,d stored%n", accepted);
            out.printf("duplicates  %,d already stored, skipped%n", duplicates);
            out.printf("rejected    %,d%n", rejected());
            byReason.forEach((reason, n) -> out.printf("  %,6d x %s%n", n, reason));
            if (!shown.isEmpty()) {
                out.println("first rejected rows:");
                shown.forEach(s -> out.println("  " + s));
            }
        }
    }

    /** A one-line progress bar on stderr, redrawn at most ten times a second. */
    static final class Progress {
        private final PrintWriter err;
        private final long total;
        private final boolean enabled;
        private final long started = System.nanoTime();
        private long lastDraw;

        Progress(PrintWriter err, long total, boolean enabled) {
            this.err = err;
            this.total = total;
            this.enabled = enabled;
        }

        synchronized void update(long done) {
            if (!enabled) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int width = 30;
            double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
            int filled = (int) Math.round(fraction * width);
            double seconds = Math.max(1e-3, (now - started) / 1e9);
            err.printf("\r[%s%s] %,d/%,d rows durable  %,.0f rows/s ", "#".repeat(filled), ".".repeat(width - filled),
                    done, total, done / seconds);
            err.flush();
        }

        synchronized void finish() {
            if (enabled) {
                err.println();
            }
        }
    }
}
