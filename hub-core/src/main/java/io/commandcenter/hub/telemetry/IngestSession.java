package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One ingest stream: numbers its records, hands valid ones to the {@link IngestPipeline}, settles
 * them as batches commit, and tells its {@link Listener} what to request, acknowledge and answer.
 *
 * <p>Flow control: the session asks for its share of records up front and, as records settle,
 * for as many more as keep it at its share, so at most that many records of a stream are ever in
 * the hub; a client that sends faster is held back by its transport (HTTP/2 flow control for gRPC).
 * The share is {@code window}, or less when many streams are open: the pipeline's
 * {@link InFlightShares} keeps the records of all streams together within a hub-wide bound.
 *
 * <p>Thread-safe: transport callbacks and the pipeline's writer thread call in concurrently; the
 * listener is called with the session's lock held, so its calls never interleave.
 */
public final class IngestSession implements IngestOrigin {
    /** How many rejections the final summary lists. */
    public static final int MAX_REPORTED_REJECTIONS = 100;
    /**
     * Most rejections one ack holds back while the transport takes no answers: an ack that has this many is
     * sent even then, so no ack grows with the records a stream sends. Also the most one ack carries: more (a
     * record with many violations) go in several acks with the same counts.
     */
    public static final int MAX_HELD_REJECTIONS = 100;

    /** What the session needs from its transport. */
    public interface Listener {
        /** Let the client send {@code count} more records. */
        void requestMore(int count);

        /**
         * Whether the transport takes more answers now (gRPC {@code isReady}). While it does not, the
         * session asks for no more records and merges its acks into one, so a client that does not read its
         * answers stops being read instead of piling them up in the hub; the transport calls
         * {@link IngestSession#onReady} when it takes answers again.
         */
        default boolean isReady() {
            return true;
        }

        /**
         * Progress: sent only by sessions that acknowledge as they go. While the transport takes no answers
         * ({@link #isReady} false) the progress is held and merged, one ack for the whole run of records (the
         * counts and {@code settledThrough} are cumulative, the rejections those since the previous ack), sent
         * when it takes answers again, before the stream completes or fails, or once it holds
         * {@value #MAX_HELD_REJECTIONS} rejections.
         */
        void acknowledged(IngestSummary progress);

        /**
         * A batch of this stream's records committed, whether or not more records were asked for
         * (a stream whose share shrank asks for nothing until its records settle below it). A
         * transport that ends quiet streams counts this as activity.
         */
        default void settled() {
        }

        /** The client half-closed and every record is settled. */
        void completed(IngestSummary summary);

        /** The stream failed (store unavailable, hub stopping); unsettled records may not be stored. */
        void failed(CommandCenterException error);
    }

    private enum State { OPEN, DONE, FAILED, CANCELLED }

    private final ProjectId project;
    private final String keyId;
    private final TraceContext trace;
    private final IngestPipeline pipeline;
    private final Listener listener;
    private final boolean acknowledgeAsYouGo;
    private final int window;

    private final ArrayDeque<Long> outstanding = new ArrayDeque<>();
    private final List<Rejection> reported = new ArrayList<>();
    private final List<Rejection> sinceLastAck = new ArrayList<>();
    private long received;
    private long accepted;
    private long duplicates;
    private long rejected;
    private long lastAckedThrough = -1;
    /** Records asked of the transport that have not arrived yet. */
    private long requested;
    private boolean halfClosed;
    private State state = State.OPEN;

    /**
     * @param acknowledgeAsYouGo report progress after every commit (for {@code IngestStream})
     * @param window             most unsettled records of this stream in the hub
     */
    public IngestSession(ProjectId project, TraceContext trace, IngestPipeline pipeline, Listener listener,
                         boolean acknowledgeAsYouGo, int window) {
        this(project, trace, "", pipeline, listener, acknowledgeAsYouGo, window);
    }

