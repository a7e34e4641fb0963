package io.commandcenter.scheduler;

import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.mesh.SchedulerMesh;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.state.SchedulerState;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.PredictionCause;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.testing.Backend;
import io.commandcenter.scheduler.testing.EventLog;
import io.commandcenter.scheduler.testing.HeldState;
import io.commandcenter.scheduler.testing.MutableClock;
import io.commandcenter.scheduler.testing.TestAgent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * What every {@link io.commandcenter.scheduler.state.SchedulerState} and
 * {@link io.commandcenter.scheduler.mesh.SchedulerMesh} must give the scheduler, proved through the
 * scheduler's own API: run once over the in-memory state and once over a Hazelcast cluster.
 * Schedulers run in manual mode on a hand-moved clock; only deliveries that cross threads (events,
 * other hubs, on Hazelcast) are awaited.
 */
public abstract class AbstractSchedulerContractTest {
    protected static final MutableClock CLOCK = new MutableClock();
    static final String P = "payments";

    protected abstract Backend backend();

    private final List<Scheduler> hubs = new ArrayList<>();

    @BeforeEach
    void clean() {
        backend().reset();
    }

    @AfterEach
    void stop() {
        hubs.forEach(Scheduler::close);
    }

    Scheduler hub(int n) {
        return hub(n, s -> s);
    }

    Scheduler hub(int n, UnaryOperator<SchedulerSettings> tweak) {
        return hub(n, tweak, backend().state(n));
    }

    Scheduler hub(int n, UnaryOperator<SchedulerSettings> tweak, SchedulerState state) {
        return hub(n, tweak, state, backend().mesh(n));
    }

    Scheduler hub(int n, UnaryOperator<SchedulerSettings> tweak, SchedulerState state, SchedulerMesh mesh) {
        SchedulerSettings settings = tweak.apply(SchedulerSettings.defaults("hub-" + n).withBackground(false));
        Scheduler s = Scheduler.start(settings, state, mesh, CLOCK);
        hubs.add(s);
        return s;
    }

    /**
     * Moves the clock on as it passes for running hubs: each sweeps every second meanwhile (their
     * timers are off here). A pool nobody operates on for longer than a heartbeat interval counts the
     * rest of the gap as time it could not be reached (see {@code PoolState.reach}).
     */
    static void pass(Duration d, Scheduler... sweeping) {
        pass(d, Duration.ofSeconds(1), sweeping);
    }

    static void pass(Duration d, Duration step, Scheduler... sweeping) {
        for (long left = d.toMillis(); left > 0; left -= step.toMillis()) {
            CLOCK.advance(Duration.ofMillis(Math.min(step.toMillis(), left)));
            for (Scheduler hub : sweeping) {
                hub.sweep();
            }
        }
    }

    static TestAgent agent(Scheduler hub, String id, int capacity, String... actions) {
        return TestAgent.connect(hub, AgentRegistration.of(id, "devops", capacity, actions));
    }

    /** Leases a task to an agent that then dies: its stream closes, its lease runs on unextended. */
    static Dispatched leasedToAnAgentThatDies(Scheduler hub) {
        TestAgent gone = agent(hub, "gone", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        Dispatched work = gone.drain().get(0);
        gone.connection.close();
        return work;
    }

    static TaskSpec restart() {
        return TaskSpec.of(P, "devops.restart");
    }

    void eventually(Runnable assertion) {
        if (backend().asynchronous()) {
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
                    .untilAsserted(assertion::run);
        } else {
            assertion.run();
        }
    }

    // ------------------------------------------------------------------ assignment and the score

    @Test
    void aSubmittedTask_isAssignedToAnAgentWithTheCapability_andSucceedsOnItsResult() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 2, "restart");

        Task queued = hub.submit(restart().withInputs("{\"service\":\"checkout\"}")).task();
        hub.runPending();
        List<Dispatched> work = devops.drain();

        assertThat(queued.state()).isEqualTo(TaskState.QUEUED);
        assertThat(work).singleElement().satisfies(d -> {
            assertThat(d.assignment().taskId()).isEqualTo(queued.id());
            assertThat(d.spec().inputsJson()).isEqualTo("{\"service\":\"checkout\"}");
            assertThat(d.assignment().attempt()).isEqualTo(1);
        });
        Task done = devops.succeed(work.get(0));
        assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(hub.get(P, queued.id()).result().outputJson()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void everyAssignment_isPublishedOnEveryHub_withTheScoresTerms() {
        Scheduler a = hub(0);
        Scheduler b = hub(1);
        EventLog onB = new EventLog();
        b.subscribe(onB);
        agent(a, "devops-1", 1, "restart");

        Task task = a.submit(restart()).task();
        a.runPending();

        eventually(() -> assertThat(onB.assignments()).singleElement().satisfies(e -> {
            Assignment as = e.assignment();
            assertThat(as.taskId()).isEqualTo(task.id());
            assertThat(as.decidedByHub()).isEqualTo("hub-0");
            assertThat(as.score().capabilityMatch()).isEqualTo(1.0);
            assertThat(as.score().headroom()).isEqualTo(1.0);
            assertThat(as.score().successRate()).isEqualTo(0.75);
            assertThat(as.score().affinity()).isEqualTo(1.0);
            assertThat(as.score().total()).isCloseTo(0.15 + 0.35 + 0.30 * 0.75 + 0.20, within(1e-9));
            assertThat(as.candidates()).isEqualTo(1);
        }));
        eventually(() -> assertThat(onB.withSubject("mesh.schedule.task.queued")).hasSize(1));
    }

    @Test
    void theAgentWithMoreHeadroom_winsTheTask() {
        Scheduler hub = hub(0);
        TestAgent busy = agent(hub, "busy", 4, "restart");
        TestAgent idle = agent(hub, "idle", 4, "restart");
        busy.connection.reportHealth(new AgentLoad(0.9, 0.5, 0, 0));
        idle.connection.reportHealth(new AgentLoad(0.1, 0.2, 0, 0));

        hub.submit(restart());
        hub.runPending();

        assertThat(idle.drain()).hasSize(1);
        assertThat(busy.drain()).isEmpty();
    }

    @Test
    void aLoadReportNamingAnOwnerAndProject_isTakenOnlyForTheAgentItMatches() {
        Scheduler hub = hub(0);
        TestAgent busy = TestAgent.connect(hub, AgentRegistration.of("busy", "devops", 4, "restart")
                .withOwner("key:k1").withProjects(java.util.Set.of(P)));
        TestAgent idle = agent(hub, "idle", 4, "restart");
        AgentLoad full = new AgentLoad(0.1, 0.1, 4, 4);

        assertThat(hub.reportAgentHealth("devops", "busy", full, "key:k2", P)).as("another owner").isFalse();
        assertThat(hub.reportAgentHealth("devops", "busy", full, "key:k1", "elsewhere")).as("a project it does not serve")
                .isFalse();
        hub.submit(restart());
        hub.runPending();
        assertThat(busy.drain()).as("refused reports changed nothing: a tie goes to the smaller id").hasSize(1);
        assertThat(idle.drain()).isEmpty();

        assertThat(hub.reportAgentHealth("devops", "busy", full, "key:k1", P)).isTrue();
        hub.submit(restart());
        hub.runPending();
        assertThat(busy.drain()).as("full, by its own owner's report").isEmpty();
        assertThat(idle.drain()).hasSize(1);
    }

    @Test
    void anAgentWithABetterRecordForTheAction_winsTheTask() {
        Scheduler hub = hub(0);
        TestAgent flaky = agent(hub, "flaky", 1, "restart");
        TestAgent solid = agent(hub, "solid", 1, "restart");
        for (int i = 0; i < 4; i++) {
            hub.submit(restart());
            hub.submit(restart());
            hub.runPending();
            flaky.fail(flaky.drain().get(0), false);
            solid.succeed(solid.drain().get(0));
        }

        hub.submit(restart());
        hub.runPending();

        assertThat(solid.drain()).hasSize(1);
        assertThat(flaky.drain()).isEmpty();
    }

    @Test
    void aTaskPreferringAZone_goesToTheAgentInThatZone() {
        Scheduler hub = hub(0);
        TestAgent west = TestAgent.connect(hub, AgentRegistration.of("west", "devops", 2, "restart")
                .withLabels(Map.of("zone", "eu-west-1")));
        TestAgent east = TestAgent.connect(hub, AgentRegistration.of("east", "devops", 2, "restart")
                .withLabels(Map.of("zone", "eu-east-1")));

        hub.submit(restart().withAffinity(Map.of("zone", "eu-east-1")));
        hub.runPending();

        assertThat(east.drain()).singleElement()
                .satisfies(d -> assertThat(d.assignment().score().affinity()).isEqualTo(1.0));
        assertThat(west.drain()).isEmpty();
    }

    @Test
    void anAgentNeverHoldsMoreLeasesThanItsCapacity_andFreedSlotsAreRefilled() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 3, "restart");
        for (int i = 0; i < 10; i++) {
            hub.submit(restart());
        }

