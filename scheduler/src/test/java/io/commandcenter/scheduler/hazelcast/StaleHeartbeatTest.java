package io.commandcenter.scheduler.hazelcast;

import io.commandcenter.scheduler.BuiltInAgent;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.Settled;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.SchedulerState;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.testing.EventLog;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The task lost on an embedded Hazelcast hub (session 9): a built-in agent's heartbeat names the
 * leases it held when it started; one of them may be settled by the agent's own result in the
 * meantime, and the heartbeat then returns it as LEASE_NOT_HELD. The agent used to take that as a
 * revocation and interrupt the thread still reporting the result, and the interrupted thread's
 * event (the task's SUCCEEDED) was dropped: the task was done, nobody heard. Here the heartbeat is
 * made to land exactly then (right after the result was recorded, on one real member).
 */
class StaleHeartbeatTest {
    HazelcastCluster member;
    Scheduler scheduler;
    final ExecutorService actions = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        actions.shutdownNow();
        if (member != null) {
            member.instance().getLifecycleService().terminate();
        }
    }

    @Test
    void aHeartbeatThatRevokesALeaseWhoseResultIsBeingReported_neitherInterruptsTheReport_norLosesItsEvent() {
        member = HazelcastCluster.start(HazelcastSettings.embedded("hub-w", "127.0.0.1", Ports.free(), List.of())
                .withClusterName("stale-" + UUID.randomUUID()));
        BuiltInAgent[] agent = new BuiltInAgent[1];
        List<String> revokedReasons = new CopyOnWriteArrayList<>();
        List<Boolean> interruptedAfter = new CopyOnWriteArrayList<>();
        // the agent's heartbeat, as BuiltInAgent sends it, naming the lease just settled
        Consumer<PoolOps.Complete> staleHeartbeat = done -> {
            LeaseRef lease = new LeaseRef(done.taskId(), done.token());
            for (Revocation r : agent[0].connection().heartbeat(List.of(lease))) {
                revokedReasons.add(r.reason());
                agent[0].onRevoked(r);
            }
            interruptedAfter.add(Thread.currentThread().isInterrupted());
        };
        scheduler = Scheduler.start(SchedulerSettings.defaults("hub-w"), new AfterComplete(member.state(),
                staleHeartbeat), member.mesh(), Clock.systemUTC());
        EventLog events = new EventLog();
        scheduler.subscribe(events);
        agent[0] = BuiltInAgent.start(scheduler, new AgentRegistration("devops:hub-w", "devops", Set.of("restart"),
                Map.of(), 2, Set.of(AgentRegistration.ALL_PROJECTS), AgentRegistration.HUB_OWNER), work -> "",
                actions);

        Task task = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.SUCCEEDED));
        // the race happened: the heartbeat came back with the settled lease
        assertThat(revokedReasons).containsExactly("LEASE_NOT_HELD");
        // every subscriber hears that the task succeeded ...
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events.events)
                .filteredOn(e -> e instanceof SchedulerEvent.TaskChanged c && c.task().id().equals(task.id())
                        && c.task().state() == TaskState.SUCCEEDED)
                .hasSize(1));
        // ... and the reporting thread was left alone
        assertThat(interruptedAfter).containsExactly(false);
    }

    /** The member's state, running a hook on the calling thread right after each accepted result. */
    static final class AfterComplete extends ForwardingSchedulerState {
        private final Consumer<PoolOps.Complete> hook;

        AfterComplete(SchedulerState real, Consumer<PoolOps.Complete> hook) {
            super(real);
            this.hook = hook;
        }

        @Override
        public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
            R result = real.pool(agentType, config, op);
            if (op instanceof PoolOps.Complete done && result instanceof Settled s
                    && s.status() == Settled.Status.ACCEPTED) {
                hook.accept(done);
            }
            return result;
        }
    }
}
