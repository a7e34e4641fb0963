package io.commandcenter.hub.agents;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.scheduler.BuiltInAgent;
import io.commandcenter.scheduler.DaemonThreads;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.pool.Dispatched;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;

/**
 * The agents built into every hub — {@code devops} and {@code notifier} — connected to the
 * scheduler through the same port remote agents use ({@link BuiltInAgent}). Each serves every
 * project under the id {@code <type>:<hub>}.
 *
 * <p>A failed action is reported as {@code REASON: message}: the workflow engine reads the reason
 * (and the workflow's {@code retry.non_retryable}) to decide whether to try again.
 */
public final class HubAgents implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HubAgents.class.getName());

    /** What an agent does: one action with its inputs; failures are results, never exceptions. */
    @FunctionalInterface
    public interface Actions {
        ActionResult execute(String action, Map<String, String> inputs);
    }

    /**
     * What an agent does when it needs to know whose task it runs: the project, the workflow run and
     * node it belongs to, and its target (the learning loop's agents keep per-run state).
     */
    @FunctionalInterface
    public interface TaskActions {
        ActionResult execute(Task task, String action, Map<String, String> inputs);
    }

    /**
     * Whose task an action runs.
     *
     * @param workflowRunId "" for a task submitted outside a workflow
     * @param targetKind    "" when the task has no target
     * @param revoked       true once the task's lease is revoked (its run cancelled, the hub closing): an
     *                      action that is not interruptible stops at its next safe point
     */
    public record Task(String project, String workflowRunId, String nodeId, String targetKind, String targetId,
                       BooleanSupplier revoked) {
        public Task {
            Objects.requireNonNull(revoked, "revoked");
        }

        /** A task never revoked (tests, direct calls). */
        public Task(String project, String workflowRunId, String nodeId, String targetKind, String targetId) {
            this(project, workflowRunId, nodeId, targetKind, targetId, () -> false);
        }
    }

    /**
     * A started agent and the executor that runs its tasks: at close, stopped with an interrupt when the agent is
     * interruptible; otherwise it stops taking work and its tasks are left to end.
     */
    private record Started(BuiltInAgent agent, ExecutorService executor, boolean interruptible) {
    }

    private final List<Started> started = new ArrayList<>();
    private final List<BuiltInAgent> uninterruptedAgents = new ArrayList<>();

    private HubAgents() {
    }

    /**
     * An agent type: the actions it declares, what runs them, how many it runs at once on this hub
     * ({@code capacity}; 0: the hub's {@code cc.agents.capacity}), and whether a revoked task or the
     * hub's close may interrupt its thread ({@code interruptible}; false for actions that read or write
     * the embedded database, which answers an interrupt by closing its file: they stop on their own).
     */
    public record Agent(String type, Set<String> actions, TaskActions body, int capacity, boolean interruptible) {
        public Agent {
            if (capacity < 0) {
                throw new IllegalArgumentException("capacity must be >= 0");
            }
        }

        /** An interruptible agent. */
        public Agent(String type, Set<String> actions, TaskActions body, int capacity) {
            this(type, actions, body, capacity, true);
        }

        /** An agent whose actions need only their inputs, at the hub's capacity. */
        public Agent(String type, Set<String> actions, Actions body) {
            this(type, actions, (task, action, inputs) -> body.execute(action, inputs), 0);
        }
    }

    /** The built-in agents: devops (restart, scale, rollback) and notifier (sendSlack, webhook). */
    public static List<Agent> builtIn(DevopsActions devops, NotifierActions notifier) {
        return List.of(new Agent("devops", DevopsActions.ACTIONS, (TaskActions) devops::execute, 0),
                new Agent("notifier", NotifierActions.ACTIONS, notifier::execute));
    }

    /**
     * Connects each agent for this hub, up to {@code capacity} tasks at once each; each heartbeats on its own
     * thread ({@code cc-heartbeat-<type>:<hub>}), so one held by a pool that cannot be reached holds back no
     * other.
     */
    public static HubAgents start(Scheduler scheduler, String hubId, int capacity, List<Agent> agents) {
        HubAgents hub = new HubAgents();
        try {
            for (Agent a : agents) {
                hub.add(scheduler, a, hubId, a.capacity() == 0 ? capacity : a.capacity());
            }
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
        return hub;
    }

    private void add(Scheduler scheduler, Agent agent, String hubId, int capacity) {
        String type = agent.type();
        ExecutorService executor = Executors.newFixedThreadPool(capacity,
                DaemonThreads.numbered("cc-agent-" + type + "-"));
        AgentRegistration registration = new AgentRegistration(type + ":" + hubId, type, agent.actions(),
                Map.of("builtin", "true"), capacity, Set.of(AgentRegistration.ALL_PROJECTS), AgentRegistration.HUB_OWNER);
        BuiltInAgent connected;
        try {
            connected = BuiltInAgent.start(scheduler, registration,
                    (BuiltInAgent.RevocableAction) (work, revoked) -> run(agent.body(), work, revoked), executor,
                    agent.interruptible());
        } catch (RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        started.add(new Started(connected, executor, agent.interruptible()));
        if (!agent.interruptible()) {
            uninterruptedAgents.add(connected);
        }
    }

    /** Runs one task, telling it when its lease is revoked: its output on success; a {@link BuiltInAgent.Failure} naming the reason otherwise. */
    static String run(TaskActions body, Dispatched work, BooleanSupplier revoked) throws BuiltInAgent.Failure {
        Map<String, String> inputs = inputs(work.spec().inputsJson());
        if (inputs == null) {
            throw new BuiltInAgent.Failure("INVALID_INPUT: the task's inputs are not a JSON object", false);
        }
        var spec = work.spec();
        Task task = new Task(spec.project(), spec.workflowRunId(), spec.nodeId(),
                spec.target() == null ? "" : spec.target().kind(), spec.target() == null ? "" : spec.target().id(),
                revoked);
        ActionResult result = body.execute(task, spec.capability().action(), inputs);
        if (!result.ok()) {
            throw new BuiltInAgent.Failure(result.reason() + ": " + result.message(), result.retryable());
        }
        return result.output();
    }

    /** The inputs as text values (nested values as their JSON); null when they are not a JSON object. */
    static Map<String, String> inputs(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            if (!(Json.parse(json) instanceof Map<?, ?> object)) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            object.forEach((name, value) -> out.put((String) name,
                    value instanceof String text ? text : Json.write(value)));
            return out;
        } catch (JsonException e) {
            return null;
        }
    }

    /**
     * Waits, at most {@code bound} in all, until the agents that are not interruptible run no task and have
     * reported the last one's result (ask their tasks to stop first).
     *
     * @return false when the bound passed first
     */
    public boolean awaitUninterrupted(Duration bound) {
        return awaitEach(uninterruptedAgents, bound, BuiltInAgent::awaitIdle);
    }

    /**
     * Closes the agents one after the other: each stops heartbeating, revokes its tasks (interrupting them when it
     * is interruptible; a task of an agent that is not interruptible is left to end on its own thread: stop it
     * first, the learning loop's {@code stop}), disconnects, and only then has its executor shut down. An agent
     * whose disconnect waits on a pool that does not answer holds back the agents after it, which stay connected
     * and keep running what they are given until their turn: none is given a task it can no longer run (its
     * executor shut down while it is still connected, the task handed straight back to it, again and again). A
     * disconnect that fails (its pool's state gone) is logged and the next agent is closed all the same.
     */
    @Override
    public void close() {
        for (Started s : started) {
            try {
                s.agent().close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "built-in agent " + s.agent().connection().agentId()
                        + " did not disconnect; its session ends as a lost hub's does (its leases expire)", e);
            } finally {
                if (s.interruptible()) {
                    s.executor().shutdownNow();
                } else {
                    s.executor().shutdown();
                }
            }
        }
    }

    /**
     * Waits, at most {@code bound} in all, until every agent's heartbeat thread has ended (after {@link #close};
     * a heartbeat blocked on the shared state ends when that state closes).
     *
     * @return false when the bound passed first
     */
    public boolean awaitStopped(Duration bound) {
        return awaitEach(started.stream().map(Started::agent).toList(), bound, BuiltInAgent::awaitStopped);
    }

    /** Waits on each agent in turn with what is left of {@code bound}; false at the first that was not in time. */
    private static boolean awaitEach(List<BuiltInAgent> agents, Duration bound,
                                     BiPredicate<BuiltInAgent, Duration> await) {
        long deadline = System.nanoTime() + bound.toNanos();
        for (BuiltInAgent a : agents) {
            if (!await.test(a, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }
}