        hub.runPending();
        List<Dispatched> first = devops.drain();
        devops.succeed(first.get(0));
        hub.runPending();

        assertThat(first).hasSize(3);
        assertThat(devops.drain()).hasSize(1);
        assertThat(hub.agents(P, "devops").pools()).singleElement()
                .satisfies(p -> assertThat(p.queued()).isEqualTo(6));
    }

    @Test
    void anAgentOfAnotherProject_neverGetsTheTask() {
        Scheduler hub = hub(0);
        TestAgent other = TestAgent.connect(hub, AgentRegistration.of("theirs", "devops", 2, "restart")
                .withProjects(Set.of("billing")));
        TestAgent ours = TestAgent.connect(hub, AgentRegistration.of("ours", "devops", 1, "restart")
                .withProjects(Set.of(P)));

        hub.submit(restart());
        hub.submit(restart());
        hub.runPending();

        assertThat(ours.drain()).hasSize(1);
        assertThat(other.drain()).isEmpty();
    }

    @Test
    void theRoundRobinBaseline_handsTasksToAgentsInTurn_withoutScoring() {
        Scheduler hub = hub(0, s -> s.withPolicy(io.commandcenter.scheduler.fairqueue.FairQueue.Policy.ROUND_ROBIN));
        TestAgent a = agent(hub, "a", 10, "restart");
        TestAgent b = agent(hub, "b", 10, "restart");
        b.connection.reportHealth(new AgentLoad(0.99, 0.99, 0, 0));
        for (int i = 0; i < 6; i++) {
            hub.submit(restart());
        }

        hub.runPending();

        assertThat(a.drain()).hasSize(3);
        assertThat(b.drain()).hasSize(3).allSatisfy(d -> assertThat(d.assignment().score().total()).isZero());
    }

    // ------------------------------------------------------------------ leases and fencing

    @Test
    void aLeaseNotExtended_expires_andTheTaskIsAssignedAgainWithAHigherToken() {
        Scheduler hub = hub(0);
        Dispatched first = leasedToAnAgentThatDies(hub);
        TestAgent other = agent(hub, "other", 1, "restart");

        pass(Duration.ofSeconds(31), hub);
        hub.runPending();

        Dispatched second = other.drain().get(0);
        assertThat(second.assignment().taskId()).isEqualTo(first.assignment().taskId());
        assertThat(second.assignment().fencingToken()).isGreaterThan(first.assignment().fencingToken());
        assertThat(second.assignment().attempt()).isEqualTo(2);
    }

    @Test
    void queuedTasks_areCountedByAgentTypeAndProject_onEveryHub_andLeaveTheCountWhenAssigned() {
        Scheduler hub = hub(0);
        Scheduler other = hub(1);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        TestAgent.connect(hub, AgentRegistration.of("notifier-1", "notifier", 1, "sendSlack"));
        hub.submit(restart());
        hub.submit(restart());
        hub.submit(TaskSpec.of("search", "devops.restart"));
        hub.submit(TaskSpec.of("search", "notifier.sendSlack"));

        eventually(() -> assertThat(other.queuedByProject()).isEqualTo(Map.of(
                "devops", Map.of(P, 2, "search", 1), "notifier", Map.of("search", 1))));
        hub.runPending();
        Dispatched first = devops.drain().get(0);
        Map<String, Integer> left = new java.util.TreeMap<>(Map.of(P, 2, "search", 1));
        left.merge(first.spec().project(), -1, Integer::sum);
        left.values().removeIf(n -> n == 0);
        assertThat(hub.queuedByProject().get("devops")).isEqualTo(left);
        assertThat(hub.queuedByProject().get("notifier")).isEmpty();
    }

    @Test
    void aLateResultFromAnExpiredLease_isRefused_andTheTaskRunsOnceMore_notTwice() {
        Scheduler hub = hub(0);
        TestAgent slow = agent(hub, "slow", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        Dispatched first = slow.drain().get(0);

        pass(Duration.ofSeconds(30), hub); // the lease's last live moment
        CLOCK.advance(Duration.ofSeconds(1)); // no sweep has looked since it ran out

        assertThatThrownBy(() -> slow.succeed(first)).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
            assertThat(e.reason()).isEqualTo("LEASE_EXPIRED");
            assertThat(e.violations()).singleElement()
                    .satisfies(v -> assertThat(v.field()).isEqualTo("result.fencing_token"));
        });
        hub.runPending();
        Dispatched second = slow.drain().get(0);
        assertThatThrownBy(() -> slow.succeed(first)).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("LEASE_NOT_HELD"));
        assertThat(slow.succeed(second).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(hub.get(P, first.assignment().taskId()).result().agentId()).isEqualTo("slow");
        assertThat(hub.get(P, first.assignment().taskId()).attempt()).isEqualTo(2);
    }

    @Test
    void aLeaseAHeartbeatFindsRunOut_isExpiredByTheSweep_andItsTaskChangeIsPublished() {
        Scheduler hub = hub(0);
        EventLog events = new EventLog();
        hub.subscribe(events);
        TestAgent slow = agent(hub, "slow", 1, "restart");
        Task task = hub.submit(restart().withMaxAttempts(1)).task();
        hub.runPending();
        slow.drain();

        pass(Duration.ofSeconds(30), hub); // the lease's last live moment
        CLOCK.advance(Duration.ofSeconds(1)); // no sweep has looked since it ran out

        assertThat(slow.connection.heartbeat()).singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("LEASE_EXPIRED"));
        hub.sweep();

        // before: the heartbeat expired the lease itself (the task FAILED, out of attempts) and nothing was published
        eventually(() -> assertThat(events.withSubject("mesh.schedule.task.failed")).singleElement()
                .satisfies(e -> assertThat(((SchedulerEvent.TaskChanged) e).task().stateReason())
                        .isEqualTo("ATTEMPTS_EXHAUSTED")));
        assertThat(hub.get(P, task.id()).state()).isEqualTo(TaskState.FAILED);
    }

    @Test
    void aHubThatCloses_marksItsAgentsDisconnected_soOtherHubsStopChoosingThem() {
        Scheduler closing = hub(0);
        Scheduler other = hub(1);
        agent(closing, "on-closing-hub", 1, "restart");

        closing.close();

        // before: the agent stayed CONNECTED until it fell silent (90 s), and the task below was leased to it
        eventually(() -> assertThat(other.agents(P, "devops").agents()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AgentState.DISCONNECTED)));
        Task task = other.submit(restart()).task();
        other.runPending();
        assertThat(other.get(P, task.id()).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void aSessionWhoseDisconnectFailed_isMarkedDisconnectedByTheNextSweep() {
        DisconnectsFailing state = new DisconnectsFailing(backend().state(0));
        Scheduler hub = hub(0, s -> s, state);
        TestAgent gone = agent(hub, "gone", 1, "restart");
        gone.connection.close(); // its Disconnect fails: the pool still has the agent CONNECTED
        assertThat(hub.agents(P, "devops").agents()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AgentState.CONNECTED));
        state.failing = false;

        hub.sweep();

        // before: the sweep vouched only for live sessions and left the agent CONNECTED until it fell silent (90 s)
        eventually(() -> assertThat(hub.agents(P, "devops").agents()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AgentState.DISCONNECTED)));
        Task task = hub.submit(restart()).task();
        hub.runPending();
        assertThat(hub.get(P, task.id()).state()).isEqualTo(TaskState.QUEUED);
        assertThat(state.returned).isZero();
    }

    @Test
    void aDeliveryToASessionWhoseDisconnectFailed_marksItDisconnected_andDoesNotChooseItAgain() {
        DisconnectsFailing state = new DisconnectsFailing(backend().state(0));
        Scheduler hub = hub(0, s -> s, state);
        TestAgent gone = agent(hub, "gone", 1, "restart");
        gone.connection.close();
        state.failing = false;

        Task task = hub.submit(restart()).task();
        hub.runPending();

        // before: each dispatch leased the task to the ended session and the delivery gave it back, again and
        // again (this state stops that loop at its 20th ReturnLease, so the old code ends with 20)
        assertThat(state.returned).isEqualTo(1);
        assertThat(hub.get(P, task.id()).state()).isEqualTo(TaskState.QUEUED);
        assertThat(hub.agents(P, "devops").agents()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AgentState.DISCONNECTED));
        // an agent registering again (a new session) is not touched by what is remembered of the old one
        TestAgent back = agent(hub, "gone", 1, "restart");
        hub.sweep();
        hub.runPending();
        assertThat(back.drain()).singleElement()
                .satisfies(d -> assertThat(d.assignment().taskId()).isEqualTo(task.id()));
    }

    @Test
    void aSweepCallsAPoolThatFailsOnceForItsRememberedSessions_notOncePerSession() {
        DisconnectsFailing state = new DisconnectsFailing(backend().state(0));
        Scheduler hub = hub(0, s -> s, state);
        for (String id : List.of("gone-1", "gone-2", "gone-3")) {
            agent(hub, id, 1, "restart").connection.close(); // each Disconnect fails: remembered
        }
        assertThat(state.disconnects.get()).isEqualTo(3);

        hub.sweep();

        // before: one call per remembered session (3), each waiting on a pool that does not answer, every sweep
        assertThat(state.disconnects.get()).isEqualTo(4);
        state.failing = false;
        hub.sweep();
        eventually(() -> assertThat(hub.agents(P, "devops").agents()).hasSize(3)
                .allSatisfy(a -> assertThat(a.state()).isEqualTo(AgentState.DISCONNECTED)));
    }

    /** A real state whose {@code Disconnect}s fail while {@link #failing}; counts the leases given back. */
    static final class DisconnectsFailing extends io.commandcenter.scheduler.state.ForwardingSchedulerState {
        volatile boolean failing = true;
        volatile int returned;
        final java.util.concurrent.atomic.AtomicInteger disconnects = new java.util.concurrent.atomic.AtomicInteger();

        DisconnectsFailing(SchedulerState real) {
            super(real);
        }

        @Override
        public <R> R pool(String agentType, io.commandcenter.scheduler.pool.PoolConfig config,
                          io.commandcenter.scheduler.pool.PoolOp<R> op) {
            if (op instanceof io.commandcenter.scheduler.pool.PoolOps.Disconnect) {
                disconnects.incrementAndGet();
            }
            if (failing && op instanceof io.commandcenter.scheduler.pool.PoolOps.Disconnect) {
                throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "pool " + agentType + " unreachable",
                        null);
            }
            if (op instanceof io.commandcenter.scheduler.pool.PoolOps.ReturnLease && ++returned >= 20) {
                throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the test ends the loop", null);
            }
            return real.pool(agentType, config, op);
        }
    }

    @Test
    void heartbeats_keepALeaseAlivePastItsDuration() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        Dispatched work = devops.drain().get(0);

        for (int i = 0; i < 4; i++) {
            CLOCK.advance(Duration.ofSeconds(20));
            assertThat(devops.connection.heartbeat()).isEmpty();
            hub.sweep();
        }

        assertThat(devops.succeed(work).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aHeartbeatForALeaseTheAgentDoesNotHold_isAnsweredWithARevocation() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        Dispatched work = devops.drain().get(0);

        List<Revocation> revoked = devops.connection.heartbeat(List.of(
                new LeaseRef(work.assignment().taskId(), work.assignment().fencingToken() + 99)));

        assertThat(revoked).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("LEASE_NOT_HELD"));
    }

    @Test
    void aResultFromAnAgentThatDoesNotHoldTheTask_isRefused() {
        Scheduler hub = hub(0);
        TestAgent holder = agent(hub, "holder", 1, "restart");
        TestAgent intruder = agent(hub, "intruder", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        Dispatched work = holder.drain().get(0);

        assertThatThrownBy(() -> intruder.succeed(work)).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
            assertThat(e.reason()).isEqualTo("LEASE_NOT_HELD");
        });
        assertThatThrownBy(() -> intruder.connection.complete("t-nope", 1, TaskOutcome.SUCCEEDED, "", "", false))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThat(holder.succeed(work).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aResentResult_isAcceptedWithoutEffect() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        Dispatched work = devops.drain().get(0);
        Task first = devops.succeed(work);

        Task again = devops.succeed(work);

        assertThat(again.updatedAt()).isEqualTo(first.updatedAt());
        assertThat(again.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aRetryableFailure_returnsTheTaskToTheQueue_untilItsAttemptsRunOut() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        Task task = hub.submit(restart().withMaxAttempts(2)).task();

        hub.runPending();
        Task afterFirst = devops.fail(devops.drain().get(0), true);
        hub.runPending();
        Task afterSecond = devops.fail(devops.drain().get(0), true);

        assertThat(afterFirst.state()).isEqualTo(TaskState.QUEUED);
        assertThat(afterSecond.state()).isEqualTo(TaskState.FAILED);
        assertThat(hub.get(P, task.id()).attempt()).isEqualTo(2);
    }

    @Test
    void anAgentThatReconnects_keepsItsLeases_andItsResultIsAccepted() {
        Scheduler a = hub(0);
        Scheduler b = hub(1);
        TestAgent first = agent(a, "devops-1", 1, "restart");
        a.submit(restart());
        a.runPending();
        Dispatched work = first.drain().get(0);

        TestAgent again = agent(b, "devops-1", 1, "restart");

        assertThat(again.connection.heldAtRegistration()).containsExactly(work.assignment().lease());
        eventually(() -> assertThat(first.closedBy).isNotNull()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("SESSION_SUPERSEDED")));
        assertThat(again.connection.complete(work.assignment().taskId(), work.assignment().fencingToken(),
                TaskOutcome.SUCCEEDED, "", "", false).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    // ------------------------------------------------------------------ a pool that cannot be reached
    // (lease 30 s: heartbeats every 10 s, a gap counts 10 s in full, a lease moves 60 s at most; guide 14.15)

    @Test
    void operationsHeldWhileThePoolIsUnreachable_releasedInSendOrderBeforeAnySweep_leaveALiveAgentItsTask()
            throws Exception {
        Scheduler sweeper = hub(0);
        HeldState held = new HeldState(backend().state(1));
        Scheduler agentsHub = hub(1, s -> s, held);
        TestAgent steady = agent(agentsHub, "steady", 1, "restart");
        agent(agentsHub, "scaler", 100, "scale"); // runs what hub 1 submits meanwhile
        Task task = agentsHub.submit(restart()).task();
        agentsHub.runPending();
        Dispatched work = steady.drain().get(0);
        TestAgent spare = agent(sweeper, "spare", 1, "restart");
        pass(Duration.ofSeconds(5), sweeper);

        // 45 s without an owner (lease 30 s). Hub 1 submits every 2 s, each held with its send time;
        // the agent's stream sends one heartbeat after 10 s, held too, and no other until it returns
        held.hold();
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Future<?>> sent = new ArrayList<>();
        Future<List<Revocation>> heartbeat = null;
        try {
            for (int second = 2; second <= 44; second += 2) {
                CLOCK.advance(Duration.ofSeconds(2));
                sent.add(threads.submit(() -> agentsHub.submit(TaskSpec.of(P, "devops.scale"))));
                if (second == 10) {
                    awaitHeld(held, sent.size());
                    heartbeat = threads.submit(() -> steady.connection.heartbeat());
                    sent.add(heartbeat);
                }
                awaitHeld(held, sent.size());
            }
            CLOCK.advance(Duration.ofSeconds(1));
            held.release(); // reachable again: every held operation is applied, in send order, before any sweep
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(heartbeat.get()).isEmpty();
        sweeper.sweep();
        sweeper.runPending();
        steady.connection.heartbeat(); // the stream's next heartbeat, now that the held one returned
        pass(Duration.ofSeconds(5), sweeper, agentsHub);
        sweeper.runPending();

        assertThat(spare.received).as("the task ran again elsewhere").isEmpty();
        assertThat(steady.revoked).isEmpty();
        assertThat(steady.succeed(work).state()).isEqualTo(TaskState.SUCCEEDED);
        Task done = sweeper.get(P, task.id());
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.result().agentId()).isEqualTo("steady");
    }

    /** ADR 0029's first open item: the second pause begins before the heartbeat held by the first is applied. */
    @Test
    void twoPausesBackToBack_beforeTheAgentsHeldHeartbeatIsApplied_leaveTheLiveAgentItsTask() throws Exception {
        Scheduler sweeper = hub(0);
        HeldState held = new HeldState(backend().state(1));
        Scheduler agentsHub = hub(1, s -> s, held);
        TestAgent steady = agent(agentsHub, "steady", 1, "restart");
        Task task = agentsHub.submit(restart()).task();
        agentsHub.runPending();
        Dispatched work = steady.drain().get(0); // heard at 0
        TestAgent spare = agent(sweeper, "spare", 1, "restart"); // after the dispatch: it would run only a re-run
        pass(Duration.ofMillis(9_900), Duration.ofMillis(9_900), sweeper); // the last operation before the pause
        CLOCK.advance(Duration.ofMillis(100));

        held.hold();
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<List<Revocation>> heartbeat = threads.submit(() -> steady.connection.heartbeat()); // sent at 10 s
            awaitHeld(held, 1);
            CLOCK.advance(Duration.ofSeconds(45));
            sweeper.sweep(); // reachable at 55 s: a sweep is applied first (moves the lease to 65.1 s)
            sweeper.runPending();
            CLOCK.advance(Duration.ofMillis(15_200));
            sweeper.sweep(); // at 70.2 s, after a second pause; the heartbeat is still held
            sweeper.runPending();
            held.release();
            assertThat(heartbeat.get()).isEmpty();
        } finally {
            threads.shutdownNow();
        }
        pass(Duration.ofSeconds(5), sweeper, agentsHub);
        sweeper.runPending();

        assertThat(spare.received).as("the task ran again elsewhere").isEmpty();
        assertThat(steady.revoked).isEmpty();
        assertThat(steady.succeed(work).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(sweeper.get(P, task.id()).attempt()).isEqualTo(1);
    }

    private static void awaitHeld(HeldState held, int n) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> held.waiting() == n);
    }

    @Test
    void aLeaseWhoseAgentDiedJustBeforeAPause_isMovedOnce_andExpiresWithinTheBound() {
        Scheduler hub = hub(0);
        long diedAt = CLOCK.millis();
        Dispatched first = leasedToAnAgentThatDies(hub);
        TestAgent spare = agent(hub, "spare", 1, "restart");
        pass(Duration.ofSeconds(5), hub);

        CLOCK.advance(Duration.ofSeconds(45)); // nobody reached the pool meanwhile
        hub.sweep();
        hub.runPending();
        assertThat(spare.drain()).as("a gap that cannot be told from a pause moves the lease").isEmpty();
        // heard 5 s before the gap: moved by 45 - 10 = 35 s, to 65 s after it was heard
        pass(Duration.ofSeconds(15), hub);
        hub.runPending();
        assertThat(spare.drain()).isEmpty();
        pass(Duration.ofSeconds(1), hub);
        hub.runPending();

        Dispatched second = spare.drain().get(0);
        assertThat(CLOCK.millis() - diedAt).isEqualTo(66_000).isLessThanOrEqualTo(30_000 + 60_000);
        assertThat(second.assignment().taskId()).isEqualTo(first.assignment().taskId());
        assertThat(second.assignment().attempt()).isEqualTo(2);
        assertThat(second.assignment().fencingToken()).isGreaterThan(first.assignment().fencingToken());
    }

    @Test
    void aLeaseWithLessThanAHeartbeatIntervalLeftWhenAPauseBegan_expiresAtTheFirstSweepAfterIt() {
        Scheduler hub = hub(0);
        Dispatched first = leasedToAnAgentThatDies(hub);
        TestAgent spare = agent(hub, "spare", 1, "restart");
        pass(Duration.ofSeconds(25), hub); // 5 s left: a live agent would have heartbeated twice by now

        CLOCK.advance(Duration.ofSeconds(45));
        hub.sweep();
        hub.runPending();

        assertThat(spare.drain()).singleElement()
                .satisfies(d -> assertThat(d.assignment().taskId()).isEqualTo(first.assignment().taskId()));
    }

    @Test
    void aLeaseWhoseAgentStoppedHeartbeating_expiresSoonWhenEverySweepComesLate() {
        Scheduler hub = hub(0);
        Dispatched first = leasedToAnAgentThatDies(hub);
        TestAgent spare = agent(hub, "spare", 1, "restart");

        // visits 15 s apart, each gap 5 s longer than a reachable pool allows: only the two visits
        // within two heartbeat intervals of the agent's last word move the lease (to 40 s)
        pass(Duration.ofSeconds(30), Duration.ofSeconds(15), hub);
        hub.runPending();
        assertThat(spare.drain()).isEmpty();
        pass(Duration.ofSeconds(15), Duration.ofSeconds(15), hub);
        hub.runPending();

        assertThat(spare.drain()).singleElement()
                .satisfies(d -> assertThat(d.assignment().taskId()).isEqualTo(first.assignment().taskId()));
    }

    @Test
    void aPoolWhoseSweepFails_doesNotStopTheSweepOfThePoolsAfterIt() {
        Scheduler hub = hub(0, s -> s, new FailingOp(backend().state(0), "alpha", io.commandcenter.scheduler.pool.PoolOps.Sweep.class));
        TestAgent.connect(hub, AgentRegistration.of("a-1", "alpha", 1, "restart"));
        Dispatched first = leasedToAnAgentThatDies(hub);
        TestAgent spare = agent(hub, "spare", 1, "restart");

        pass(Duration.ofSeconds(31), hub);
        hub.runPending();

        assertThat(spare.drain()).singleElement()
                .satisfies(d -> assertThat(d.assignment().taskId()).isEqualTo(first.assignment().taskId()));
    }

    @Test
    void aRevocationThatFails_losesNothingElseOfItsSweepsReport() {
        Scheduler hub = hub(0);
        EventLog events = new EventLog();
        hub.subscribe(events);
        hub.connect(AgentRegistration.of("broken", "devops", 1, "restart"), new AgentListener() {
            public void onAssignment(Dispatched work) {
            }

            public void onRevoked(Revocation revocation) {
                throw new IllegalStateException("this agent's revocation fails");
            }

            public void onClosed(CommandCenterException reason) {
            }
        });
        TestAgent quiet = agent(hub, "quiet", 1, "restart");
        Set<String> ids = Set.of(hub.submit(restart()).task().id(), hub.submit(restart()).task().id());
        hub.runPending();

        pass(Duration.ofSeconds(31), hub); // neither agent heartbeats: both leases expire in one sweep

        assertThat(quiet.revoked).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("LEASE_EXPIRED"));
        eventually(() -> assertThat(events.events.stream()
                .filter(e -> e instanceof SchedulerEvent.TaskChanged c && c.task().attempt() == 1
                        && c.task().state() == TaskState.QUEUED)
                .map(e -> ((SchedulerEvent.TaskChanged) e).task().id()).distinct())
                .as("each expired task's change published").containsExactlyInAnyOrderElementsOf(ids));
    }

    @Test
    void aPublishThatFails_losesNoRevocationOfItsSweep() {
        FailingPublish mesh = new FailingPublish(backend().mesh(0));
        Scheduler hub = hub(0, s -> s, backend().state(0), mesh);
        TestAgent quiet = agent(hub, "quiet", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        assertThat(quiet.drain()).hasSize(1);

        mesh.failing = true; // in manual mode the sweep's events go to the mesh at once, and it throws
        pass(Duration.ofSeconds(31), hub);

        assertThat(mesh.failed).as("the sweep published (and failed)").isPositive();
        assertThat(quiet.revoked).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("LEASE_EXPIRED"));
    }

    /** A mesh whose event publishing throws while {@link #failing}, as a mesh that lost its cluster does. */
    static final class FailingPublish implements SchedulerMesh {
        private final SchedulerMesh real;
        volatile boolean failing;
        volatile int failed;

        FailingPublish(SchedulerMesh real) {
            this.real = real;
        }

        @Override
        public void publish(List<SchedulerEvent> events) {
            if (failing) {
                failed++;
                throw new IllegalStateException("the mesh cannot publish");
            }
            real.publish(events);
        }

        @Override
        public AutoCloseable subscribeEvents(java.util.function.Consumer<List<SchedulerEvent>> listener) {
            return real.subscribeEvents(listener);
        }

        @Override
        public void send(String hubId, List<io.commandcenter.scheduler.mesh.AgentMessage> messages) {
            real.send(hubId, messages);
        }

        @Override
        public AutoCloseable receive(String hubId,
                                     java.util.function.Consumer<List<io.commandcenter.scheduler.mesh.AgentMessage>> l) {
            return real.receive(hubId, l);
        }

        @Override
        public AutoCloseable onPeerLost(java.util.function.Consumer<String> listener) {
            return real.onPeerLost(listener);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** A state whose operations of one kind on one pool fail, as a pool that cannot be reached does. */
    static final class FailingOp extends io.commandcenter.scheduler.state.ForwardingSchedulerState {
        private final String failing;
        private final Class<?> kind;

        FailingOp(SchedulerState real, String failing, Class<?> kind) {
            super(real);
            this.failing = failing;
            this.kind = kind;
        }

        @Override
        public <R> R pool(String agentType, io.commandcenter.scheduler.pool.PoolConfig config,
                          io.commandcenter.scheduler.pool.PoolOp<R> op) {
            if (agentType.equals(failing) && kind.isInstance(op)) {
                throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "pool " + agentType + " unreachable",
                        null);
            }
            return real.pool(agentType, config, op);
        }
    }

    // ------------------------------------------------------------------ targets and idempotency

    @Test
    void twoExclusiveTasksOnOneTarget_neverRunAtOnce_evenAcrossAgentTypes() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 4, "restart");
        TestAgent k8s = TestAgent.connect(hub, AgentRegistration.of("k8s-1", "k8s", 4, "scale"));
        TargetRef api = new TargetRef("service", "api");

        Task restart = hub.submit(restart().withTarget(api, true)).task();
        Task scale = hub.submit(TaskSpec.of(P, "k8s.scale").withTarget(api, true)).task();
        hub.runPending();

        assertThat(restart.state()).isEqualTo(TaskState.QUEUED);
        assertThat(scale.state()).isEqualTo(TaskState.WAITING);
        assertThat(k8s.drain()).isEmpty();
        devops.succeed(devops.drain().get(0));
        hub.runPending();
        assertThat(k8s.drain()).singleElement().satisfies(d -> assertThat(d.assignment().taskId()).isEqualTo(scale.id()));
    }

    @Test
    void aWaitingExclusiveTaskThatIsCancelled_doesNotBlockTheTarget() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 4, "restart");
        TargetRef api = new TargetRef("service", "api");
        hub.submit(restart().withTarget(api, true));
        Task second = hub.submit(restart().withTarget(api, true)).task();
        Task third = hub.submit(restart().withTarget(api, true)).task();
        hub.runPending();

        hub.cancel(P, second.id(), "not needed");
        devops.succeed(devops.drain().get(0));
        hub.runPending();

        assertThat(devops.drain()).singleElement().satisfies(d -> assertThat(d.assignment().taskId()).isEqualTo(third.id()));
    }

    @Test
    void aNonExclusiveTaskOnABusyTarget_runsAtOnce() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 4, "restart");
        TargetRef api = new TargetRef("service", "api");

        hub.submit(restart().withTarget(api, true));
        hub.submit(restart().withTarget(api, false));
        hub.runPending();

        assertThat(devops.drain()).hasSize(2);
    }

    @Test
    void theSameIdempotencyKeyAndContent_returnsTheFirstTask() {
        Scheduler hub = hub(0);
        agent(hub, "devops-1", 1, "restart");

        SubmitResult first = hub.submit(restart().withIdempotencyKey("run-7/restart"));
        SubmitResult again = hub.submit(restart().withIdempotencyKey("run-7/restart"));

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.task().id()).isEqualTo(first.task().id());
        assertThat(hub.agents(P, "devops").pools().get(0).queued()).isEqualTo(1);
    }

    @Test
    void aTaskIsFoundByItsIdempotencyKey_fromAnyHub_andOnlyInItsProject() {
        Scheduler hub = hub(0);
        agent(hub, "devops-1", 1, "restart");
        Task submitted = hub.submit(restart().withIdempotencyKey("run-7:restart:1")).task();
        Scheduler other = hub(1);

        assertThat(other.taskWithKey(P, "run-7:restart:1")).map(Task::id).contains(submitted.id());
        assertThat(hub.taskWithKey(P, "run-7:restart:2")).isEmpty();
        assertThat(hub.taskWithKey("another-project", "run-7:restart:1")).isEmpty();
    }

    @Test
    void anIdempotencyKeyReusedForOtherContent_isAConflict() {
        Scheduler hub = hub(0);
        agent(hub, "devops-1", 1, "restart");
        hub.submit(restart().withIdempotencyKey("k1"));

        assertThatThrownBy(() -> hub.submit(restart().withIdempotencyKey("k1").withPriority(9)))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.reason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
                });
    }

    // ------------------------------------------------------------------ cancel, bad input, limits

    @Test
    void cancellingAnAssignedTask_revokesTheLease_andItsLateResultIsRefused() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        Task task = hub.submit(restart()).task();
        hub.runPending();
        Dispatched work = devops.drain().get(0);

        Task cancelled = hub.cancel(P, task.id(), "operator");

        assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
        eventually(() -> assertThat(devops.revoked).singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("CANCELLED")));
        assertThatThrownBy(() -> devops.succeed(work)).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("TASK_CANCELLED"));
        assertThat(hub.cancel(P, task.id(), "again").state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void cancellingATaskThatSucceeded_isAPreconditionFailure() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        Task task = hub.submit(restart()).task();
        hub.runPending();
        devops.succeed(devops.drain().get(0));

        assertThatThrownBy(() -> hub.cancel(P, task.id(), "")).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
            assertThat(e.reason()).isEqualTo("TASK_FINISHED");
        });
    }

    @Test
    void aTaskOfAnotherProject_isNotFound() {
        Scheduler hub = hub(0);
        agent(hub, "devops-1", 1, "restart");
        Task task = hub.submit(restart()).task();

        assertThatThrownBy(() -> hub.get("billing", task.id())).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("TASK_NOT_FOUND"));
        assertThatThrownBy(() -> hub.cancel("billing", task.id(), "")).isInstanceOfSatisfying(
                CommandCenterException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void aTaskForACapabilityNoAgentDeclares_isRefused_andOneAnAgentDeclaredStaysKnown() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");

        assertThatThrownBy(() -> hub.submit(TaskSpec.of(P, "devops.reboot")))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("UNKNOWN_CAPABILITY");
                    assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("capability"));
                });
        devops.connection.close();
        assertThat(hub.submit(restart()).created()).isTrue();
    }

    @Test
    void aProjectOverItsQueueLimit_isRefused() {
        Scheduler hub = hub(0, s -> s.withMaxUnfinishedPerProject(2));
        agent(hub, "devops-1", 1, "restart");
        hub.submit(restart());
        hub.submit(restart());

        assertThatThrownBy(() -> hub.submit(restart())).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("QUEUE_FULL"));
        assertThat(hub.submit(TaskSpec.of("billing", "devops.restart")).created()).isTrue();
    }

    @Test
    void oversizedInputs_areRefused() {
        Scheduler hub = hub(0, s -> s.withMaxPayloadBytes(100));
        agent(hub, "devops-1", 1, "restart");

        assertThatThrownBy(() -> hub.submit(restart().withInputs("{\"x\":\"" + "y".repeat(200) + "\"}")))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("PAYLOAD_TOO_LARGE");
                    assertThat(e.violations().get(0).field()).isEqualTo("inputs");
                });
    }

    // ------------------------------------------------------------------ fairness

    @Test
    void projectsWeighted1To2To5_withAgentsSaturated_shareCompletedWorkWithin2PercentOfTheirWeights_andNoneStarves() {
        Map<String, Double> weights = Map.of("one", 1.0, "two", 2.0, "five", 5.0);
        Scheduler hub = hub(0, s -> s.withProjectWeights(weights).withDispatchBatch(64));
        List<TestAgent> agents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            agents.add(TestAgent.connect(hub, AgentRegistration.of("batch-" + i, "batch", 2, "run")));
        }
        Map<String, Integer> completed = new HashMap<>();
        weights.keySet().forEach(p -> completed.put(p, 0));
        for (String project : weights.keySet()) {
            for (int i = 0; i < 32; i++) {
                hub.submit(TaskSpec.of(project, "batch.run"));
            }
        }
        int total = fairnessTasks();
        int done = 0;
        int sinceOne = 0;
        int longestWaitOfOne = 0;
        while (done < total) {
            hub.runPending();
            for (TestAgent agent : agents) {
                for (Dispatched work : agent.drain()) {
                    agent.succeed(work);
                    String project = work.assignment().project();
                    completed.merge(project, 1, Integer::sum);
                    done++;
                    sinceOne = project.equals("one") ? 0 : sinceOne + 1;
                    longestWaitOfOne = Math.max(longestWaitOfOne, sinceOne);
                    hub.submit(TaskSpec.of(project, "batch.run"));
                }
            }
        }

        for (var w : weights.entrySet()) {
            double share = completed.get(w.getKey()) / (double) done;
            assertThat(share).as("share of %s", w.getKey()).isCloseTo(w.getValue() / 8, within(w.getValue() / 8 * 0.02));
        }
        assertThat(longestWaitOfOne).as("completions of others between two of the weight-1 project")
                .isLessThanOrEqualTo(16);
    }

    /** How many completions the fairness test counts. */
    protected int fairnessTasks() {
        return 10_000;
    }

    // ------------------------------------------------------------------ hubs, peers, federation

    @Test
    void aTaskSubmittedOnOneHub_runsOnAnAgentConnectedToAnother() {
        Scheduler a = hub(0);
        Scheduler c = hub(1);
        TestAgent onC = agent(c, "devops-c", 1, "restart");

        Task task = a.submit(restart()).task();
        a.runPending();

        eventually(() -> assertThat(onC.received).singleElement().satisfies(d -> {
            assertThat(d.assignment().taskId()).isEqualTo(task.id());
            assertThat(d.assignment().agentHub()).isEqualTo("hub-1");
            assertThat(d.assignment().decidedByHub()).isEqualTo("hub-0");
        }));
        assertThat(onC.succeed(onC.received.get(0)).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(a.get(P, task.id()).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void theSubmittingHubsAgent_isPreferred_whenOthersAreEquallyFree() {
        Scheduler a = hub(0);
        Scheduler b = hub(1);
        TestAgent onB = agent(b, "devops-b", 1, "restart");
        TestAgent onA = agent(a, "devops-a", 1, "restart");

        b.submit(restart());
        b.runPending();

        eventually(() -> assertThat(onB.received).hasSize(1));
        assertThat(onA.received).isEmpty();
    }

    @Test
    void twoPeersLostWhileTheirPoolFails_areEachLoggedByName() {
        Scheduler hub = hub(0, s -> s, new FailingOp(backend().state(0), "devops",
                io.commandcenter.scheduler.pool.PoolOps.PeerLost.class));
        agent(hub, "devops-1", 1, "restart");
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(Maintenance.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            public void flush() {
            }

            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            Maintenance maintenance = new Maintenance(hub);
            maintenance.peerLost("peer-1");
            maintenance.peerLost("peer-2"); // within the same second: a throttle per pool would hide it
        } finally {
            logger.removeHandler(handler);
        }

        assertThat(records).filteredOn(r -> r.getLevel() == java.util.logging.Level.WARNING)
                .allSatisfy(r -> assertThat(r.getThrown()).isNotNull())
                .extracting(java.util.logging.LogRecord::getMessage)
                .anySatisfy(m -> assertThat(m).contains("peer-1"))
                .anySatisfy(m -> assertThat(m).contains("peer-2"));
    }

    @Test
    void whenAPeerLeaves_itsAgentsAreDisconnected_andTheirLeasesExpireIntoTheQueue() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        hub.submit(restart());
        hub.runPending();
        devops.drain();

        new io.commandcenter.scheduler.Maintenance(hub).peerLost(backend().state(0).peerId());

        AgentView view = hub.agents(P, "devops").agents().get(0);
        assertThat(view.state()).isEqualTo(AgentState.DISCONNECTED);
        assertThat(view.leased()).isEqualTo(1);
        TestAgent survivor = agent(hub, "devops-2", 1, "restart");
        pass(Duration.ofSeconds(31), hub);
        hub.runPending();
        assertThat(survivor.drain()).hasSize(1);
    }

    @Test
    void theMetaHub_delegatesWorkQueuedAtASaturatedHubToAnotherHubsIdleAgents_andSaysSo() {
        Scheduler project = hub(0, s -> s.withPlacement(Placement.ORIGIN_HUB));
        Scheduler meta = hub(1, s -> s.withPlacement(Placement.ORIGIN_HUB)
                .asMetaHub(true, Duration.ofSeconds(5), Duration.ofSeconds(2)));
        EventLog events = new EventLog();
        meta.subscribe(events);
        TestAgent local = agent(project, "devops-local", 1, "restart");
        TestAgent remote = agent(meta, "devops-remote", 3, "restart");
        for (int i = 0; i < 4; i++) {
            project.submit(restart());
        }
        project.runPending();
        assertThat(local.drain()).hasSize(1);
        assertThat(remote.received).isEmpty();

        CLOCK.advance(Duration.ofSeconds(3));
        FederationReport report = meta.rebalance();
        meta.runPending();

        assertThat(report.delegations()).hasSize(3).allSatisfy(d -> {
            assertThat(d.fromHub()).isEqualTo("hub-0");
            assertThat(d.toHub()).isEqualTo("hub-1");
        });
        eventually(() -> assertThat(remote.received).hasSize(3));
        eventually(() -> assertThat(events.withSubject("mesh.schedule.delegation")).hasSize(3));
        assertThat(project.get(P, remote.received.get(0).assignment().taskId()).delegatedHubs())
                .containsExactly("hub-1");
    }

    @Test
    void aMetaHubThatOnlyObserves_reportsTheLoadButDelegatesNothing() {
        Scheduler project = hub(0, s -> s.withPlacement(Placement.ORIGIN_HUB));
        Scheduler meta = hub(1, s -> s.asMetaHub(false, Duration.ofSeconds(5), Duration.ofSeconds(2)));
        agent(project, "devops-local", 1, "restart");
        agent(meta, "devops-remote", 2, "restart");
        project.submit(restart());
        project.submit(restart());
        project.runPending();
        CLOCK.advance(Duration.ofSeconds(3));

        FederationReport report = meta.rebalance();

        assertThat(report.plans()).singleElement().satisfies(p -> assertThat(p.count()).isEqualTo(1));
        assertThat(report.delegations()).isEmpty();
        assertThat(report.loads()).anySatisfy(l -> {
            assertThat(l.hubId()).isEqualTo("hub-0");
            assertThat(l.backlog()).isEqualTo(1);
        });
    }

    // ------------------------------------------------------------------ listings

    @Test
    void tasksAndAssignments_areListedNewestFirst_pageByPage() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 10, "restart");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(hub.submit(restart()).task().id());
            CLOCK.advance(Duration.ofMillis(5));
            hub.runPending();
        }

        Page<Task> first = hub.tasks(P, Set.of(), null, null, 3, "");
        Page<Task> second = hub.tasks(P, Set.of(), null, null, 3, first.nextCursor());
        Page<Assignment> assignments = hub.assignments(P, null, null, 10, "");

        assertThat(first.items()).extracting(Task::id).containsExactly(ids.get(4), ids.get(3), ids.get(2));
        assertThat(second.items()).extracting(Task::id).containsExactly(ids.get(1), ids.get(0));
        assertThat(second.nextCursor()).isEmpty();
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(assignments.items()).extracting(Assignment::taskId).containsExactlyElementsOf(newestFirst);
        assertThat(hub.tasks(P, Set.of(TaskState.SUCCEEDED), null, null, 10, "").items()).isEmpty();
        assertThat(hub.tasks(P, Set.of(), Capability.parse("devops.restart", "c"), null, 10, "").items()).hasSize(5);
        assertThat(devops.received).hasSize(5);
    }

    @Test
    void remediationCausedByAPrediction_jumpsAheadOfItsProjectsRoutineWork() {
        Scheduler hub = hub(0);
        TestAgent devops = agent(hub, "devops-1", 1, "restart");
        for (int i = 0; i < 5; i++) {
            hub.submit(restart());
        }
        hub.runPending();
        Dispatched routine = devops.drain().get(0);
        Task urgent = hub.submit(restart().withPrediction(new PredictionCause("pred-1", 0.95, 0.9))).task();

        devops.succeed(routine);
        hub.runPending();

        assertThat(urgent.effectivePriority()).isCloseTo(1.95, within(1e-9));
        assertThat(devops.drain()).singleElement()
                .satisfies(d -> assertThat(d.assignment().taskId()).isEqualTo(urgent.id()));
    }

    @Test
    void manyHubsDispatchingAtOnce_neverAssignATaskTwice() throws Exception {
        Scheduler a = hub(0);
        Scheduler b = hub(1);
        List<TestAgent> agents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            agents.add(agent(i % 2 == 0 ? a : b, "devops-" + i, 50, "restart"));
        }
        for (int i = 0; i < 150; i++) {
            (i % 2 == 0 ? a : b).submit(restart());
        }

        Thread t1 = new Thread(a::runPending);
        Thread t2 = new Thread(b::runPending);
        t1.start();
        t2.start();
        t1.join();
        t2.join();

        eventually(() -> {
            Set<String> seen = new HashSet<>();
            int n = 0;
            for (TestAgent agent : agents) {
                for (Dispatched d : agent.received) {
                    assertThat(seen.add(d.assignment().taskId())).as("assigned once: %s", d.assignment().taskId())
                            .isTrue();
                    n++;
                }
            }
            assertThat(n).isEqualTo(150);
        });
        Set<Long> tokens = new HashSet<>();
        agents.forEach(ag -> ag.received.forEach(d -> tokens.add(d.assignment().fencingToken())));
        assertThat(tokens).hasSize(150);
    }

    /** Tasks whose assignment events arrived, for tests that wait on them. */
    static long assignmentsOf(EventLog log) {
        return log.events.stream().filter(e -> e instanceof SchedulerEvent.AssignmentMade).count();
    }
}
