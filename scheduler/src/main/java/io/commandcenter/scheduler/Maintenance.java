package io.commandcenter.scheduler;

import io.commandcenter.scheduler.events.Delegation;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.federation.DelegationPlan;
import io.commandcenter.scheduler.federation.FederationPolicy;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.HubLoad;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.SweepReport;
import io.commandcenter.scheduler.pool.TargetRelease;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskState;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What each hub does periodically, and when a cluster peer leaves. Every step is idempotent, so
 * all hubs run it and none coordinates: a lease expired by one hub is not expired again by
 * another, a target released twice is released once.
 */
final class Maintenance {
    private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());

    private final Scheduler scheduler;
    /** Per pool: a pool that cannot be reached fails every sweep; its log says so once per interval. */
    private final Map<String, QuietLog> quiet = new ConcurrentHashMap<>();

    Maintenance(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    private QuietLog quiet(String what) {
        return quiet.computeIfAbsent(what, w -> new QuietLog(LOG, Duration.ofSeconds(30)));
    }

    /**
     * Marks sessions that ended here disconnected in their pools when that failed before; then, for every
     * pool: vouches for this hub's connected agents, expires leases (telling their agents), disconnects
     * silent agents, drops old finished tasks, redoes target releases and acquisitions a failed hub left
     * halfway, and dispatches.
     */
    void sweep() {
        scheduler.agents().disconnectUntold(); // before the pools' dispatch below: none chooses a session ended here
        for (String type : scheduler.agentTypes()) {
            try {
                sweep(type);
            } catch (RuntimeException e) {
                // one pool that cannot be reached (or fails) must not end the round for the pools after it
                quiet("sweep " + type).warn("sweeping the pool of agent type " + type + " (the other pools are swept)",
                        e);
            }
        }
    }

    /** One pool's part of {@link #sweep()}. */
    private void sweep(String type) {
        Map<String, String> sessions = scheduler.agents().sessions(type);
        if (!sessions.isEmpty()) {
            scheduler.state().pool(type, scheduler.config(), new PoolOps.Touch(sessions, scheduler.now()));
        }
        SweepReport report = scheduler.state().pool(type, scheduler.config(), new PoolOps.Sweep(scheduler.now()));
        // the sweep is applied: from here on each item of its report is acted on on its own, so one
        // that fails (an agent's revocation, a gate) loses nothing of the rest
        List<SchedulerEvent> events = new ArrayList<>();
        for (Task task : report.changed()) {
            events.add(new SchedulerEvent.TaskChanged(task, SchedulerEvent.TaskChanged.changeOf(task),
                    scheduler.hubId(), scheduler.clock().instant()));
        }
        try {
            // without a background publisher this calls the mesh at once: a mesh that fails must not
            // cost the revocations, releases and redrives below
            scheduler.publish(events);
        } catch (RuntimeException e) {
            quiet("publishing " + type).warn("publishing the sweep's events of the pool of agent type " + type, e);
        }
        each(type, "revoking a lease", report.revocations(), scheduler.agents()::revoke);
        each(type, "releasing a target", report.pendingReleases(), r -> scheduler.releaseTarget(type, r));
        each(type, "redriving a waiting task", report.stuckWaiting(), waiting -> {
            if (scheduler.acquireTarget(type, waiting).state() == TaskState.QUEUED) {
                LOG.log(Level.DEBUG, "task {0} got its target on a redrive", waiting.id());
            }
        });
        if (!report.disconnected().isEmpty()) {
            LOG.log(Level.INFO, "agents of type {0} disconnected for silence: {1}", type, report.disconnected());
        }
        scheduler.signal(type);
    }

    private <T> void each(String type, String what, List<T> items, Consumer<T> action) {
        for (T item : items) {
            try {
                action.accept(item);
            } catch (RuntimeException e) {
                quiet(what + " " + type).warn(what + " of the pool of agent type " + type + " after its sweep", e);
            }
        }
    }

    /** A cluster peer left: its agents' streams are gone; their leases run until they expire. */
    void peerLost(String peerId) {
        for (String type : scheduler.agentTypes()) {
            try {
                List<String> lost = scheduler.state().pool(type, scheduler.config(),
                        new PoolOps.PeerLost(peerId, scheduler.now()));
                if (!lost.isEmpty()) {
                    LOG.log(Level.INFO, "peer {0} left: agents {1} of type {2} disconnected", peerId, lost, type);
                }
                scheduler.signal(type);
            } catch (RuntimeException e) {
                // a peer's loss is rare and each one matters: logged in full, not throttled per pool
                LOG.log(Level.WARNING, "handling the loss of peer " + peerId + " in the pool of agent type " + type
                        + " failed (its agents stay connected until their silence is noticed)", e);
            }
        }
    }

    /** One round of the meta hub (see {@link FederationPolicy}). */
    FederationReport rebalance() {
        long now = scheduler.now();
        List<HubLoad> loads = new ArrayList<>();
        scheduler.state().pools(scheduler.config(), new PoolOps.HubLoads(now)).values().forEach(loads::addAll);
        List<DelegationPlan> plans = FederationPolicy.plan(loads, now,
                scheduler.settings().saturationWait().toMillis());
        List<Delegation> made = new ArrayList<>();
        if (scheduler.settings().delegation()) {
            for (DelegationPlan plan : plans) {
                List<Task> tasks = scheduler.state().pool(plan.agentType(), scheduler.config(),
                        new PoolOps.Delegate(plan.action(), plan.fromHub(), plan.toHub(), plan.count(), now));
                for (Task task : tasks) {
                    made.add(new Delegation(task.id(), task.project(), task.spec().capability().toString(),
                            plan.fromHub(), plan.toHub(), scheduler.hubId(), scheduler.clock().instant(),
                            plan.backlog(), plan.freeSlots()));
                }
                if (!tasks.isEmpty()) {
                    scheduler.signal(plan.agentType());
                }
            }
            List<SchedulerEvent> events = new ArrayList<>();
            made.forEach(d -> events.add(new SchedulerEvent.TaskDelegated(d)));
            scheduler.publish(events);
        }
        return new FederationReport(loads, plans, made);
    }
}
