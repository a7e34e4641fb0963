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
import io.commandcenter.hub.transport.grpc.IdleTimers;
import io.commandcenter.models.backtest.SeriesCsv;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayOutputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One {@code Backtest} call: takes the start message and the CSV's chunks (at most
 * {@link PredictGrpcService#MAX_CSV_BYTES} bytes, {@link PredictGrpcService#MAX_ROWS} lines after the
 * header, {@link PredictGrpcService#MAX_VALUES} values and {@link PredictGrpcService#MAX_COLUMNS} metric
 * columns, counted as the bytes arrive, a line ending at {@code \n}, {@code \r\n} or a bare {@code \r} as the
 * parser ends it, so a CSV over a limit is refused before it is parsed), replays it when the client
 * half-closes, and sends the scored rows only while the transport takes them ({@code isReady}, the rest on
 * {@code onReady}), then the summary.
 *
 * <p>It holds an upload slot (given by the service) from its start to its end, and one of the hub's replay
 * slots from the half-close to its end, whichever way it ends (both are freed before the client is told the
 * call ended). A call whose client sent no chunk, or read no answer, for the idle timeout is ended with
 * UNAVAILABLE {@code BACKTEST_IDLE}; a call the client cancels (or whose deadline passes) stops its replay, while the
 * CSV is read (at every read) and while it is scored (every {@code Backtest.CANCEL_CHECK_ROWS} rows), and frees its
 * slots.
 *
 * <p>The call's callbacks run on its serialized executor; the idle check runs on a timer thread, so the
 * state is guarded by {@code this} (the replay itself runs outside the lock).
 */
final class BacktestCall implements StreamObserver<BacktestRequest> {
    /**
     * Replays a CSV with the project's model (the hub's {@code PredictionService.backtest}), stopping soon after
     * {@code cancelled} says so.
     */
    interface Replay {
        BacktestResult run(String model, String version, String labelColumn, Reader csv, BooleanSupplier cancelled);
    }

    private static final int ROWS_PER_MESSAGE = 2_000;
    /** Checks backtests for idleness; one daemon thread for every hub of the process. */
    private static final ScheduledThreadPoolExecutor IDLE_CHECKS = IdleTimers.daemon("cc-backtest-idle");

    /** What the call waits for: a chunk, its replay, the client to read, nothing. */
    private enum Phase { UPLOAD, REPLAY, ANSWER, ENDED }

    private final ServerCallStreamObserver<BacktestResponse> call;
    /** Cancelled at once when the client goes away, even while the replay holds the call's executor. */
    private final Context context = Context.current();
    private final Replay replay;
    private final Semaphore replaySlots;
    private final Runnable releaseUpload;
    private final long idleNanos;

    private Phase phase = Phase.UPLOAD;
    private boolean holdsReplaySlot;
    /** When the client last sent a chunk or took an answer. */
    private long lastActive = System.nanoTime();
    private ScheduledFuture<?> idleCheck;

    private BacktestStart start;
    private List<ByteString> chunks = new ArrayList<>();
    private long bytes;
    /** Line ends so far, and how many of them ended the header and the blank lines before it. */
    private long lineEnds;
    private long headerLineEnds = -1;
    private ByteArrayOutputStream headerLine = new ByteArrayOutputStream();
    private int metricColumns;
    private byte lastByte = '\n';
    /** The last byte was a CR: a LF right after it ends no other line. */
    private boolean afterCr;

    /** The answer being sent: rows from {@code next} on, then the summary. */
    private List<BacktestRow> rows;
    private int next;
    private BacktestSummary summary;

    /**
     * Call from the service method itself: the ready and cancel handlers can only be set then.
     *
     * @param replaySlots   the hub's replay slots; one is taken at the half-close
     * @param releaseUpload frees the upload slot the service took for this call; runs once
     * @param idle          how long the client may send no chunk, or read no answer
     */
    BacktestCall(ServerCallStreamObserver<BacktestResponse> call, Replay replay, Semaphore replaySlots,
                 Runnable releaseUpload, Duration idle) {
        this.call = call;
        this.replay = replay;
        this.replaySlots = replaySlots;
        this.releaseUpload = releaseUpload;
        this.idleNanos = idle.toNanos();
        call.setOnReadyHandler(this::send);
        call.setOnCancelHandler(this::end);
        watchIdle(idleNanos);
    }

    private synchronized void watchIdle(long delayNanos) {
        if (phase != Phase.ENDED) {
            idleCheck = IDLE_CHECKS.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Ends the call once its client has been quiet for the idle timeout while the hub waits for it. */
    private void checkIdle() {
        synchronized (this) {
            if (phase == Phase.ENDED) {
                return;
            }
            long quiet = System.nanoTime() - lastActive;
            if (phase == Phase.REPLAY || quiet < idleNanos) {
                watchIdle(phase == Phase.REPLAY ? idleNanos : idleNanos - quiet);
                return;
            }
            String waited = phase == Phase.UPLOAD ? "sent no CSV chunk" : "read no answer";
            fail(CommandCenterException.unavailable("BACKTEST_IDLE", "the backtest " + waited + " for "
                    + Duration.ofNanos(idleNanos).toMillis() + " ms (cc.backtest.idle-timeout), so the hub ended it", null));
        }
    }

    @Override
    public synchronized void onNext(BacktestRequest request) {
        if (phase != Phase.UPLOAD) {
            return;
        }
        lastActive = System.nanoTime();
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

    /**
     * Counts the chunk's line ends ({@code \n}, {@code \r\n}, a bare {@code \r}: as {@code readLine} ends
     * lines), and reads the header line (the first that is not blank) as it passes.
     */
    private void count(ByteString chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        for (ByteBuffer buffer : chunk.asReadOnlyByteBufferList()) {
            for (int i = buffer.position(); i < buffer.limit(); i++) {
                byte b = buffer.get(i);
                boolean crlf = b == '\n' && afterCr;
                afterCr = b == '\r';
                if (crlf) {
                    continue; // the line ended at its CR
                }
                if (b == '\n' || b == '\r') {
                    lineEnds++;
                    if (headerLineEnds < 0) {
                        headerLineEnded();
                    }
                } else if (headerLineEnds < 0) {
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
        headerLineEnds = lineEnds;
        headerLine = null;
        metricColumns = SeriesCsv.metricColumns(header, start.getLabelColumn());
        if (metricColumns > PredictGrpcService.MAX_COLUMNS) {
            throw CommandCenterException.invalid("CSV_TOO_MANY_COLUMNS", "csv_chunk", String.format(Locale.ROOT,
                    "a backtest on the hub takes at most %,d metric columns; this header has %,d",
                    PredictGrpcService.MAX_COLUMNS, metricColumns));
        }
    }

    /**
     * Refuses a CSV whose rows (lines after the header; {@code unterminated}: a last line without a line end)
     * or values (rows × metric columns) pass the limits.
     */
    private void checkSize(int unterminated) {
        if (headerLineEnds < 0) {
            return;
        }
        long rows = lineEnds - headerLineEnds + unterminated;
        if (rows > PredictGrpcService.MAX_ROWS) {
            throw SeriesCsv.tooManyRows(PredictGrpcService.MAX_ROWS);
        }
        if (rows * metricColumns > PredictGrpcService.MAX_VALUES) {
            throw SeriesCsv.tooManyValues(PredictGrpcService.MAX_VALUES, metricColumns);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        end();
    }

    @Override
    public void onCompleted() {
        Reader csv;
        synchronized (this) {
            if (phase != Phase.UPLOAD) {
                return;
            }
            try {
                csv = csvToReplay();
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            phase = Phase.REPLAY;
        }
        BacktestResult result;
        try {
            // outside the lock: the idle check may run meanwhile and only sees the replay is on
            result = replay.run(start.getModel(), start.getModelVersion(), start.getLabelColumn(), csv,
                    context::isCancelled);
        } catch (RuntimeException e) {
            synchronized (this) {
                fail(e);
            }
            return;
        }
        synchronized (this) {
            if (phase != Phase.REPLAY) {
                return;
            }
            phase = Phase.ANSWER;
            lastActive = System.nanoTime();
            rows = result.rows();
            summary = PredictGrpcService.summary(result, start);
            send();
        }
    }

    /** Checks the whole CSV's size, takes a replay slot (or fails BACKTEST_BUSY), and hands the CSV over. */
    private Reader csvToReplay() {
        if (start == null) {
            throw CommandCenterException.invalid("REQUIRED", "start", "the stream had no start message");
        }
        boolean headerLast = headerLineEnds < 0;
        if (headerLast && headerLine.size() > 0) {
            headerLineEnded(); // a header without a line end: a CSV without rows
        }
        // a last line without a line end is a row too, unless it is the header
        checkSize(lastByte == '\n' || lastByte == '\r' || headerLast ? 0 : 1);
        if (!replaySlots.tryAcquire()) {
            throw PredictGrpcService.busy("the hub replays at most " + PredictGrpcService.MAX_CONCURRENT_BACKTESTS
                    + " backtests at once");
        }
        holdsReplaySlot = true;
        Reader csv = new InputStreamReader(ByteString.copyFrom(chunks).newInput(), StandardCharsets.UTF_8);
        chunks = null;
        return new FilterReader(csv) {
            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                if (context.isCancelled()) {
                    throw new InterruptedIOException("the client cancelled the backtest");
                }
                return super.read(buffer, offset, length);
            }
        };
    }

    /** Sends rows while the transport takes them; the rest when it is ready again, then the summary. */
    private synchronized void send() {
        if (phase != Phase.ANSWER) {
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
            lastActive = System.nanoTime();
        }
        if (next == rows.size()) {
            call.onNext(BacktestResponse.newBuilder().setSummary(summary).build());
            end(); // before the client hears the end: its next backtest finds the slot free
            call.onCompleted();
        }
    }

    /** Frees the slots, then tells the client why the call failed (unless it went away). */
    private void fail(RuntimeException e) {
        if (phase != Phase.ENDED) {
            end();
            if (!context.isCancelled()) {
                call.onError(GrpcErrors.toStatus(e));
            }
        }
    }

    /** The call is over (answered, failed or cancelled): drop what it held and free its slots, once. */
    private synchronized void end() {
        if (phase == Phase.ENDED) {
            return;
        }
        phase = Phase.ENDED;
        chunks = null;
        rows = null;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        if (holdsReplaySlot) {
            replaySlots.release();
        }
        releaseUpload.run();
    }
}
