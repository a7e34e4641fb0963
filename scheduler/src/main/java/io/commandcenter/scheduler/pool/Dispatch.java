package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.AgentScorer;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.agents.Score;
import io.commandcenter.scheduler.agents.SuccessRate;
import io.commandcenter.scheduler.fairqueue.QueuedTask;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.TaskState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One dispatch over a pool: repeatedly the next task in fair order that some agent can take, then
 * the best of those agents by {@link AgentScorer}, leased with a fresh fencing token — up to a
 * batch size, all inside one atomic operation on the pool.
 *
 * <p>An agent can take a task when it is connected, declares the task's action (or {@code *}),
 * serves the task's project, has a free slot, sits on an allowed hub (placement ORIGIN_HUB: the
 * origin hub or one the task was delegated to), and — unless the task is remediation work —
 * taking the slot would not eat into capacity reserved ahead of predicted load
 * ({@link io.commandcenter.scheduler.capacity.SpikeAnticipator}).
 *
 * <p>Under the ROUND_ROBIN policy (the benchmark baseline) there is no score: the first agent
 * that can take the task, in id order after the one that got the previous task, gets it.
 *
 * <p>Idempotent per request id and hub: a dispatch retried after a member loss (Hazelcast re-runs
 * an operation whose member died before answering) returns the decisions of the first run instead
 * of making new ones.
 */
final class Dispatch {
    private final PoolState pool;
    private final String hubId;
    private final long now;
    private final PoolConfig config;
    private final List<AgentEntry> open = new ArrayList<>();
    private final TreeMap<String, Integer> reserve = new TreeMap<>();
    /** Per reserved action, the free slots of the open agents that run it (kept as slots are leased). */
    private final TreeMap<String, Integer> reservedFree = new TreeMap<>();
    private Choice chosen;

    private record Choice(AgentEntry agent, Score score, int candidates, boolean usedReserve) {
    }

    private Dispatch(PoolState pool, String hubId, long now, PoolConfig config) {
        this.pool = pool;
        this.hubId = hubId;
        this.now = now;
        this.config = config;
        for (AgentEntry a : pool.agents.values()) {
            if (a.free() > 0) {
                open.add(a);
            }
        }
        if (!pool.anticipator.isIdle()) {
            for (String action : pool.anticipator.actions()) {
                int r = pool.anticipator.reserve(action, now, capacityFor(pool, action), config.anticipation());
                if (r > 0) {
                    reserve.put(action, r);
                }
            }
            for (String action : reserve.keySet()) {
                int free = 0;
                for (AgentEntry a : open) {
                    if (a.registration.match(action) > 0) {
                        free += a.free();
                    }
                }
                reservedFree.put(action, free);
            }
        }
    }

    /** Runs a dispatch of at most {@code max} assignments for {@code hubId}. */
    static List<Dispatched> run(PoolState pool, String requestId, String hubId, int max, long now, PoolConfig config) {
        PoolState.DispatchMemo memo = pool.lastDispatch.get(hubId);
        if (memo != null && memo.requestId().equals(requestId)) {
            return memo.result();
        }
        List<Dispatched> out = new ArrayList<>();
        if (pool.queue.size() > 0) {
            Dispatch dispatch = new Dispatch(pool, hubId, now, config);
            while (out.size() < max) {
                Dispatched next = dispatch.next();
                if (next == null) {
                    break;
                }
                out.add(next);
            }
        }
        if (out.isEmpty()) {
            pool.lastDispatch.remove(hubId);
        } else {
            pool.lastDispatch.put(hubId, new PoolState.DispatchMemo(requestId, List.copyOf(out)));
        }
        return out;
    }

    /** Slots of connected agents that run the action. */
    static int capacityFor(PoolState pool, String action) {
        int capacity = 0;
        for (AgentEntry a : pool.agents.values()) {
            if (a.state == AgentState.CONNECTED && a.registration.match(action) > 0) {
                capacity += a.capacity();
            }
        }
        return capacity;
    }

    private Dispatched next() {
        open.removeIf(a -> a.free() == 0);
        if (open.isEmpty()) {
            return null;
        }
        QueuedTask task = pool.queue.firstEligible(t -> (chosen = choose(pool.tasks.get(t.taskId()))) != null,
                config.perFlowScan(), config.totalScan());
        return task == null ? null : assign(pool.tasks.get(task.taskId()), chosen);
    }

