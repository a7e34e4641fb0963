package io.commandcenter.hub.remediate;

import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.ManualTimers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
        return storedAsTheDeadEngineLeftIt(f);
    }

    private static RunRecord storedAsTheDeadEngineLeftIt(EngineFixture f) {
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
        CountDownLatch release = new CountDownLatch(1);
        Task task = heldByItsAgentUntil(release);

        f.startEngine();
        release.countDown();

        succeedsWithTheActionRunOnce(task);
    }

    /** The dead engine's task of the stored attempt, with its agent, which holds it until {@code release} opens. */
    private Task heldByItsAgentUntil(CountDownLatch release) {
        CountDownLatch entered = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, release);
        Task task = submittedByTheDeadEngine(f, storedAsTheDeadEngineLeftIt());
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        return task;
    }

    /** The run ends SUCCEEDED, its first node as {@code task}'s attempt 1, each action run once. */
    private void succeedsWithTheActionRunOnce(Task task) {
        await().atMost(WAIT).until(() -> f.onlyRun().state().isFinished());
        RunRecord done = f.onlyRun();
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.node("restart_service").state()).isEqualTo(NodeState.SUCCEEDED);
        assertThat(done.node("restart_service").taskId()).isEqualTo(task.id());
        assertThat(done.node("restart_service").attempts()).isEqualTo(1);
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(1);
    }

    /** What the dead engine submitted, under the key of the node's stored attempt. */
    private static Task submittedByTheDeadEngine(EngineFixture f, RunRecord run) {
        return f.scheduler.submit(new TaskSpec(EngineFixture.P.value(), new Capability("devops", "restart"),
                run.workflow(), run.runId(), "restart_service", RunExecutor.json(Map.of("service", "svc-1")), 1.0, 5,
                null, new TargetRef("service", "svc-1"), true, run.runId() + ":restart_service:1", Map.of(),
                Placement.DEFAULT, 1)).task();
    }

    @Test
    void aTaskFoundByItsKeyThatHasAlreadyEnded_appliesItsResult_andTheRunFinishesWithTheActionRunOnce() {
        RunRecord run = storedAsTheDeadEngineLeftIt();
        Task task = submittedByTheDeadEngine(f, run);
        await().atMost(WAIT).until(() -> f.scheduler.get(EngineFixture.P.value(), task.id()).state().isTerminal());

        f.startEngine();

        succeedsWithTheActionRunOnce(task);
    }

    @Test
    void aLookUpTheSchedulerFailsOnce_isTriedAgain_andTheRunFinishesWithTheActionRunOnce() {
        AtomicReference<FailingKeysState> state = new AtomicReference<>();
        f.decorateState = FailingKeysState.into(state, 1);
        CountDownLatch release = new CountDownLatch(1);
        Task task = heldByItsAgentUntil(release);

        f.startEngine();
        await().atMost(WAIT).until(() -> state.get().lookUps.get() >= 2);
        release.countDown();

        succeedsWithTheActionRunOnce(task);
    }

    @Test
    void aSchedulerThatNeverAnswersTheLookUp_endsTheRunInterruptedBeforeItsDeadline_andTheActionIsNeverRun() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        ManualTimers timers = new ManualTimers(clock);
        try (EngineFixture m = new EngineFixture(new InMemoryRemediationStore(), clock, () -> timers)) {
            AtomicReference<FailingKeysState> state = new AtomicReference<>();
            m.decorateState = FailingKeysState.into(state, Integer.MAX_VALUE);
            RunRecord run = storedAsTheDeadEngineLeftIt(m);

            m.startEngine();
            for (int tried = 1; tried < RunExecutor.RESUME_TRIES; tried++) {
                int lookUps = tried;
                await().atMost(WAIT).until(() -> state.get().lookUps.get() == lookUps);
                assertThat(m.onlyRun().state()).isEqualTo(RunState.RUNNING);
                assertThatThrownBy(() -> m.engine.cancel(EngineFixture.P, run.runId(), "ops", "stuck?"))
                        .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                            assertThat(e.reason()).isEqualTo("RUN_RESUMING");
                        });
                timers.advance(RunExecutor.RESUME_BACKOFF.multipliedBy(1L << (tried - 1)));
            }

            await().atMost(WAIT).until(() -> m.onlyRun().state().isFinished());
            RunRecord done = m.onlyRun();
            assertThat(state.get().lookUps.get()).isEqualTo(RunExecutor.RESUME_TRIES);
            assertThat(done.state()).isEqualTo(RunState.INTERRUPTED);
            assertThat(done.finishedAt()).isBefore(run.deadlineAt());
            assertThat(done.node("restart_service").state()).isEqualTo(NodeState.UNKNOWN);
            assertThat(done.node("restart_service").error()).contains("did not answer");
            assertThat(done.node("notify").state()).isNotIn(NodeState.PENDING, NodeState.QUEUED, NodeState.RUNNING);
            assertThat(m.calls("restart")).isEmpty();
            assertThat(m.calls("sendSlack")).isEmpty();
        }
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