    /**
     * @param keyId the key id of the credentials that opened the stream (the events' {@code origin})
     */
    public IngestSession(ProjectId project, TraceContext trace, String keyId, IngestPipeline pipeline,
                         Listener listener, boolean acknowledgeAsYouGo, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1");
        }
        this.project = project;
        this.trace = trace;
        this.keyId = keyId == null ? "" : keyId;
        this.pipeline = pipeline;
        this.listener = listener;
        this.acknowledgeAsYouGo = acknowledgeAsYouGo;
        this.window = window;
    }

    @Override
    public ProjectId project() {
        return project;
    }

    @Override
    public TraceContext trace() {
        return trace;
    }

    @Override
    public String keyId() {
        return keyId;
    }

    /** Opens the window: asks the transport for the first records (this stream's share). */
    public synchronized void start() {
        pipeline.shares().open(project);
        topUp();
    }

    /**
     * Asks the transport for as many records as bring this stream's records in the hub (unsettled,
     * or asked for and not arrived) up to its current share; nothing when it holds that many already
     * (its share shrank because other streams opened: it shrinks as its records settle); nothing
     * while the transport does not take answers ({@link Listener#isReady}: {@link #onReady} tops up).
     */
    private void topUp() {
        if (!listener.isReady()) {
            return;
        }
        long inHub = outstanding.size() + requested;
        int share = pipeline.shares().share(project, window);
        if (share > inHub) {
            int more = (int) (share - inHub);
            requested += more;
            listener.requestMore(more);
        }
    }

    /** A record arrived: it used one of the records asked for. */
    private void arrived() {
        if (requested > 0) {
            requested--;
        }
    }

    /** Leaves the shares, once, when the session leaves OPEN. */
    private void end(State next) {
        state = next;
        pipeline.shares().close(project);
    }

    /** A valid record arrived. */
    public synchronized void onRecord(TelemetryRecord record) {
        if (state != State.OPEN) {
            return;
        }
        arrived();
        long index = received++;
        outstanding.addLast(index);
        pipeline.submit(this, index, record);
    }

    /** A record arrived that validation refused; it is settled at once. */
    public synchronized void onRejected(String recordId, List<FieldViolation> violations) {
        if (state != State.OPEN) {
            return;
        }
        arrived();
        long index = received++;
        rejected++;
        if (!violations.isEmpty()) {
            pipeline.rejected(project, violations.get(0));
        }
        for (FieldViolation violation : violations) {
            Rejection rejection = new Rejection(index, recordId, violation.field(), violation.reason(),
                    violation.message());
            if (reported.size() < MAX_REPORTED_REJECTIONS) {
                reported.add(rejection);
            }
            if (acknowledgeAsYouGo) {
                sinceLastAck.add(rejection);
            }
        }
        // the answer first, so that whether the transport still takes answers decides whether to read on
        acknowledge();
        if (!halfClosed) {
            topUp();
        }
        finishIfDone();
    }

    /** The transport takes answers again: the ack held meanwhile, then ask for the records held back. */
    public synchronized void onReady() {
        if (state != State.OPEN) {
            return;
        }
        acknowledge();
        if (!halfClosed) {
            topUp();
        }
    }

    /** The client sent its last record. */
    public synchronized void onHalfClose() {
        halfClosed = true;
        finishIfDone();
    }

    /** The client went away; nothing more is sent to it. Records already received are still stored. */
    public synchronized void onCancel() {
        if (state == State.OPEN) {
            end(State.CANCELLED);
        }
    }

    /** Whether the pipeline should still write this session's records. */
    @Override
    public synchronized boolean isFailed() {
        return state == State.FAILED;
    }

    /**
     * Called by the pipeline once a batch holding {@code count} of this session's records committed:
     * its oldest {@code count} unsettled records, the last at {@code lastIndex}.
     */
    @Override
    public synchronized void settled(int count, int stored, long lastIndex) {
        long last = -1;
        for (int i = 0; i < count; i++) {
            Long head = outstanding.pollFirst();
            if (head == null) {
                throw new IllegalStateException("settled " + count + " records through " + lastIndex + ", but only "
                        + i + " were outstanding");
            }
            last = head;
        }
        if (last != lastIndex) {
            throw new IllegalStateException("records settled out of order: expected " + last + ", got " + lastIndex);
        }
        accepted += stored;
        duplicates += count - stored;
        if (state != State.OPEN) {
            return;
        }
        listener.settled();
        // the answer first, so that whether the transport still takes answers decides whether to read on
        acknowledge();
        if (!halfClosed) {
            topUp();
        }
        finishIfDone();
    }

    /** Called by the pipeline when a batch holding records of this session failed. */
    @Override
    public synchronized void fail(CommandCenterException error) {
        if (state != State.OPEN) {
            return;
        }
        flushAck(); // what did settle before the failure: the client resends only the rest
        end(State.FAILED);
        listener.failed(error);
    }

    /**
     * Ends the stream with {@code error} when it waits for its client: open, not half-closed, every
     * record it sent settled (a stream whose records are still being written is not idle, whatever
     * the time). The listener hears {@link Listener#failed}.
     *
     * @return whether the stream was ended
     */
    public synchronized boolean expireIfWaiting(CommandCenterException error) {
        if (state != State.OPEN || halfClosed || !outstanding.isEmpty()) {
            return false;
        }
        flushAck();
        end(State.FAILED);
        listener.failed(error);
        return true;
    }

    /** Counters so far. */
    public synchronized IngestSummary summary() {
        return new IngestSummary(settledThrough(), received, accepted, duplicates, rejected, reported);
    }

    private long settledThrough() {
        return outstanding.isEmpty() ? received - 1 : outstanding.peekFirst() - 1;
    }

    /**
     * Sends the progress not acknowledged yet, while the transport takes answers; while it does not, holds it (the
     * next ack says it too) unless it holds {@value #MAX_HELD_REJECTIONS} rejections.
     */
    private void acknowledge() {
        if (listener.isReady() || sinceLastAck.size() >= MAX_HELD_REJECTIONS) {
            flushAck();
        }
    }

    /** Sends the progress not acknowledged yet, whether or not the transport takes answers now. */
    private void flushAck() {
        if (!acknowledgeAsYouGo || state != State.OPEN) {
            return;
        }
        long through = settledThrough();
        if (through > lastAckedThrough || !sinceLastAck.isEmpty()) {
            // at most MAX_HELD_REJECTIONS rejections an ack, in stream order: the rejections past them (a record's
            // many violations, the record that crossed the cap) go in the next acks, with the same counts
            int from = 0;
            do {
                int to = Math.min(sinceLastAck.size(), from + MAX_HELD_REJECTIONS);
                listener.acknowledged(new IngestSummary(through, received, accepted, duplicates, rejected,
                        sinceLastAck.subList(from, to)));
                from = to;
            } while (from < sinceLastAck.size());
            sinceLastAck.clear();
            lastAckedThrough = through;
        }
    }

    private void finishIfDone() {
        if (halfClosed && outstanding.isEmpty() && state == State.OPEN) {
            flushAck(); // the last ack before the end, whether or not the client reads now
            end(State.DONE);
            listener.completed(summary());
        }
    }
}
