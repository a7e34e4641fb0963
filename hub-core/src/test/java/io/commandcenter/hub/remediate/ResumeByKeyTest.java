package io.commandcenter.hub.remediate;

import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hub whose engine died after handing a node's task to the scheduler and before the task's id
 * was stored (the id is a late write): the engine that takes the run up finds the task by the
 * attempt's idempotency key when the scheduler still knows it, and never runs the action again
 * when it does not.
 */
class ResumeByKeyTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final EngineFixture f = new EngineFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** The run as the dead engine left it stored: its first node QUEUED for attempt 1, no task id. */
    private RunRecord storedAsTheDeadEngineLeftIt() {
        f.start().put(CrashMidBurst.WORKFLOW);
        f.stopEngineOnly();
        Instant now = f.clock.instant();
        RunRecord run = new RunRecord("run-1", EngineFixture.P, "burst-restart", 1, RunState.RUNNING, RunMode.AUTOMATIC,
                "prediction.created.risk", "pred-1", null, "service", "svc-1", "burst-restart:pred-1", null,
                "hub-test", "", null, now, now, null, now.plus(Duration.ofMinutes(30)), List.of(
                NodeRecord.pending("restart_service", 0, "devops", "restart", false)
                        .queued("", 1, Map.of("service", "svc-1"), now),
                NodeRecord.pending("notify", 1, "notifier", "sendSlack", false)));
        assertThat(f.store.create(run, Optional.empty(), Optional.empty())).isTrue();
        return run;
    }

    @Test
    void aTaskTheSchedulerStillKnowsByItsKey_isWaitedFor_andTheRunFinishesWithTheActionRunOnce() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, release);
        RunRecord run = storedAsTheDeadEngineLeftIt();
        // what the dead engine submitted, under the key of the node's stored attempt
        Task task = f.scheduler.submit(new TaskSpec(EngineFixture.P.value(), new Capability("devops", "restart"),
                run.workflow(), run.runId(), "restart_service", RunExecutor.json(Map.of("service", "svc-1")), 1.0, 5,
                null, new TargetRef("service", "svc-1"), true, run.runId() + ":restart_service:1", Map.of(),
                Placement.DEFAULT, 1)).task();
        await().atMost(WAIT).until(() -> entered.getCount() == 0);

        f.startEngine();
        release.countDown();

        await().atMost(WAIT).until(() -> f.onlyRun().state().isFinished());
        RunRecord done = f.onlyRun();
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.node("restart_service").taskId()).isEqualTo(task.id());
        assertThat(done.node("restart_service").attempts()).isEqualTo(1);
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(1);
    }

    @Test
    void aTaskTheSchedulerDoesNotKnow_leavesTheNodeUnknown_andTheActionIsNeverRun() {
        storedAsTheDeadEngineLeftIt();

        f.startEngine();

        await().atMost(WAIT).until(() -> f.onlyRun().state().isFinished());
        RunRecord done = f.onlyRun();
        assertThat(done.state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(done.node("restart_service").state()).isEqualTo(NodeState.UNKNOWN);
        assertThat(f.calls("restart")).isEmpty();
        assertThat(f.calls("sendSlack")).isEmpty();
    }
}
