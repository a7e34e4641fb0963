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
 *
 * <p>Batches are shared fairly between projects, not streams: the writer sorts what arrived by
 * project, and while several projects have records waiting each batch takes an equal share of
 * each (what one leaves unused goes to the others), in arrival order within a project. A project
 * with many streams, or one re-sending everything flat out, therefore gets at most its share of the
 * writer; another project's records wait for at most one batch.
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
    private final int capacity;
    private final BlockingQueue<Pending> queue;
    private final InFlightShares shares;
    /** What the writer took from the queue and has not written yet, by project in turn order (writer thread only). */
    private final Map<ProjectId, java.util.ArrayDeque<Pending>> backlog = new java.util.LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger backlogSize = new java.util.concurrent.atomic.AtomicInteger();
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
        this(store, bus, payloads, clock, batchSize, capacity, InFlightShares.unbounded());
    }

    /**
     * As {@link #IngestPipeline(TelemetryStore, EventBus, Function, Clock, int, int)}, with the records
     * of all streams together inside the hub bounded by {@code shares} ({@code cc.ingest.max-in-flight}).
     */
    public IngestPipeline(TelemetryStore store, EventBus bus, Function<TelemetryRecord, Payload> payloads,
                          Clock clock, int batchSize, int capacity, InFlightShares shares) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1");
        }
        this.store = store;
        this.bus = bus;
        this.payloads = payloads;
        this.clock = clock;
        this.batchSize = batchSize;
        this.capacity = capacity;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.shares = java.util.Objects.requireNonNull(shares, "shares");
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
        List<Pending> arrived = new ArrayList<>();
        while (accepting || !queue.isEmpty() || backlogSize.get() > 0) {
            try {
                if (backlogSize.get() == 0) {
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    lastProgressNanos = System.nanoTime();
                    if (first == null) {
                        continue;
                    }
                    arrived.add(first);
                }
                // what waits in the hub stays within the queue's capacity, wherever it waits
                queue.drainTo(arrived, Math.max(0, capacity - backlogSize.get() - arrived.size()));
                for (Pending p : arrived) {
                    backlog.computeIfAbsent(p.session().project(), k -> new java.util.ArrayDeque<>()).add(p);
                }
                backlogSize.addAndGet(arrived.size());
                arrived.clear();
                takeFairShares(batch);
                lastProgressNanos = System.nanoTime();
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

    /**
     * Moves up to a batch of records from the backlog into {@code batch}: an equal share of each
     * project waiting (shares a project cannot fill go to the others), in arrival order within each
     * project. The project served first moves to the end of the turn order, so remainders rotate.
     */
    private void takeFairShares(List<Pending> batch) {
        ProjectId servedFirst = backlog.isEmpty() ? null : backlog.keySet().iterator().next();
        while (batch.size() < batchSize && !backlog.isEmpty()) {
            int share = Math.max(1, (batchSize - batch.size()) / backlog.size());
            var projects = backlog.entrySet().iterator();
            while (projects.hasNext() && batch.size() < batchSize) {
                java.util.ArrayDeque<Pending> waiting = projects.next().getValue();
                for (int n = 0; n < share && !waiting.isEmpty() && batch.size() < batchSize; n++) {
                    batch.add(waiting.poll());
                }
                if (waiting.isEmpty()) {
                    projects.remove();
                }
            }
        }
        backlogSize.addAndGet(-batch.size());
        if (servedFirst != null && backlog.size() > 1 && backlog.containsKey(servedFirst)) {
            backlog.put(servedFirst, backlog.remove(servedFirst));
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
        // one publication of the batch's stored records and one settlement a stream, after the commit: the
        // bus takes each subscriber's lock once a batch, and a stream's lock is taken once, not once a record
        List<EventBus.Draft> events = new ArrayList<>(batch.size());
        Map<IngestOrigin, Settlement> settlements = new IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            boolean isStored = outcomes.get(i) == TelemetryStore.Outcome.STORED;
            if (isStored) {
                events.add(new EventBus.Draft(p.session().project(), p.record().subject(), p.session().trace(),
                        payloads.apply(p.record()), p.session().keyId()));
            }
            settlements.computeIfAbsent(p.session(), k -> new Settlement()).add(p.index(), isStored);
        }
        stored.addAndGet(events.size());
        duplicates.addAndGet(batch.size() - events.size());
        bus.publishAll(events);
        settlements.forEach((origin, s) -> origin.settled(s.count, s.stored, s.last));
    }

    /** What one batch settles of one origin (writer thread only). */
    private static final class Settlement {
        int count;
        int stored;
        long last;

        void add(long index, boolean isStored) {
            count++;
            if (isStored) {
                stored++;
            }
            last = index;
        }
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
        public void settled(int count, int stored, long lastIndex) {
            result.complete(stored > 0 ? TelemetryStore.Outcome.STORED : TelemetryStore.Outcome.DUPLICATE);
        }

        @Override
        public void fail(CommandCenterException error) {
            result.completeExceptionally(error);
        }
    }

    /** How the records inside the hub are shared between open streams. */
    public InFlightShares shares() {
        return shares;
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
        return queue.size() + backlogSize.get();
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
        backlog.values().forEach(left::addAll);
        backlog.clear();
        backlogSize.set(0);
        queue.drainTo(left);
        failAll(left, CommandCenterException.unavailable("SHUTTING_DOWN", "the hub stopped before storing; resend", null));
    }
}
