package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The engine's writes of runs, committed in batches by one writer thread: whatever the lanes hand
 * in while a commit is under way goes into the next one, so a burst's run creations, node steps
 * and decisions share commits instead of paying one each (on the embedded database a commit is
 * written through, and commits, not statements, bound a burst). A lone create that finds the
 * writer idle is committed by its caller instead (see "One commit at a time").
 *
 * <p>What stays exact:
 * <ul>
 *   <li>Order. A batch is one store transaction (creates, then the latest state of each run
 *       written in it, then — when the store {@link RunStore#recordsDecisions records decisions} —
 *       the new runs' decisions chained in the audit ledger; otherwise one ledger append of them
 *       follows), and batches commit in
 *       the order they were handed in; a run's states reach the database in the order its lane
 *       produced them, so after a crash the stored run is a state it really passed through.</li>
 *   <li>Durable before acting. {@link #create} answers only once the run is committed (its
 *       idempotency key decides between two triggers) and its decision recorded; until then the
 *       engine counts the run as pending in its next decisions on the target. {@link #afterDurable} runs its work only once everything handed in before it is
 *       committed: the engine dispatches a node's task there, after the node's attempt is stored,
 *       and publishes a finished run there, after its end is stored.</li>
 *   <li>One commit at a time. A create handed in while the writer is idle (nothing queued, no
 *       commit under way) is committed by the caller on its own thread, in the same transaction the
 *       writer would have made of it, and the caller is told before {@link #create} returns: the
 *       paced path's run goes on to its first task with no hand-over to the writer and back. The
 *       caller holds the writer off meanwhile (the writer waits for it before its next batch, as a
 *       caller waits for the writer), so commits never overlap and keep the order they were handed
 *       in; whatever is handed in while the caller commits waits for the writer's next batch, so a
 *       burst still shares its commits.</li>
 *   <li>Failures stall rather than act. A batch the store refuses is tried again (backing off up to
 *       5 s) until it is committed or the journal closes; the work waiting behind it waits too, so
 *       nothing is dispatched on a state that was never stored. A create in a refused batch fails
 *       its caller, as {@link RunStore#create} would.</li>
 *   <li>Only what changed. The writer remembers the state it last committed of each RUNNING run it
 *       created or wrote, and the store writes only the nodes that differ from it (a step changes one
 *       node of a run; every node was rewritten before). A RUNNING run is written only by the engine
 *       that drives it, through this journal (a run taken up that cannot resume ends here too):
 *       approvals and withdrawals write runs directly, but never one the writer remembers (a run
 *       waiting for approval is not remembered). A run is forgotten when a state that is not RUNNING
 *       is written, and a run the writer does not remember is written whole.</li>
 *   <li>Late states wait for the run's next write. A state handed in with {@link #writeLater} (a
 *       node's task taken by an agent: recovery treats it as the task's attempt stored before it)
 *       is not committed on its own at once: when the run's next state is handed in within
 *       {@code lateBy} (one second) it is committed in its place (a burst's node then costs one write less);
 *       otherwise it is committed alone once {@code lateBy} has passed, or at {@link #sync} and
 *       {@link #close}. A crash loses at most such states, never one written with {@link #write}.</li>
 *   <li>Fenced. Every run state is written only while the run is still this hub's in the store
 *       ({@link RunStore#writeOwned}, ADR 0028): a run another hub adopted while this one stalled is
 *       reported once to {@link #onLost} (before the work waiting for the commit runs), never written
 *       by this journal again, and the work handed to {@link #afterDurable(String, Runnable)} for it
 *       is dropped (a node's task is not submitted, a run's end not published).</li>
 * </ul>
 * Updates handed in after {@link #close} are written at once by the caller.
 */
final class RunJournal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RunJournal.class.getName());

    private final RunStore store;
    private final AuditTrail audit;
    private final Thread writer;
    private final Object lock = new Object();
    /** What a writer waiting to try again waits on: only {@link #close} wakes it early. */
    private final Object closing = new Object();
    /** Creates, updates and work waiting for a commit, in the order handed in. Guarded by {@link #lock}. */
    private List<Object> queue = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /**
     * A commit is under way, by the writer or by a caller of {@link #create} (guarded by
     * {@link #lock}): whoever sets it commits alone, and the maps below are touched only under it.
     */
    private boolean committing;
    private volatile long commitsHere;
    /** The engine is stopping: a batch the store refuses is given up after a few tries instead of waiting. */
    private volatile boolean stopping;
    private volatile long commits;
    private volatile long written;
    /**
     * The state last committed of each RUNNING run this journal created or wrote (touched only by
     * whoever is {@link #committing}). Bounded: past {@link #REMEMBERED} runs it starts again empty (runs are then
     * written whole once).
     */
    private final Map<String, RunRecord> lastStored = new HashMap<>();
    private static final int REMEMBERED = 100_000;
    /** How long a late state waits for its run's next write before it is committed alone. */
    private final long lateBy;
    /**
     * Late states waiting for their run's next write, by run id, oldest first (the writer thread's
     * only), each with when the run's first waiting state was handed in.
     */
    private final Map<String, Late> late = new LinkedHashMap<>();
    /**
     * Runs another hub owns now, found by a fenced write or told by {@link #lost} (run id to that
     * hub): never written again, and the work waiting on them dropped. Bounded as {@link #lastStored} is.
     */
    private final Map<String, String> lost = new ConcurrentHashMap<>();
    /**
     * Runs given up or taken back by the engine (not by a write here) whose state last committed
     * ({@link #lastStored}) may no longer be what their rows hold: forgotten by the next commit.
     */
    private final Set<String> unknownRows = ConcurrentHashMap.newKeySet();
    /** Counts the runs taken back ({@link #owned}), to date them against a batch being stored. */
    private final AtomicLong takings = new AtomicLong();
    /** Runs taken back ({@link #owned}), each with the {@link #takings} count then. Bounded as {@link #lost} is. */
    private final Map<String, Long> takenBack = new ConcurrentHashMap<>();
    /** Told of each run found lost, once, on the committing thread, before the work waiting on the commit runs. */
    private volatile BiConsumer<RunRecord, String> onLost = (run, owner) -> { };

    private record Late(RunRecord run, long since) {
    }

    private record Create(RunStore.NewRun run, BiConsumer<Boolean, RuntimeException> then) {
    }

    private record Update(RunRecord run, boolean late) {
    }

    /** Work waiting for a commit; {@code runId} (or null): the run it acts on, dropped once that run is lost. */
    private record After(String runId, Runnable work) {
    }

    /** Someone waiting for the batch: told when it is committed, and when it is given up too. */
    private record Sync(CountDownLatch done) {
    }

    RunJournal(RunStore store, AuditTrail audit, String name) {
        this(store, audit, name, Duration.ofSeconds(1));
    }

    /** @param lateBy how long a {@link #writeLater} state may wait for its run's next write */
    RunJournal(RunStore store, AuditTrail audit, String name, Duration lateBy) {
        this.store = store;
        this.audit = audit;
        this.lateBy = lateBy.toNanos();
        this.writer = new Thread(this::loop, name);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Stores a new run (with its approval and decision) and appends {@code decided} to the audit
     * ledger once it is stored; then tells {@code then} whether it was stored (false: a run with the
     * same idempotency key exists, nothing stored or recorded) or why it failed. When {@code then}
     * hears true, the run and the record of its decision are durable and its first tasks may be
     * submitted.
     *
     * <p>Where: when the writer is idle (nothing queued, no commit under way) the create is committed
     * here, on the caller's thread, and {@code then} is told here before this returns (after the
     * writer is free again); otherwise it goes into the writer's next batch (a burst's decisions share
     * commits), the caller does not wait, and {@code then} is told on the writer thread (keep it
     * short there: hand real work to a lane). The transaction, the ledger append and the answer to a
     * failure are the same either way.
     */
    void create(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action, AuditRecord decided,
                BiConsumer<Boolean, RuntimeException> then) {
        Create c = new Create(new RunStore.NewRun(run, approval, action, decided), then);
        if (commitHere(c)) {
            return;
        }
        if (!offer(c)) {
            then.accept(null, CommandCenterException.unavailable("SHUTTING_DOWN", "the remediation engine is stopping",
                    null));
        }
    }

    /**
     * Commits a lone create on the caller's thread when the writer is idle, then tells its caller.
     *
     * @return false, nothing done, when something is queued, a commit is under way, or the journal is
     *         stopping or closed
     */
    private boolean commitHere(Create c) {
        synchronized (lock) {
            // stopping: a lane still running after Stripes.close's wait is left to end, and the
            // writer commits what is handed in from then on
            if (closed || stopping || committing || !queue.isEmpty()) {
                return false;
            }
            committing = true;
        }
        List<Told> told = new ArrayList<>(1);
        try {
            long before = commits;
            store(List.of(c), List.of(), told::add, new HashMap<>(), new HashSet<>());
            if (commits != before) {
                commitsHere++;
            }
        } finally {
            synchronized (lock) {
                committing = false;
                lock.notifyAll();
            }
        }
        told.forEach(Told::tell);
        return true;
    }

    /**
     * Who hears of a run found lost: the state this hub tried to write, and the hub that owns the
     * run now. Set before anything is written.
     */
    void onLost(BiConsumer<RunRecord, String> listener) {
        this.onLost = listener;
    }

    /**
     * The run is another hub's now (found by the engine, not by a write here): nothing more of it is
     * written, states of it waiting for a commit included, and the work waiting on it is dropped.
     * {@link #onLost} is not told.
     */
    void lost(String runId, String owner) {
        if (lost.size() >= REMEMBERED) {
            lost.clear();
        }
        lost.put(runId, owner);
        unknownRows.add(runId);
    }

    /** The run is this hub's again (adopted back): its writes are stored again. */
    void owned(String runId) {
        if (takenBack.size() >= REMEMBERED) {
            takenBack.clear();
        }
        takenBack.put(runId, takings.incrementAndGet());
        lost.remove(runId);
        unknownRows.add(runId); // another hub wrote it meanwhile: written whole next time
    }

    /** Stores a run's new state in the next batch (the last state handed in for a run wins). */
    void write(RunRecord run) {
        if (!offer(new Update(run, false))) {
            writeNow(run);
        }
    }

    /** After close: written at once by the caller, fenced as every write is (a lost run is not written). */
    private void writeNow(RunRecord run) {
        store.writeOwned(List.of(), List.of(run), Map.of());
    }

    /**
     * Stores a run's new state with the run's next write, or alone after {@code lateBy} (see the
     * class comment): for a change that recovery does not need and that another soon follows. Work
     * handed to {@link #afterDurable} does not wait for it; {@link #sync} does.
     */
    void writeLater(RunRecord run) {
        if (!offer(new Update(run, true))) {
            writeNow(run);
        }
    }

    /**
     * Runs {@code work} on the writer thread once everything handed in before it is committed (keep
     * it short: hand real work to a lane). Dropped when the journal is closed before that.
     */
    void afterDurable(Runnable work) {
        afterDurable(null, work);
    }

    /**
     * {@link #afterDurable(Runnable)} for work that acts on run {@code runId}: dropped, not run, when
     * a write found the run another hub's ({@link #onLost}).
     */
    void afterDurable(String runId, Runnable work) {
        if (!offer(new After(runId, work))) {
            LOG.log(System.Logger.Level.DEBUG, "engine stopped; dropped work waiting for a commit");
        }
    }

    /** Waits until everything handed in so far is committed and its follow-up work has run. */
    void sync() {
        CountDownLatch done = new CountDownLatch(1);
        if (!offer(new Sync(done))) {
            return;
        }
        try {
            done.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Commits so far, and run writes (creates and states) in them: a burst's batching at a glance. */
    long commits() {
        return commits;
    }

    /** Of {@link #commits}, those a caller of {@link #create} made on its own thread (the writer was idle). */
    long commitsHere() {
        return commitsHere;
    }

    long written() {
        return written;
    }

    private boolean offer(Object op) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            queue.add(op);
            lock.notifyAll();
            return true;
        }
    }

    private void loop() {
        while (true) {
            List<Object> batch;
            boolean last;
            synchronized (lock) {
                long due = Long.MAX_VALUE;
                // a caller committing its create: wait for it (untimed: it wakes us), then take the queue
                while (committing || (queue.isEmpty() && !closed && (due = lateDue()) > 0)) {
                    try {
                        if (committing || due == Long.MAX_VALUE) {
                            lock.wait();
                        } else {
                            TimeUnit.NANOSECONDS.timedWait(lock, due);
                        }
                    } catch (InterruptedException e) {
                        // closing: finish what is queued
                    }
                }
                batch = queue;
                queue = new ArrayList<>();
                last = closed && batch.isEmpty();
                committing = true;
            }
            try {
                if (last) {
                    if (!late.isEmpty()) {
                        commit(List.of(), true);
                    }
                    return;
                }
                commit(batch, false);
            } finally {
                synchronized (lock) {
                    committing = false;
                    lock.notifyAll();
                }
            }
        }
    }

    /** Nanoseconds until the oldest late state is due; {@link Long#MAX_VALUE} when none waits. */
    private long lateDue() {
        if (late.isEmpty()) {
            return Long.MAX_VALUE;
        }
        return late.values().iterator().next().since() + lateBy - System.nanoTime();
    }

    private void commit(List<Object> batch, boolean allLate) {
        List<Create> creates = new ArrayList<>();
        Map<String, RunRecord> latest = new LinkedHashMap<>();
        Map<String, RunRecord> lateOnly = new LinkedHashMap<>();
        List<After> after = new ArrayList<>();
        List<CountDownLatch> waiting = new ArrayList<>();
        for (Object op : batch) {
            if (op instanceof Create c) {
                creates.add(c);
            } else if (op instanceof Update u) {
                String runId = u.run().runId();
                if (lost.containsKey(runId)) {
                    continue; // another hub's now: nothing more of it is written here
                }
                if (!u.late()) {
                    lateOnly.remove(runId);
                    late.remove(runId);
                    latest.put(runId, u.run());
                } else if (latest.containsKey(runId)) {
                    latest.put(runId, u.run()); // newer than the state it replaces, which is committed now
                } else {
                    lateOnly.put(runId, u.run());
                }
            } else if (op instanceof Sync w) {
                waiting.add(w.done());
                allLate = true;
            } else {
                after.add((After) op);
            }
        }
        long now = System.nanoTime();
        lateOnly.forEach((runId, run) -> {
            Late before = late.get(runId);
            late.put(runId, new Late(run, before == null ? now : before.since()));
        });
        late.keySet().removeIf(lost::containsKey);
        for (Iterator<Late> it = late.values().iterator(); it.hasNext(); ) {
            Late l = it.next();
            if (!allLate && now - l.since() < lateBy) {
                break; // oldest first: the rest are not due either
            }
            latest.put(l.run().runId(), l.run());
            it.remove();
        }
        try {
            commit(creates, new ArrayList<>(latest.values()), after);
        } finally {
            waiting.forEach(CountDownLatch::countDown);
        }
    }

    /** Commits a batch on the writer thread, tells the creates' callers, then runs the work waiting for it. */
    private void commit(List<Create> creates, List<RunRecord> updates, List<After> after) {
        Map<String, String> lostNow = new HashMap<>();
        Set<String> dropped = new HashSet<>();
        if (!store(creates, updates, Told::tell, lostNow, dropped)) {
            return;
        }
        if (!lostNow.isEmpty()) {
            for (RunRecord u : updates) {
                String owner = lostNow.get(u.runId());
                if (owner != null) {
                    lost(u.runId(), owner);
                    late.remove(u.runId());
                    try {
                        onLost.accept(u, owner);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "handling lost run " + u.runId() + " failed", e);
                    }
                }
            }
        }
        for (After a : after) {
            if (a.runId() != null && (lost.containsKey(a.runId()) || dropped.contains(a.runId()))) {
                continue; // acts on a run another hub drives now, or on a state of it no longer stored
            }
            Runnable work = a.work();
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "remediation work after a commit failed", e);
            }
        }
    }

    /** What a create's caller is to hear once the commit is over. */
    private record Told(Create create, Boolean stored, RuntimeException failure) {
        void tell() {
            RunJournal.tell(create, stored, failure);
        }
    }

    /**
     * Stores a batch in one transaction, trying again as the class comment says; call only while
     * {@link #committing}. What each create's caller is to hear goes to {@code told} as soon as it is
     * known (a create in a refused batch before its run states are tried again).
     *
     * <p>A try after a refused one leaves out the states of runs found another hub's meanwhile
     * ({@link #lost}) and of runs taken back since the batch was put together ({@link #owned}: the
     * state was made before the run was lost and taken back, and would write over what the other hub
     * stored of it); their ids go to {@code dropped}.
     *
     * @return false when the engine stopped before the run states could be stored (the work waiting
     *         for them is dropped)
     */
    private boolean store(List<Create> creates, List<RunRecord> updates, Consumer<Told> told,
                          Map<String, String> lostNow, Set<String> dropped) {
        long assembled = takings.get();
        long backoff = 50;
        int triesClosed = 0;
        while (!creates.isEmpty() || !updates.isEmpty()) {
            // the store chains the decisions in its own transaction when it can, and nothing waits in
            // the trail's spool (the chain keeps the order things were recorded in)
            boolean storeRecords = store.recordsDecisions() && audit.pending() == 0;
            try {
                RunStore.Written w = store.writeOwned(creates.stream().map(c -> storeRecords ? c.run()
                        : new RunStore.NewRun(c.run().run(), c.run().approval(), c.run().action())).toList(), updates,
                        known(creates, updates));
                List<Boolean> stored = w.created();
                lostNow.putAll(w.lost());
                if (!storeRecords) {
                    // the decisions of the runs stored, in the order they were made, then the callers hear
                    List<AuditRecord> records = new ArrayList<>();
                    for (int i = 0; i < creates.size(); i++) {
                        if (stored.get(i)) {
                            records.add(creates.get(i).run().decided());
                        }
                    }
                    audit.recordAll(records);
                }
                commits++;
                written += creates.size() + updates.size();
                for (int i = 0; i < creates.size(); i++) {
                    if (stored.get(i)) {
                        remember(creates.get(i).run().run());
                    }
                }
                for (RunRecord u : updates) {
                    if (w.lost().containsKey(u.runId())) {
                        lastStored.remove(u.runId());
                    } else {
                        remember(u);
                    }
                }
                for (int i = 0; i < creates.size(); i++) {
                    told.accept(new Told(creates.get(i), stored.get(i), null));
                }
                break;
            } catch (RuntimeException e) {
                // nothing of the batch is stored: each create on its own (a key another hub stored
                // meanwhile answers false), its caller told; the run states are retried
                for (Create c : creates) {
                    try {
                        RunStore.NewRun n = c.run();
                        boolean created = store.create(n.run(), n.approval(), n.action());
                        if (created) {
                            audit.recordAll(List.of(n.decided()));
                        } else if (store.run(n.run().runId()).isPresent()) {
                            // the key is held by this very run: the batch did commit and only its answer
                            // failed (a connection lost during COMMIT) - stored, not a duplicate; its
                            // decision went with it only if the store wrote the records
                            created = true;
                            if (!storeRecords) {
                                audit.recordAll(List.of(n.decided()));
                            }
                        }
                        told.accept(new Told(c, created, null));
                    } catch (RuntimeException failure) {
                        told.accept(new Told(c, null, failure));
                    }
                }
                creates = List.of();
                if (updates.isEmpty()) {
                    break;
                }
                if ((stopping || isClosed()) && ++triesClosed > 2) {
                    LOG.log(System.Logger.Level.ERROR, "engine stopping: {0} run state(s) could not be stored ({1});"
                            + " the work waiting for them is dropped", updates.size(), e.getMessage());
                    return false;
                }
                LOG.log(System.Logger.Level.WARNING, "{0} run state(s) could not be stored ({1}); trying again in {2}"
                        + " ms, the engine's next steps on them wait", updates.size(), e.getMessage(), backoff);
                pause(backoff);
                backoff = Math.min(5_000, backoff * 2);
                updates = stillOurs(updates, assembled, dropped);
            }
        }
        return true;
    }

    /** Of {@code updates}, those of runs neither lost nor taken back since {@code assembled}; the others to {@code dropped}. */
    private List<RunRecord> stillOurs(List<RunRecord> updates, long assembled, Set<String> dropped) {
        List<RunRecord> kept = new ArrayList<>(updates.size());
        for (RunRecord u : updates) {
            if (lost.containsKey(u.runId()) || takenBack.getOrDefault(u.runId(), 0L) > assembled) {
                dropped.add(u.runId());
                lastStored.remove(u.runId());
            } else {
                kept.add(u);
            }
        }
        return kept;
    }

    /**
     * What the rows of these updated runs hold: the state last committed, or the run as created in
     * this same batch (created first, in the same transaction).
     */
    private Map<String, RunRecord> known(List<Create> creates, List<RunRecord> updates) {
        for (String runId : unknownRows) {
            if (unknownRows.remove(runId)) { // one told again meanwhile stays for the next commit
                lastStored.remove(runId);
            }
        }
        if (updates.isEmpty()) {
            return Map.of();
        }
        Map<String, RunRecord> created = new HashMap<>();
        for (Create c : creates) {
            created.put(c.run().run().runId(), c.run().run());
        }
        Map<String, RunRecord> known = new HashMap<>();
        for (RunRecord u : updates) {
            RunRecord before = lastStored.get(u.runId());
            if (before == null) {
                before = created.get(u.runId());
            }
            if (before != null) {
                known.put(u.runId(), before);
            }
        }
        return known;
    }

    private void remember(RunRecord committed) {
        if (committed.state() != RunState.RUNNING) {
            lastStored.remove(committed.runId());
            return;
        }
        if (lastStored.size() >= REMEMBERED && !lastStored.containsKey(committed.runId())) {
            lastStored.clear();
        }
        lastStored.put(committed.runId(), committed);
    }

    private static void tell(Create c, Boolean stored, RuntimeException failure) {
        try {
            c.then().accept(stored, failure);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "remediation work after storing run " + c.run().run().runId() + " failed",
                    e);
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Waits before another try; {@link #close} cuts it short (never an interrupt: H2 closes its file on one). */
    private void pause(long millis) {
        synchronized (closing) {
            if (stopping || isClosed()) {
                return;
            }
            try {
                closing.wait(millis);
            } catch (InterruptedException e) {
                // closing
            }
        }
    }

    /**
     * The engine is stopping: what is handed in is still committed, but a batch the store refuses is
     * given up after a few quick tries (its follow-up work dropped) rather than retried for good.
     */
    void stopping() {
        stopping = true;
        synchronized (closing) {
            closing.notifyAll();
        }
    }

    /** Commits what was handed in (its follow-up work runs, or is dropped by closed lanes) and stops. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        synchronized (closing) {
            closing.notifyAll();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