    private Choice choose(TaskEntry e) {
        if (pool.queue.policy() == io.commandcenter.scheduler.fairqueue.FairQueue.Policy.ROUND_ROBIN) {
            return rotate(e);
        }
        String action = e.spec.capability().action();
        boolean remediation = e.spec.isRemediation();
        AgentEntry best = null;
        double bestTotal = 0;
        boolean bestEats = false;
        int candidates = 0;
        for (AgentEntry a : open) {
            double match = a.registration.match(action);
            int free = a.free();
            if (match == 0 || free == 0 || !a.registration.serves(e.spec.project())) {
                continue;
            }
            if (e.spec.placement() == Placement.ORIGIN_HUB && !a.hubId.equals(e.originHub)
                    && !e.delegated.contains(a.hubId)) {
                continue;
            }
            boolean eats = !reserve.isEmpty() && eatsReserve(a);
            if (eats && !remediation) {
                continue;
            }
            candidates++;
            double total = AgentScorer.total(match, free, a.capacity(), a.load,
                    a.success.getOrDefault(action, SuccessRate.NONE), now, config.successHalfLifeMillis(),
                    a.hubId.equals(e.originHub), a.registration.labels(), e.spec.affinity(), config.weights());
            if (best == null || total > bestTotal || total == bestTotal && free > best.free()) {
                best = a;
                bestTotal = total;
                bestEats = eats;
            }
        }
        if (best == null) {
            return null;
        }
        Score score = AgentScorer.score(best.registration.match(action), best.free(), best.capacity(), best.load,
                best.success.getOrDefault(action, SuccessRate.NONE), now, config.successHalfLifeMillis(),
                best.hubId.equals(e.originHub), best.registration.labels(), e.spec.affinity(), config.weights());
        return new Choice(best, score, candidates, bestEats);
    }

    /** The baseline's choice: the next agent in rotation that can take the task; no score. */
    private Choice rotate(TaskEntry e) {
        AgentEntry first = null;
        for (AgentEntry a : open) {
            if (!canTake(a, e)) {
                continue;
            }
            if (a.id().compareTo(pool.lastAgent) > 0) {
                return unscored(a);
            }
            if (first == null) {
                first = a;
            }
        }
        return first == null ? null : unscored(first);
    }

    private Choice unscored(AgentEntry a) {
        return new Choice(a, new Score(0, 0, 0, 0, 0, config.weights()), 0, false);
    }

    private boolean canTake(AgentEntry a, TaskEntry e) {
        return a.free() > 0 && a.registration.match(e.spec.capability().action()) > 0
                && a.registration.serves(e.spec.project())
                && (e.spec.placement() != Placement.ORIGIN_HUB || a.hubId.equals(e.originHub)
                || e.delegated.contains(a.hubId))
                && (reserve.isEmpty() || e.spec.isRemediation() || !eatsReserve(a));
    }

    /** Whether taking one slot of the agent leaves fewer free slots than reserved for an action it runs. */
    private boolean eatsReserve(AgentEntry agent) {
        for (var r : reserve.entrySet()) {
            if (agent.registration.match(r.getKey()) > 0 && reservedFree.get(r.getKey()) - 1 < r.getValue()) {
                return true;
            }
        }
        return false;
    }

    /** The agent gave up one slot: one fewer free slot for each reserved action it runs. */
    private void slotTaken(AgentEntry agent) {
        for (var r : reservedFree.entrySet()) {
            if (agent.registration.match(r.getKey()) > 0) {
                r.setValue(r.getValue() - 1);
            }
        }
    }

    private Dispatched assign(TaskEntry e, Choice choice) {
        AgentEntry agent = choice.agent();
        long token = pool.nextToken++;
        e.attempt++;
        double finish = pool.queue.serve(e.id);
        Assignment assignment = new Assignment(e.id, e.spec.project(), e.spec.capability().toString(),
                e.spec.workflow(), pool.agentType, agent.id(), agent.hubId, hubId, e.originHub, token, e.attempt,
                Instant.ofEpochMilli(now), Instant.ofEpochMilli(now + config.leaseMillis()),
                Duration.ofMillis(Math.max(0, now - e.queuedSince)), choice.score(), choice.candidates(), finish,
                choice.usedReserve());
        e.move(TaskState.ASSIGNED, "", now);
        e.leased(assignment, now, pool.lastApplied, config);
        e.progress = null;
        agent.leases.add(e.id);
        slotTaken(agent);
        pool.lastAgent = agent.id();
        pool.recent.addLast(assignment);
        while (pool.recent.size() > config.recentAssignments()) {
            pool.recent.pollFirst();
        }
        return new Dispatched(assignment, e.spec, agent.sessionId);
    }
}
