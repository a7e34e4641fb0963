package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The run store as the engine sees it, answering {@link #targetCounts} from memory while this hub
 * is the only writer of runs to the store ({@link #soleWriter}); otherwise every count is read from
 * the store, as any hub sharing the database must.
 *
 * <p>The runs decisions count (unfinished ones, automatic ones in the blast-radius window) are read
 * from the store once, when the engine starts ({@link #loadAll}); from then on every run this engine
 * stores passes through here after its write returns, so the memory holds what the store holds and
 * a target the memory does not know has no such runs. A write that fails, or a create refused for
 * its key, makes the target's runs be read again ({@link RunStore#targetRuns}) at its next decision,
 * as does a decision whose window starts before the one read. A write that lands while runs are
 * being read wins over the read (it is as new or newer).
 *
 * <p>Should a second writer exist after all (the one-hub rule broken, e.g. during a rolling update),
 * the memory is wrong for a while only: {@link #expire} makes a target read longer ago than a
 * period be read again at its next decision, and forgets a target with nothing to count.
 */
final class TargetFacts extends ForwardingRunStore {
    private final Map<String, Runs> targets = new ConcurrentHashMap<>();
    private final AtomicLong loads = new AtomicLong();
    private volatile boolean soleWriter;
    /** The window start every target was read for at start; null until then (targets are read one by one). */
    private volatile Instant allSince;
    /** When every target was read at start. */
    private volatile Instant allReadAt;
    /** Writes are remembered for every target, known or not (set while and after every target is read). */
    private volatile boolean everyTarget;

    /** Asked at every decision whether memory may answer now: {@link #soleWriter}, and the gate once set. */
    private volatile BooleanSupplier memory = () -> soleWriter;

    private final Clock clock;

    TargetFacts(RunStore store, Clock clock) {
        super(store);
        this.clock = clock;
    }

    /**
     * Whether this engine is the only writer of runs to its store (a hub without a cluster, or alone
     * in it: no other hub writes to its database). Set by {@link SoleWriter} when the spell alone
     * begins or ends (false drops the memory); false (the default) reads every count from the store.
     */
    void soleWriter(boolean value) {
        soleWriter = value;
        everyTarget = false;
        allSince = null;
        allReadAt = null;
        targets.clear();
    }

    /** What decides, before {@link #soleWriter}, whether memory may answer now ({@link SoleWriter}: it may re-read it). */
    void gate(BooleanSupplier value) {
        memory = () -> value.getAsBoolean() && soleWriter;
    }

    boolean isSoleWriter() {
        return soleWriter;
    }

    /**
     * Reads the runs every decision counts, of every target, once (the engine's start, before it
     * decides): from then on a target this hub stored nothing for has nothing to count.
     */
    void loadAll(Instant since) {
        if (!soleWriter) {
            return;
        }
        everyTarget = true;
        Instant readAt = clock.instant();
        List<TargetRun> read = store.targetRuns(since);
        loads.incrementAndGet();
        for (TargetRun r : read) {
            Runs runs = targets.computeIfAbsent(Stripes.key(r.project(), r.targetKind(), r.targetId()), k -> new Runs());
            synchronized (runs) {
                runs.byId.putIfAbsent(r.runId(), r);
            }
        }
        // targets written to while reading are known as well as those read
        for (Runs runs : targets.values()) {
            synchronized (runs) {
                if (runs.loadedSince == null && !runs.forgotten) {
                    runs.loadedSince = since;
                    runs.readAt = readAt;
                }
            }
        }
        allReadAt = readAt;
        allSince = since;
    }

    /**
     * Bounds how long the memory can disagree with the store: every target whose runs were read
     * (or known empty) longer than {@code maxAge} ago is read again at its next decision, and one
     * with nothing to count is dropped from memory (so the map holds the targets with runs and
     * those decided on lately); once the start's read is that old too, a target not in memory is
     * read at its next decision. A target is read at most once per {@code maxAge} this way (and
     * only when decided on). Called by the engine's refresh.
     */
    void expire(Duration maxAge) {
        if (!soleWriter) {
            return;
        }
        Instant before = clock.instant().minus(maxAge);
        // read once: soleWriter(false) may clear both meanwhile (a member joined)
        Instant readAt = allReadAt;
        if (allSince != null && readAt != null && readAt.isBefore(before)) {
            // the start's read is as old: a target not in memory is read at its next decision
            allSince = null;
        }
        for (String key : targets.keySet()) {
            targets.computeIfPresent(key, (k, runs) -> {
                synchronized (runs) {
                    if (runs.loading > 0 || runs.readAt == null || !runs.readAt.isBefore(before)) {
                        return runs;
                    }
                    // a write or decision holding this object tries again with what replaces it
                    runs.retired = true;
                    if (runs.byId.isEmpty()) {
                        return null;
                    }
                    Runs unknown = new Runs();
                    unknown.forgotten = true;
                    return unknown;
                }
            });
        }
    }

    /** How many targets the memory holds (tests). */
    int targetsKept() {
        return targets.size();
    }

    /** How many times runs were read from the store for the counts (tests, benchmarks). */
    long loads() {
        return loads.get();
    }

    /** A target's runs as this hub knows them; guarded by itself. */
    private static final class Runs {
        final Map<String, TargetRun> byId = new HashMap<>();
        /** The earliest window start the runs were read for; null until read. */
        Instant loadedSince;
        int loading;
        /** Its runs are not known (a write failed, a key was taken): read them, never trust the start's read. */
        boolean forgotten;
        /** When the runs were read, or known empty; null while not known. */
        Instant readAt;
        /** Replaced in (or dropped from) the map by {@link #expire}: use what the map holds now. */
        boolean retired;

        Runs() {
        }

        Runs(Instant loadedSince, Instant readAt) {
            this.loadedSince = loadedSince;
            this.readAt = loadedSince == null ? null : readAt;
        }
    }

    /** A target's runs: a new target is known empty once every target was read at start. */
    private Runs runsOf(String key) {
        return targets.computeIfAbsent(key, k -> new Runs(allSince, clock.instant()));
    }

    @Override
    public TargetCounts targetCounts(ProjectId project, String workflow, String targetKind, String targetId,
                                     Instant since) {
        if (!memory.getAsBoolean()) {
            return store.targetCounts(project, workflow, targetKind, targetId, since);
        }
        String key = Stripes.key(project, targetKind, targetId);
        Runs runs;
        while (true) {
            runs = runsOf(key);
            synchronized (runs) {
                if (runs.retired) {
                    continue;
                }
                if (runs.loadedSince != null && !since.isBefore(runs.loadedSince)) {
                    return count(runs, workflow, since);
                }
                runs.loading++;
                break;
            }
        }
        Runs reading = runs;
        List<TargetRun> read;
        try {
            read = store.targetRuns(project, targetKind, targetId, since);
            loads.incrementAndGet();
        } finally {
            synchronized (runs) {
                runs.loading--;
            }
        }
        synchronized (runs) {
            // a write that came in meanwhile is as new as the read or newer: it stays
            read.forEach(r -> reading.byId.putIfAbsent(r.runId(), r));
            runs.forgotten = false;
            runs.readAt = clock.instant();
            runs.loadedSince = runs.loadedSince == null || since.isBefore(runs.loadedSince) ? since : runs.loadedSince;
            return count(runs, workflow, since);
        }
    }

    private static TargetCounts count(Runs runs, String workflow, Instant since) {
        int automatic = 0;
        int active = 0;
        boolean prune = runs.loading == 0;
        boolean pruned = false;
        for (var it = runs.byId.values().iterator(); it.hasNext(); ) {
            TargetRun r = it.next();
            boolean unfinished = !r.state().isFinished();
            boolean inWindow = !r.createdAt().isBefore(since);
            if (r.mode().isAutomatic() && r.state() != RunState.SKIPPED && inWindow) {
                automatic++;
            }
            if (unfinished && r.workflow().equals(workflow)) {
                active++;
            }
            if (prune && !unfinished && !inWindow) {
                // counted by no later decision: windows only move forward (an earlier one reads again)
                it.remove();
                pruned = true;
            }
        }
        if (pruned && since.isAfter(runs.loadedSince)) {
            // what was pruned is gone from memory: an earlier window must read the store
            runs.loadedSince = since;
        }
        return new TargetCounts(automatic, active);
    }

    private void stored(RunRecord run) {
        if (!soleWriter) {
            return;
        }
        String key = Stripes.key(run.project(), run.targetKind(), run.targetId());
        TargetRun now = TargetRun.of(run);
        while (true) {
            Runs runs = everyTarget ? runsOf(key) : targets.get(key);
            if (runs == null) {
                return;
            }
            synchronized (runs) {
                if (runs.retired) {
                    continue;
                }
                // a finished run never becomes unfinished again: a late write of an earlier state
                // (the journal's commit after a lane's update) leaves the finished one
                runs.byId.merge(run.runId(), now, (before, after) ->
                        before.state().isFinished() && !after.state().isFinished() ? before : after);
                return;
            }
        }
    }

    private void forget(RunRecord run) {
        Runs unknown = new Runs();
        unknown.forgotten = true;
        targets.put(Stripes.key(run.project(), run.targetKind(), run.targetId()), unknown);
    }

    private <T> T writing(List<RunRecord> runs, Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            // whether any of it is stored is not known here: read these targets again
            runs.forEach(this::forget);
            throw e;
        }
    }

    // ---- writes: passed on, then remembered

    @Override
    public boolean create(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action) {
        boolean created = writing(List.of(run), () -> store.create(run, approval, action));
        remember(run, created);
        return created;
    }

    private void remember(RunRecord run, boolean created) {
        if (created) {
            stored(run);
        } else {
            // the key is taken by a run this hub may not know (a cron minute, a trigger seen twice): read again
            forget(run);
        }
    }

    @Override
    public void update(RunRecord run) {
        writing(List.of(run), () -> {
            store.update(run);
            return null;
        });
        stored(run);
    }

    /**
     * A waiting run's conditional write (an approval decided, a repair): remembered when it changed the run; when it
     * did not (the run no longer waited: another hub settled it), its target's runs are read again.
     */
    @Override
    public boolean updateWaiting(RunRecord run) {
        boolean wrote = writing(List.of(run), () -> store.updateWaiting(run));
        remember(run, wrote);
        return wrote;
    }

    @Override
    public Written writeOwned(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored) {
        List<RunRecord> all = new ArrayList<>(creates.size() + updates.size());
        creates.forEach(c -> all.add(c.run()));
        all.addAll(updates);
        Written written = writing(all, () -> store.writeOwned(creates, updates, lastStored));
        for (int i = 0; i < creates.size(); i++) {
            remember(creates.get(i).run(), Boolean.TRUE.equals(written.created().get(i)));
        }
        for (RunRecord u : updates) {
            if (written.lost().containsKey(u.runId())) {
                forget(u); // another hub drives it now: its target's runs are read again
            } else {
                stored(u);
            }
        }
        return written;
    }
}
