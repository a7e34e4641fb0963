package io.commandcenter.scheduler;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BuiltInAgentTest {
    final Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub").withLease(Duration.ofMillis(600))
                    .withSweepInterval(Duration.ofMillis(50)), new InMemorySchedulerState(Clock.systemUTC()),
            new InMemoryMesh(new InMemoryMesh.Network(Executors.newSingleThreadExecutor())), Clock.systemUTC());
    final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        scheduler.close();
        executor.shutdownNow();
    }

    @Test
    void aBuiltInAgent_runsTheAction_andItsOutputIsTheTasksResult() {
        BuiltInAgent.start(scheduler, AgentRegistration.of("devops-builtin", "devops", 2, "restart"),
                work -> "{\"restarted\":" + work.spec().inputsJson() + "}", executor);

        Task task = scheduler.submit(TaskSpec.of("p", "devops.restart").withInputs("{\"service\":\"api\"}")).task();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(scheduler.get("p", task.id()).result().outputJson()).isEqualTo("{\"restarted\":{\"service\":\"api\"}}");
    }

    @Test
    void anActionRunningLongerThanItsLease_isKeptAliveByHeartbeats_andRunsOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int[] runs = {0};
        BuiltInAgent.start(scheduler, AgentRegistration.of("slow", "devops", 1, "restart"), work -> {
            synchronized (runs) {
                runs[0]++;
            }
            release.await(10, TimeUnit.SECONDS);
            return "";
        }, executor);
        Task task = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();

        // four lease durations pass while the action runs
        await().pollDelay(Duration.ofMillis(2_400)).atMost(Duration.ofSeconds(5)).until(() -> true);
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(scheduler.get("p", task.id()).attempt()).isEqualTo(1);
        assertThat(runs[0]).isEqualTo(1);
    }

    @Test
    void aRetryableFailure_isRetried_andAPermanentOneFailsTheTask() {
        int[] calls = {0};
        BuiltInAgent.start(scheduler, AgentRegistration.of("flaky", "devops", 1, "restart", "scale"), work -> {
            if (work.spec().capability().action().equals("scale")) {
                throw new IllegalStateException("no such deployment");
            }
            synchronized (calls) {
                if (calls[0]++ == 0) {
                    throw new BuiltInAgent.Failure("connection reset", true);
                }
            }
            return "";
        }, executor);

        Task retried = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();
        Task failed = scheduler.submit(TaskSpec.of("p", "devops.scale")).task();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(scheduler.get("p", retried.id()).state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(scheduler.get("p", failed.id()).state()).isEqualTo(TaskState.FAILED);
        });
        assertThat(scheduler.get("p", retried.id()).attempt()).isEqualTo(2);
        assertThat(scheduler.get("p", failed.id()).result().error()).contains("no such deployment");
    }

    @Test
    void cancellingATaskWhileItsActionRuns_interruptsTheAction() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        BuiltInAgent.start(scheduler, AgentRegistration.of("blocking", "devops", 1, "restart"), work -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "";
        }, executor);
        Task task = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        scheduler.cancel("p", task.id(), "test");

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.CANCELLED);
    }
    @Test
    void aNotInterruptibleAgent_letsARevokedActionFinish_withoutInterrupting_andItsResultIsRefused() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        boolean[] interrupted = {false};
        BuiltInAgent agent = BuiltInAgent.start(scheduler, AgentRegistration.of("in-db", "trainer", 1, "trainModel"),
                work -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted[0] = true;
                        throw e;
                    } finally {
                        finished.countDown();
                    }
                    return "{\"done\":true}";
                }, executor, false);
        Task task = scheduler.submit(TaskSpec.of("p", "trainer.trainModel")).task();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        scheduler.cancel("p", task.id(), "test");
        agent.close();
        release.countDown();

        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted[0]).as("neither the revocation nor close interrupted the action").isFalse();
        assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aRevocableAction_isToldWhenItsTaskIsCancelled_andStopsWithoutAnInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        boolean[] seen = new boolean[3]; // revoked before the cancel, revoked after it, interrupted
        BuiltInAgent.start(scheduler, AgentRegistration.of("in-db", "trainer", 1, "trainModel"),
                (work, revoked) -> {
                    try {
                        seen[0] = revoked.getAsBoolean();
                        started.countDown();
                        cancelled.await();
                        seen[1] = revoked.getAsBoolean();
                        seen[2] = Thread.currentThread().isInterrupted();
                        return "{\"done\":true}";
                    } finally {
                        finished.countDown();
                    }
                }, executor, false);
        Task task = scheduler.submit(TaskSpec.of("p", "trainer.trainModel")).task();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        scheduler.cancel("p", task.id(), "test");
        cancelled.countDown();

        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen[0]).as("not revoked while the task was live").isFalse();
        assertThat(seen[1]).as("the cancel reached the action's signal").isTrue();
        assertThat(seen[2]).as("nothing interrupted the action").isFalse();
        assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void anActionThrowingAnError_failsItsTask_insteadOfHoldingItsLeaseForEver() {
        BuiltInAgent.start(scheduler, AgentRegistration.of("broken", "devops", 1, "restart"), work -> {
            throw new NoClassDefFoundError("com/example/Missing");
        }, executor);

        Task task = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();

        // before: the Error escaped the agent's run, nothing was reported and the heartbeats extended the lease
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.FAILED));
        assertThat(scheduler.get("p", task.id()).result().error()).contains("NoClassDefFoundError", "com/example/Missing");
    }

    @Test
    void aResultTheStateFailedToTakeOnce_isSentAgain_andTheActionRunsOnce() {
        AtomicInteger reports = new AtomicInteger();
        // the first report meets a pool that cannot be reached (its owner being replaced); the second gets through
        ForwardingSchedulerState failing = new ForwardingSchedulerState(new InMemorySchedulerState(Clock.systemUTC())) {
            @Override
            public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
                if (op instanceof PoolOps.Complete && reports.getAndIncrement() == 0) {
                    throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the pool's owner left", null);
                }
                return super.pool(agentType, config, op);
            }
        };
        try (Scheduler hub = Scheduler.start(SchedulerSettings.defaults("hub-2").withSweepInterval(Duration.ofMillis(50)),
                failing, new InMemoryMesh(new InMemoryMesh.Network(Runnable::run)), Clock.systemUTC())) {
            AtomicInteger runs = new AtomicInteger();
            BuiltInAgent agent = BuiltInAgent.start(hub, AgentRegistration.of("devops-1", "devops", 1, "restart"),
                    work -> "{\"run\":" + runs.incrementAndGet() + "}", executor);

            Task task = hub.submit(TaskSpec.of("p", "devops.restart")).task();

            // before: the result was dropped at its first failure, and the action ran again once the lease expired
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(hub.get("p", task.id()).state()).isEqualTo(TaskState.SUCCEEDED));
            assertThat(hub.get("p", task.id()).attempt()).isEqualTo(1);
            assertThat(runs).hasValue(1);
            assertThat(reports).hasValue(2);
            agent.close();
        }
    }

    @Test
    void aResultTheStateFailedToTakeEveryTime_letsTheLeaseExpire_andTheTaskRunsAgain() {
        AtomicInteger failedReports = new AtomicInteger();
        // the first result's every send meets a pool that cannot be reached (Hazelcast gave up on its owner)
        ForwardingSchedulerState failing = new ForwardingSchedulerState(new InMemorySchedulerState(Clock.systemUTC())) {
            @Override
            public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
                if (op instanceof PoolOps.Complete && failedReports.getAndIncrement() < BuiltInAgent.REPORT_ATTEMPTS) {
                    throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the pool's owner left", null);
                }
                return super.pool(agentType, config, op);
            }
        };
        try (Scheduler hub = Scheduler.start(SchedulerSettings.defaults("hub-2").withLease(Duration.ofMillis(600))
                        .withSweepInterval(Duration.ofMillis(50)), failing,
                new InMemoryMesh(new InMemoryMesh.Network(Runnable::run)), Clock.systemUTC())) {
            AtomicInteger runs = new AtomicInteger();
            BuiltInAgent agent = BuiltInAgent.start(hub, AgentRegistration.of("devops-1", "devops", 1, "restart"),
                    work -> "{\"run\":" + runs.incrementAndGet() + "}", executor);

            Task task = hub.submit(TaskSpec.of("p", "devops.restart")).task();

            // before: the lost report left the lease in the session, heartbeated for ever (ASSIGNED for ever)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(hub.get("p", task.id()).state()).isEqualTo(TaskState.SUCCEEDED));
            assertThat(hub.get("p", task.id()).attempt()).isEqualTo(2);
            assertThat(hub.get("p", task.id()).result().outputJson()).isEqualTo("{\"run\":2}");
            assertThat(agent.connection().leases()).isEmpty();
            agent.close();
        }
    }

    @Test
    void anActionInterruptedWithoutARevocation_letsItsLeaseExpire_andTheTaskRunsAgain() {
        AtomicInteger runs = new AtomicInteger();
        BuiltInAgent.start(scheduler, AgentRegistration.of("interrupted", "devops", 1, "restart"), work -> {
            if (runs.incrementAndGet() == 1) {
                throw new InterruptedException("the action's own client was interrupted");
            }
            return "";
        }, executor);

        Task task = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();

        // before: nothing was reported and the heartbeats extended the lease for ever
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(scheduler.get("p", task.id()).attempt()).isEqualTo(2);
    }
}
