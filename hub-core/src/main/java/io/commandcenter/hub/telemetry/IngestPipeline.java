package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The write side of ingest: one writer thread takes records from every stream in arrival order,
 * writes them in batches (one transaction each, so one commit covers up to {@code batchSize}
 * records of many streams), then publishes each stored record as an event and settles the
 * records with their sessions.
 *
 * <p>The queue is bounded by construction: each session keeps at most its window of records in
 * the hub, and the number of sessions is bounded by the transport. Batches form by themselves
 * under load (the writer takes whatever queued while it committed), so a lone record is never
 * held back waiting for company.
 */
public final class IngestPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IngestPipeline.class.getName());

    private record Pending(IngestOrigin session, long index, TelemetryRecord record) {
    }

    private final TelemetryStore store;
    private final EventBus bus;
    private final Function<TelemetryRecord, Payload> payloads;
    private final Clock clock;
    private final int batchSize;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;

    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean accepting = true;
    private volatile Observer observer = Observer.NONE;

    /** What the writer reports, for metrics (hub-server wires one). Called on the writer thread. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        /** One batch was written in {@code nanos}: each item and its outcome, in order. */
        default void written(List<TelemetryStore.Scoped> items, List<TelemetryStore.Outcome> outcomes, long nanos) {
        }

        /** Validation refused a record of a stream of {@code project}; {@code first} is its first fault. */
        default void rejected(ProjectId project, io.commandcenter.common.error.FieldViolation first) {
        }
    }

    /** Tells the observer a stream's record was refused by validation (it never reaches the writer). */
    void rejected(ProjectId project, io.commandcenter.common.error.FieldViolation first) {
        observer.rejected(project, first);
    }

    /** Sets the observer (one; replaces the previous). */
    public void observe(Observer value) {
        this.observer = value == null ? Observer.NONE : value;
    }

    /**
     * @param payloads  renders a stored record as an event payload
     * @param batchSize most records per transaction
     * @param capacity  most records queued; sized to (max streams x window), it is never reached
     *                  unless a transport ignores its window
     */
    public IngestPipeline(TelemetryStore store, EventBus bus, Function<TelemetryRecord, Payload> payloads,
                          Clock clock, int batchSize, int capacity) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1");
        }
        this.store = store;
        this.bus = bus;
        this.payloads = payloads;
        this.clock = clock;
        this.batchSize = batchSize;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.writer = new Thread(this::run, "cc-ingest-writer");
        this.writer.setDaemon(true);
    }

    /** Starts the writer thread. */
    public IngestPipeline start() {
        writer.start();
        return this;
    }

    void submit(IngestOrigin session, long index, TelemetryRecord record) {
        if (!accepting) {
            session.fail(CommandCenterException.unavailable("SHUTTING_DOWN", "the hub is shutting down; resend later", null));
            return;
        }
        TelemetryRecord identified = record.recordId().isEmpty()
                ? record.withRecordId(UUID.randomUUID().toString())
                : record;
        if (!queue.offer(new Pending(session, index, identified))) {
            session.fail(CommandCenterException.exhausted("INGEST_QUEUE_FULL", "the hub's ingest queue is full; resend later"));
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (accepting || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                lastProgressNanos = System.nanoTime();
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                process(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Never let the writer die: fail what it held and carry on with the next batch.
                LOG.log(Level.ERROR, "ingest writer failed on a batch", e);
                failAll(batch, CommandCenterException.unavailable("STORE_UNAVAILABLE", "internal error while storing", e));
            } finally {
                batch.clear();
            }
        }
    }

    private void process(List<Pending> batch) {
        batch.removeIf(p -> p.session().isFailed());
        if (batch.isEmpty()) {
            return;
        }
        List<TelemetryStore.Scoped> items = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            items.add(new TelemetryStore.Scoped(p.session().project(), p.record()));
        }
        Instant receivedAt = clock.instant();
        List<TelemetryStore.Outcome> outcomes;
        long writing = System.nanoTime();
        try {
            outcomes = store.write(items, receivedAt);
        } catch (CommandCenterException e) {
            failedBatches.incrementAndGet();
            LOG.log(Level.WARNING, "could not store a batch of {0} records: {1}", batch.size(), e.getMessage());
            failAll(batch, e);
            return;
        }
        batches.incrementAndGet();
        observer.written(items, outcomes, System.nanoTime() - writing);
        Map<IngestOrigin, Integer> settledPerSession = new IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            TelemetryStore.Outcome outcome = outcomes.get(i);
            if (outcome == TelemetryStore.Outcome.STORED) {
                stored.incrementAndGet();
                bus.publish(p.session().project(), p.record().subject(), p.session().trace(),
                        payloads.apply(p.record()));
            } else {
                duplicates.incrementAndGet();
            }
            p.session().settle(p.index(), outcome);
            settledPerSession.merge(p.session(), 1, Integer::sum);
        }
        settledPerSession.forEach(IngestOrigin::batchSettled);
    }

    private static void failAll(List<Pending> batch, CommandCenterException error) {
        for (Pending p : batch) {
            p.session().fail(error.kind() == ErrorKind.UNAVAILABLE ? error
                    : CommandCenterException.unavailable("STORE_UNAVAILABLE", error.getMessage(), error));
        }
    }

    /**
     * Stores a record the hub itself produced (simulated telemetry, the outcome of a remediation),
     * through the same validation-free path as API records: batched, deduplicated on its id,
     * published after commit. The future completes once it is settled.
     */
    public java.util.concurrent.CompletableFuture<TelemetryStore.Outcome> record(ProjectId project,
                                                                               TelemetryRecord record,
                                                                               TraceContext trace) {
        Own own = new Own(project, trace);
        submit(own, 0, record);
        return own.result;
    }

    /** The origin of one record the hub produced itself. */
    private static final class Own implements IngestOrigin {
        private final ProjectId project;
        private final TraceContext trace;
        private final java.util.concurrent.CompletableFuture<TelemetryStore.Outcome> result =
                new java.util.concurrent.CompletableFuture<>();

        Own(ProjectId project, TraceContext trace) {
            this.project = project;
            this.trace = trace;
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
        public boolean isFailed() {
            return result.isCompletedExceptionally();
        }

        @Override
        public void settle(long index, TelemetryStore.Outcome outcome) {
            result.complete(outcome);
        }

        @Override
        public void batchSettled(int count) {
        }

        @Override
        public void fail(CommandCenterException error) {
            result.completeExceptionally(error);
        }
    }

    /** Records stored since start. */
    public long storedCount() {
        return stored.get();
    }

    /** Duplicates skipped since start. */
    public long duplicateCount() {
        return duplicates.get();
    }

    /** Batches committed since start. */
    public long batchCount() {
        return batches.get();
    }

    /** Batches that failed since start. */
    public long failedBatchCount() {
        return failedBatches.get();
    }

    /** Records waiting for the writer. */
    public int queued() {
        return queue.size();
    }

    /** Whether the writer is alive and has made progress within {@code maxStallNanos}. */
    public boolean isHealthy(long maxStallNanos) {
        return writer.isAlive() && System.nanoTime() - lastProgressNanos < maxStallNanos;
    }

    /** Stops taking records, writes what is queued, and stops the writer. */
    @Override
    public void close() {
        accepting = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, CommandCenterException.unavailable("SHUTTING_DOWN", "the hub stopped before storing; resend", null));
    }
}
