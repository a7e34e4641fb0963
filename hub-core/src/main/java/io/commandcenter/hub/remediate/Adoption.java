package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Taking over the runs of a hub that is gone (ADR 0028): a hub is gone when its lease in the store
 * lapsed ({@link RunStore#leaseLapsed}: not renewed within the TTL by the store's clock), and a run
 * is adopted only by the one hub whose conditional change of owner ({@link RunStore#adopt}) wins —
 * the statement checks the lease again, so a run whose owner renewed meanwhile is never taken. Each
 * adoption is logged and recorded in the audit ledger ({@code RUN_ADOPTED}).
 */
final class Adoption {
    private static final System.Logger LOG = System.getLogger(Adoption.class.getName());

    private final RunStore runs;
    private final AuditTrail audit;
    private final String hubId;
    private final Duration leaseTtl;
    /** Where a RUNNING run being adopted is held ({@link RunExecutor#adopting}); null: not held (tests). */
    private final RunExecutor holder;
    /**
     * Runs whose change of owner failed without a clear answer, and whose owner could not be read
     * after it, or was read as still the old one: the statement may have committed (or commit yet,
     * in doubt). The next sweeps read them again ({@link #settleUnsure}).
     */
    private final Map<String, Unsure> unsure = new ConcurrentHashMap<>();

    /**
     * A run's adoption ({@link #take}) and the settling of its unsure entry ({@link #settleUnsure})
     * hold the run's lock: whichever comes second sees what the first did, so a run is adopted, and
     * recorded, once. The lease's thread never takes it ({@link #relinquishedAfterItsAdoption}).
     */
    private final Object[] locks = new Object[64];

    /**
     * Runs whose adoption won and whose {@code RUN_ADOPTED} is being recorded (from before the win is
     * told to the holder until it is recorded), each with the give-up a renewal found meanwhile, if
     * one did: recorded by the adoption, after its {@code RUN_ADOPTED} ({@link #relinquishedAfterItsAdoption}).
     */
    private final Map<String, Win> winsBeingRecorded = new ConcurrentHashMap<>();

    /** A give-up to record ({@link #relinquished}). */
    private record GiveUp(RunRecord run, String owner, String how) {
    }

    /**
     * A win being recorded: the run as its adoption read it (which adoption, compared by identity), and
     * the give-up of that adoption a renewal left to it, if any.
     */
    private record Win(RunRecord asRead, Optional<GiveUp> giveUp) {
    }

    /** This hub's RUNNING runs the last sweep found it held in no form, and since when (see {@link #undriven}). */
    private Map<String, Instant> undrivenSince = Map.of();

    /** How many sweeps read an unsure run still owned by its old owner before it is dropped. */
    static final int UNSURE_SWEEPS = 2;

    /** An unsure adoption: the run's owner before it, and the sweeps left that read it again. */
    private record Unsure(String from, int sweepsLeft) {
    }

    /** @param leaseTtl how long a lease outlives its last renewal */
    Adoption(RunStore runs, AuditTrail audit, String hubId, Duration leaseTtl) {
        this(runs, audit, hubId, leaseTtl, null);
    }

    /**
     * @param holder holds each RUNNING run from before its adoption's statement is sent until it is
     *               taken up ({@link RunExecutor#adopting}), so that a renewal ending a stall checks it
     *               however late the adoption's answer comes
     */
    Adoption(RunStore runs, AuditTrail audit, String hubId, Duration leaseTtl, RunExecutor holder) {
        this.runs = runs;
        this.audit = audit;
        this.hubId = hubId;
        this.leaseTtl = leaseTtl;
        this.holder = holder;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    private Object lockOf(String runId) {
        return locks[Math.floorMod(runId.hashCode(), locks.length)];
    }

    String hubId() {
        return hubId;
    }

    /** Whether a run owned by {@code owner} may be taken over now (never one of this hub's). */
    boolean mayAdopt(String owner) {
        return !owner.equals(hubId) && runs.leaseLapsed(owner, leaseTtl);
    }

    /**
     * {@link #mayAdopt}, each owner asked once for the life of the returned test (one sweep over many
     * runs asks the store once per hub, not once per run).
     */
    Predicate<String> sweep() {
        Map<String, Boolean> asked = new HashMap<>();
        return owner -> asked.computeIfAbsent(owner, this::mayAdopt);
    }

    /**
     * Makes this hub the run's owner, if its owner (as read) still is: the run as this hub's now,
     * or empty when another hub adopted it first (nothing recorded then). A RUNNING run is held here
     * from before the statement is sent ({@link RunExecutor#adopting}), the caller takes it up next
     * and ends the hold ({@link RunExecutor#notAdopting}); a run not won is no longer held. A win
     * answered after this hub gave the run up (a renewal ending a stale spell read another hub as its
     * owner meanwhile) is empty too, and records nothing: the run is not this hub's to drive.
     */
    Optional<RunRecord> take(RunRecord run, String why) {
        return take(run, why, false);
    }

    /**
     * {@link #take(RunRecord, String)} for a caller that answers someone (a cancel).
     *
     * @throws CommandCenterException CONTENTION ({@value RunStore#STORE_CONFLICT}) when the store
     *                                rolled the adoption back for certain (a conflict, a lock waited
     *                                for too long): not adopted, nothing in doubt; asking again may win
     */
    Optional<RunRecord> takeAsked(RunRecord run, String why) {
        return take(run, why, true);
    }

    private Optional<RunRecord> take(RunRecord run, String why, boolean conflictThrown) {
        String runId = run.runId();
        synchronized (lockOf(runId)) {
            boolean held = holder != null && run.state() == RunState.RUNNING && holder.adopting(run);
            Optional<RunRecord> ours = Optional.empty();
            try {
                ours = takeLocked(run, why, won -> !held || holder.adopted(runId), conflictThrown);
            } finally {
                if (held && ours.isEmpty()) {
                    holder.notAdopting(runId, run);
                }
            }
            return ours;
        }
    }

    /**
     * @param heard told of a win before it is recorded: false when the run was given up meanwhile
     *              (nothing recorded then, and the run is not this hub's)
     */
    private Optional<RunRecord> takeLocked(RunRecord run, String why, Predicate<RunRecord> heard,
                                           boolean conflictThrown) {
        String from = run.hubId();
        boolean won;
        try {
            won = runs.adopt(run.runId(), from, hubId, leaseTtl);
        } catch (CommandCenterException e) {
            if (!isStoreConflict(e)) {
                return unanswered(run, from, why, heard, e);
            }
            if (conflictThrown) {
                throw new CommandCenterException(ErrorKind.CONTENTION, RunStore.STORE_CONFLICT, "run " + run.runId()
                        + " of hub " + from + " (gone) was not adopted: the store rolled its adoption back ("
                        + e.getMessage() + "); try again", Map.of(), List.of(), e);
            }
            // rolled back for certain (a deadlock or a serialization conflict every try, or a lock waited
            // for too long): not adopted, nothing in doubt; a later sweep may try again
            LOG.log(System.Logger.Level.WARNING, "adopting run {0} of hub {1} was rolled back by the store (a conflict, or"
                    + " a lock waited for too long): not adopted ({2})", run.runId(), from, e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            return unanswered(run, from, why, heard, e);
        }
        return won ? wonNow(run, from, why, heard) : notWon(run, from);
    }

    private static boolean isStoreConflict(CommandCenterException e) {
        return e.kind() == ErrorKind.CONTENTION && RunStore.STORE_CONFLICT.equals(e.reason());
    }

    /**
     * After an adoption that failed without an answer: the statement may have committed and only its
     * answer been lost (a connection lost during COMMIT), so who owns the run now says which (when that
     * read fails too, the next sweep asks).
     */
    private Optional<RunRecord> unanswered(RunRecord run, String from, String why, Predicate<RunRecord> heard,
                                           RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "adopting run {0} of hub {1} failed without an answer ({2}): reading"
                + " its owner", run.runId(), from, e.getMessage());
        Optional<RunRecord> now;
        try {
            now = runs.run(run.runId());
        } catch (RuntimeException readFailed) {
            // unsure only now, for the next sweeps: one settling it while this read ran would take it
            // up a second time
            unsure.put(run.runId(), new Unsure(from, UNSURE_SWEEPS));
            throw readFailed;
        }
        if (now.map(r -> r.hubId().equals(from)).orElse(false)) {
            unsure.put(run.runId(), new Unsure(from, UNSURE_SWEEPS)); // still the old owner: in doubt
        }
        return now.map(r -> r.hubId().equals(hubId)).orElse(false) ? wonNow(run, from, why, heard)
                : notWon(run, from);
    }

    private static Optional<RunRecord> notWon(RunRecord run, String from) {
        LOG.log(System.Logger.Level.INFO, "run {0} of hub {1}: another hub adopted it first, or hub {1} renewed"
                + " its lease", run.runId(), from);
        return Optional.empty();
    }

    private Optional<RunRecord> wonNow(RunRecord run, String from, String why, Predicate<RunRecord> heard) {
        unsure.remove(run.runId()); // an earlier try that stayed in doubt: settled now, not by a later sweep
        RunRecord ours = run.ownedBy(hubId);
        // before the holder hears of the win: a give-up that sees it won before RUN_ADOPTED is recorded
        // leaves its record here, to follow it
        winsBeingRecorded.put(run.runId(), new Win(run, Optional.empty()));
        Throwable failed = null;
        try {
            if (!heard.test(ours)) {
                LOG.log(System.Logger.Level.WARNING, "run {0}: its adoption from hub {1} by hub {2} won, but the answer"
                        + " came after hub {2} gave the run up (another hub owns it, read at the renewal that ended a"
                        + " stale lease): not taken up here, nothing recorded", run.runId(), from, hubId);
                return Optional.empty();
            }
            adopted(run, from, why);
            return Optional.of(ours);
        } catch (RuntimeException | Error e) {
            failed = e;
            throw e;
        } finally {
            Optional<GiveUp> left = winsBeingRecorded.remove(run.runId()).giveUp();
            if (left.isPresent()) {
                recordLeft(left.get(), failed);
            }
        }
    }

    /**
     * Records a give-up left to an adoption whose win was being recorded, once that is done: not when
     * it failed ({@code failed}), as its {@code RUN_ADOPTED} may be missing then (logged instead); a
     * failure of this record itself is attached to {@code failed} when there is one, never hiding it.
     */
    private void recordLeft(GiveUp g, Throwable failed) {
        if (failed == null) {
            relinquished(g.run(), g.owner(), g.how());
            return;
        }
        try {
            LOG.log(System.Logger.Level.WARNING, "run {0} was given up to hub {1} ({2}), but recording its adoption by"
                    + " hub {3} failed: its RUN_RELINQUISHED is not recorded either", g.run().runId(), g.owner(),
                    g.how(), hubId);
        } catch (RuntimeException e) {
            failed.addSuppressed(e);
        }
    }

    private void adopted(RunRecord run, String from, String why) {
        LOG.log(System.Logger.Level.INFO, "run {0} ({1}) adopted from hub {2}, whose lease lapsed, by hub {3}: {4}",
                run.runId(), run.state(), from, hubId, why);
        audit.record(AuditAction.RUN_ADOPTED, run.project().value(), "hub:" + hubId, "run:" + run.runId(),
                AuditRecord.detail("from", from, "to", hubId, "state", run.state().name().toLowerCase(Locale.ROOT),
                        "workflow", run.workflow(), "target", run.targetKind() + ":" + run.targetId(), "why", why));
    }

    /**
     * The RUNNING runs whose adoption failed without an answer (see {@link #take}) and that turned
     * out to be this hub's: adopted after all (logged and recorded now), for the caller to take up.
     * A run whose owner still cannot be read stays for the next call; one still owned by its old
     * owner is read again by the next {@link #UNSURE_SWEEPS} calls in all, then dropped. Each entry
     * is claimed before it is read, so calls at once (the timer's sweep, a cluster's) settle it once,
     * and a run's settling and its {@link #take} hold the run's lock, so they adopt it once.
     */
    List<RunRecord> settleUnsure() {
        List<RunRecord> ours = new ArrayList<>();
        for (String runId : List.copyOf(unsure.keySet())) {
            synchronized (lockOf(runId)) {
                settleLocked(runId).ifPresent(ours::add);
            }
        }
        return ours;
    }

    private Optional<RunRecord> settleLocked(String runId) {
        // claimed before it is read: a sweep at the same time (the timer's, a cluster's) leaves it be
        Unsure u = unsure.remove(runId);
        if (u == null) {
            return Optional.empty();
        }
        Optional<RunRecord> run;
        try {
            run = runs.run(runId);
        } catch (RuntimeException e) {
            unsure.put(runId, u);
            throw e;
        }
        if (run.isPresent() && run.get().hubId().equals(u.from()) && u.sweepsLeft() > 1) {
            // the change of owner may commit still (in doubt): read again by the next sweep
            unsure.put(runId, new Unsure(u.from(), u.sweepsLeft() - 1));
            return Optional.empty();
        }
        Optional<RunRecord> ours = run.filter(r -> r.hubId().equals(hubId) && r.state() == RunState.RUNNING);
        ours.ifPresent(r -> adopted(r, u.from(), "its owner is gone (the answer to its adoption was lost)"));
        return ours;
    }

    /**
     * Of this hub's RUNNING runs that it holds in no form now ({@code notHeld}, seen by a sweep at
     * {@code now}), those that a sweep at least half the lease TTL earlier found so too: driven by
     * nobody (an adoption won without this hub hearing it, say), for the caller to take up again. The
     * wait leaves a run that was being stored, launched or taken up at one sweep out of it.
     */
    synchronized List<RunRecord> undriven(List<RunRecord> notHeld, Instant now) {
        Map<String, Instant> seen = new HashMap<>();
        List<RunRecord> twice = new ArrayList<>();
        for (RunRecord r : notHeld) {
            Instant first = undrivenSince.get(r.runId());
            if (first != null && !first.plus(leaseTtl.dividedBy(2)).isAfter(now)) {
                twice.add(r);
            } else {
                seen.put(r.runId(), first != null ? first : now);
            }
        }
        undrivenSince = seen;
        return twice;
    }

    /**
     * Logs (once per run: the caller reports each run once) and records in the audit ledger
     * ({@code RUN_RELINQUISHED}) that this hub gave up {@code run}, which {@code owner} adopted
     * while this hub stalled; {@code how}: how this hub found out.
     */
    void relinquished(RunRecord run, String owner, String how) {
        LOG.log(System.Logger.Level.WARNING, "run {0} ({1} on {2}) is driven by hub {3} now, which adopted it while hub"
                + " {4} stalled ({5}): hub {4} stops driving it and writes nothing of it", run.runId(), run.workflow(),
                run.targetId(), owner, hubId, how);
        audit.record(AuditAction.RUN_RELINQUISHED, run.project().value(), "hub:" + hubId, "run:" + run.runId(),
                AuditRecord.detail("from", hubId, "to", owner, "workflow", run.workflow(),
                        "target", run.targetKind() + ":" + run.targetId(), "how", how));
    }

    /**
     * {@link #relinquished} of a run a renewal found owned by another hub, after the {@code RUN_ADOPTED}
     * of this hub's adoption of it when that win is being recorded now (the renewal saw it won): left
     * for the adoption to record right after its {@code RUN_ADOPTED}, otherwise recorded now. Only the
     * adoption whose note the give-up removed ({@code adoptedAs}, the run as that adoption read it; null:
     * none) is left the record: a win of another adoption of the run is not this give-up's. Takes no
     * lock and waits for no other thread: the lease's thread calls it.
     */
    void relinquishedAfterItsAdoption(RunRecord run, String owner, String how, RunRecord adoptedAs) {
        boolean[] left = new boolean[1];
        winsBeingRecorded.computeIfPresent(run.runId(), (id, win) -> {
            if (adoptedAs == null || win.asRead() != adoptedAs) {
                return win;
            }
            left[0] = true;
            return new Win(win.asRead(), Optional.of(new GiveUp(run, owner, how)));
        });
        if (!left[0]) {
            relinquished(run, owner, how);
        }
    }
}
