package io.commandcenter.hub.predict.grpc;

import com.google.protobuf.ByteString;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.BacktestRow;
import io.commandcenter.proto.v1.BacktestRequest;
import io.commandcenter.proto.v1.BacktestResponse;
import io.commandcenter.proto.v1.BacktestRows;
import io.commandcenter.proto.v1.BacktestStart;
import io.commandcenter.proto.v1.BacktestSummary;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code Backtest} call: takes the start message and the CSV's chunks (at most
 * {@link PredictGrpcService#MAX_CSV_BYTES} bytes, {@link PredictGrpcService#MAX_ROWS} lines after the
 * header, {@link PredictGrpcService#MAX_VALUES} values and {@link PredictGrpcService#MAX_COLUMNS} metric
 * columns, counted as the bytes arrive, so a CSV over a limit is refused before it is parsed), replays
 * it when the client half-closes, and sends the scored rows only while the transport takes them
 * ({@code isReady}, the rest on {@code onReady}), then the summary. It holds one of the hub's backtest
 * slots from its start to its end, whichever way it ends ({@code release} runs once).
 *
 * <p>Every callback runs on the call's serialized executor, so the state needs no lock.
 */
final class BacktestCall implements StreamObserver<BacktestRequest> {
    /** Replays a CSV with the project's model (the hub's {@code PredictionService.backtest}). */
    interface Replay {
        BacktestResult run(String model, String version, String labelColumn, Reader csv);
    }

    private static final int ROWS_PER_MESSAGE = 2_000;

    private final ServerCallStreamObserver<BacktestResponse> call;
    private final Replay replay;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    private BacktestStart start;
    private List<ByteString> chunks = new ArrayList<>();
    private long bytes;
    /** Newlines so far, and how many of them ended the header and the blank lines before it. */
    private long newlines;
    private long headerNewlines = -1;
    private java.io.ByteArrayOutputStream headerLine = new java.io.ByteArrayOutputStream();
    private int metricColumns;
    private byte lastByte = '\n';
    private boolean ended;

    /** The answer being sent: rows from {@code next} on, then the summary. */
    private List<BacktestRow> rows;
    private int next;
    private BacktestSummary summary;

    /** Call from the service method itself: the ready and cancel handlers can only be set then. */
    BacktestCall(ServerCallStreamObserver<BacktestResponse> call, Replay replay, Runnable release) {
        this.call = call;
        this.replay = replay;
        this.release = release;
        call.setOnReadyHandler(this::send);
        call.setOnCancelHandler(this::end);
    }

    @Override
    public void onNext(BacktestRequest request) {
        if (ended) {
            return;
        }
        try {
            if (start == null) {
                if (!request.hasStart()) {
                    throw CommandCenterException.invalid("REQUIRED", "start", "the first message must be start");
                }
                PredictGrpcService.checkModel(request.getStart().getModel(), request.getStart().getModelVersion(),
                        "start.model", "start.model_version");
                start = request.getStart();
                return;
            }
            if (!request.hasCsvChunk() && request.hasStart()) {
                throw CommandCenterException.invalid("UNEXPECTED", "start", "start may only be sent first");
            }
            ByteString chunk = request.getCsvChunk();
            if (bytes + chunk.size() > PredictGrpcService.MAX_CSV_BYTES) {
                throw CommandCenterException.exhausted("CSV_TOO_LARGE", "a backtest takes at most "
                        + (PredictGrpcService.MAX_CSV_BYTES >> 20) + " MiB of CSV");
            }
            count(chunk);
            checkSize(0);
            bytes += chunk.size();
            chunks.add(chunk);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Counts the chunk's newlines, and reads the header line (the first that is not blank) as it passes. */
    private void count(ByteString chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        for (ByteBuffer buffer : chunk.asReadOnlyByteBufferList()) {
            for (int i = buffer.position(); i < buffer.limit(); i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    newlines++;
                    if (headerNewlines < 0) {
                        headerLineEnded();
                    }
                } else if (headerNewlines < 0) {
                    if (headerLine.size() == PredictGrpcService.MAX_HEADER_BYTES) {
                        throw CommandCenterException.invalid("CSV_HEADER_TOO_LONG", "csv_chunk", String.format(Locale.ROOT,
                                "a backtest's header line has at most %,d bytes", PredictGrpcService.MAX_HEADER_BYTES));
                    }
                    headerLine.write(b);
                }
            }
        }
        lastByte = chunk.byteAt(chunk.size() - 1);
    }

    private void headerLineEnded() {
        String header = headerLine.toString(StandardCharsets.UTF_8).strip();
        headerLine.reset();
        if (header.isEmpty()) {
            return; // blank lines before the header are skipped, as the replay skips them
        }
        headerNewlines = newlines;
        headerLine = null;
        metricColumns = io.commandcenter.models.backtest.SeriesCsv.metricColumns(header, start.getLabelColumn());
        if (metricColumns > PredictGrpcService.MAX_COLUMNS) {
            throw CommandCenterException.invalid("CSV_TOO_MANY_COLUMNS", "csv_chunk", String.format(Locale.ROOT,
                    "a backtest on the hub takes at most %,d metric columns; this header has %,d",
                    PredictGrpcService.MAX_COLUMNS, metricColumns));
        }
    }

    /**
     * Refuses a CSV whose rows (lines after the header; {@code unterminated}: a last line without a newline)
     * or values (rows × metric columns) pass the limits.
     */
    private void checkSize(int unterminated) {
        if (headerNewlines < 0) {
            return;
        }
        long rows = newlines - headerNewlines + unterminated;
        if (rows > PredictGrpcService.MAX_ROWS) {
            throw CommandCenterException.invalid("CSV_TOO_MANY_ROWS", "csv_chunk", String.format(Locale.ROOT,
                    "a backtest on the hub takes at most %,d rows (lines after the header); replay a longer series"
                            + " offline (cc backtest without --hub) or in parts", PredictGrpcService.MAX_ROWS));
        }
        if (rows * metricColumns > PredictGrpcService.MAX_VALUES) {
            throw CommandCenterException.invalid("CSV_TOO_MANY_VALUES", "csv_chunk", String.format(Locale.ROOT,
                    "a backtest on the hub takes at most %,d values (rows × metric columns; this CSV has %,d metric"
                            + " columns); replay it offline (cc backtest without --hub) or in parts",
                    PredictGrpcService.MAX_VALUES, metricColumns));
        }
    }

    @Override
    public void onError(Throwable t) {
        end();
    }

    @Override
    public void onCompleted() {
        if (ended) {
            return;
        }
        try {
            if (start == null) {
                throw CommandCenterException.invalid("REQUIRED", "start", "the stream had no start message");
            }
            boolean headerLast = headerNewlines < 0;
            if (headerLast && headerLine.size() > 0) {
                headerLineEnded(); // a header without a newline: a CSV without rows
            }
            // a last line without a newline is a row too, unless it is the header
            checkSize(lastByte == '\n' || headerLast ? 0 : 1);
            Reader csv = new InputStreamReader(ByteString.copyFrom(chunks).newInput(), StandardCharsets.UTF_8);
            chunks = null;
            BacktestResult result = replay.run(start.getModel(), start.getModelVersion(), start.getLabelColumn(), csv);
            rows = result.rows();
            summary = PredictGrpcService.summary(result, start);
            send();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Sends rows while the transport takes them; the rest when it is ready again, then the summary. */
    private void send() {
        if (ended || rows == null) {
            return;
        }
        while (next < rows.size() && call.isReady()) {
            int end = Math.min(rows.size(), next + ROWS_PER_MESSAGE);
            BacktestRows.Builder chunk = BacktestRows.newBuilder();
            for (BacktestRow row : rows.subList(next, end)) {
                chunk.addRows(io.commandcenter.proto.v1.BacktestRow.newBuilder().setTimestamp(row.timestamp())
                        .setRisk(row.risk()).setConfidence(row.confidence()).setTopFactor(row.topFactor()));
            }
            call.onNext(BacktestResponse.newBuilder().setRows(chunk).build());
            next = end;
        }
        if (next == rows.size()) {
            call.onNext(BacktestResponse.newBuilder().setSummary(summary).build());
            call.onCompleted();
            end();
        }
    }

    private void fail(RuntimeException e) {
        if (!ended) {
            call.onError(GrpcErrors.toStatus(e));
            end();
        }
    }

    /** The call is over (answered, failed or cancelled): drop what it held and free its slot. */
    private void end() {
        ended = true;
        chunks = null;
        rows = null;
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }

    /** Swallows a call refused at its start. */
    static final class Refused implements StreamObserver<BacktestRequest> {
        @Override
        public void onNext(BacktestRequest value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
