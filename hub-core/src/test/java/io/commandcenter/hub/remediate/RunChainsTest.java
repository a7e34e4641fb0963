package io.commandcenter.hub.remediate;

import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.ManualTimers;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workflows triggered by the engine's own events about runs ({@link RunChains}): a run's events
 * start runs one step deep at most, so a workflow on {@code workflow.run} cannot feed itself, and
 * "tell Slack about every failed run" tells it once. The engine's events go on the fixture's bus
 * as a hub's do (the record itself as the payload), on a manual clock.
 */
class RunChainsTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Instant T0 = Instant.parse("2026-12-01T09:00:30Z");

    static final String TELL_EVERY_RUN = """
            name: tell-every-run
            trigger:
              on: [workflow.run]
            nodes:
              - id: tell
                agent: notifier
                action: sendSlack
                inputs:
                  message: "a run changed: $trigger.id"
            """;

    static final String TELL_FAILED_RUNS = """
            name: tell-failed-runs
            trigger:
              on: [workflow.run.failed]
            nodes:
              - id: tell
                agent: notifier
                action: sendSlack
                inputs:
                  message: "a run failed: $trigger.id"
              - id: undo
                agent: devops
                action: rollback
                inputs:
                  service: nowhere
            """;

    final ManualClock clock = new ManualClock(T0);
    final ManualTimers timers = new ManualTimers(clock);
    final EngineFixture f = new EngineFixture(new InMemoryRemediationStore(), clock, () -> timers);

    RunChainsTest() {
        f.decorateEvents = events -> onTheBus(events, f.bus);
    }

    @AfterEach
    void close() {
        f.close();
    }

    void advance(Duration by) {
        f.advance(timers, by);
    }

    @Test
    void aWorkflowOnEveryRunEvent_startsOneRunForOneEvent_andItsOwnRunsEventsStartNothing() {
        f.start().put(TELL_EVERY_RUN);

        publishAbout(rootRun("workflow.run.failed"), "workflow.run.failed");

        // the run's two events (created running, then succeeded) are about a run of the same workflow
        await().atMost(WAIT).until(() -> f.engine.chainsRefused() == 2
                && runsOf("tell-every-run").stream().allMatch(r -> r.state() == RunState.SUCCEEDED));
        advance(Duration.ofMinutes(10)); // sweeps, refreshes, windows: nothing more comes of it
        f.engine.drain();

        assertThat(runsOf("tell-every-run")).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(r.triggerSubject()).isEqualTo("workflow.run.failed");
        });
        assertThat(f.calls("sendSlack")).hasSize(1);
        assertThat(f.ledger.all()).filteredOn(e -> e.action().equals(AuditAction.RUN_DECIDED.name())).hasSize(1);
        assertThat(f.engine.chainsRefused()).isEqualTo(2);
    }

    @Test
    void aWorkflowOnEveryRunEvent_startsNothingFromTheEventsOfARunThatARunEventStarted() {
        f.start().put(TELL_EVERY_RUN);
        // another workflow's run, itself started by an event about a run
        RunRecord second = new RunRecord("run-second", EngineFixture.P, "tell-others", 1, RunState.FAILED,
                RunMode.AUTOMATIC, "workflow.run.succeeded", "ev-1", null, Target.WORKFLOW, "tell-others",
                "tell-others:ev-1", null, "hub-test", "", null, T0, T0, T0, T0.plus(Duration.ofMinutes(30)), List.of());

        publishAbout(second, "workflow.run.failed");
        refusedOnce_nothingStarted("tell-every-run");
    }

    @Test
    void tellingAboutFailedRuns_tellsOnceForAFailedRun_andNothingAboutItsOwnRunFailing() {
        f.devops = (action, inputs) -> ActionResult.failed("NO_EXECUTOR", "nothing serves " + inputs, false);
        f.start().put(EngineFixture.RESTART_ON_RISK);
        f.put(TELL_FAILED_RUNS);

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        // the notify run fails too (its rollback has no executor): its failed event is its own workflow's
        await().atMost(WAIT).until(() -> f.engine.chainsRefused() == 1
                && runsOf("tell-failed-runs").stream().allMatch(r -> r.state() == RunState.FAILED));
        advance(Duration.ofMinutes(10));
        f.engine.drain();

        assertThat(runsOf("restart-on-risk")).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(RunState.FAILED));
        RunRecord told = runsOf("tell-failed-runs").get(0);
        assertThat(runsOf("tell-failed-runs")).hasSize(1);
        assertThat(told.state()).isEqualTo(RunState.FAILED);
        assertThat(told.triggerSubject()).isEqualTo("workflow.run.failed");
        assertThat(f.calls("sendSlack")).hasSize(1);
        assertThat(f.calls("rollback")).hasSize(1);
        assertThat(f.engine.chainsRefused()).isEqualTo(1);
    }

    static final String TELL_EVERYTHING = """
            name: tell-everything
            trigger:
              on: ["*"]
            nodes:
              - id: tell
                agent: notifier
                action: sendSlack
                inputs:
                  message: "something happened: $trigger.id"
            """;

    /** The scheduler's event of a run's task, as the mesh publishes it on the run's project bus. */
    static SchedulerEvent.TaskChanged taskOf(String workflow, String runId) {
        TaskSpec spec = new TaskSpec(EngineFixture.P.value(), new Capability("notifier", "sendSlack"), workflow, runId,
                "tell", "{}", 1.0, 5, null, null, false, runId + ":tell:1", Map.of(), Placement.DEFAULT, 1);
        return new SchedulerEvent.TaskChanged(new Task("task-1", spec, TaskState.QUEUED, "", "hub-test", List.of(), 0,
                0.0, T0, T0, null, null, null), "queued", "hub-test", T0);
    }

    @Test
    void aWorkflowOnEverything_startsNothingFromTheSchedulerEventsOfItsOwnRunsTasks() {
        f.start().put(TELL_EVERYTHING);

        SchedulerEvent.TaskChanged own = taskOf("tell-everything", "run-own");
        publish(f.bus, EngineFixture.P, own.subject(), own);
        refusedOnce_nothingStarted("tell-everything");
    }

    @Test
    void aWorkflowOnEverything_startsNothingFromATaskEventOfARunThatASchedulerEventStarted() {
        f.start().put(TELL_EVERYTHING);
        // another workflow's run, started by the scheduler's event of a run's task: read on the lane
        RunRecord second = new RunRecord("run-second", EngineFixture.P, "tell-others", 1, RunState.RUNNING,
                RunMode.AUTOMATIC, "mesh.schedule.task.queued", "ev-1", null, Target.WORKFLOW, "tell-others",
                "tell-others:ev-1", null, "hub-test", "", null, T0, T0, null, T0.plus(Duration.ofMinutes(30)),
                List.of());
        assertThat(f.store.create(second, Optional.empty(), Optional.empty())).isTrue();

        SchedulerEvent.TaskChanged task = taskOf("tell-others", "run-second");
        publish(f.bus, EngineFixture.P, task.subject(), task);
        refusedOnce_nothingStarted("tell-everything");
        assertThat(RunChains.startedByARun("mesh.schedule.assignment")).isTrue();
    }

    @Test
    void aSkipDecidedOnAnEventAboutARun_isStoredSkipped_andItsOwnEventsStartNothing() {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        f.notifier = EngineFixture.holding(entered, release);
        f.start().put(TELL_EVERY_RUN);
        RunRecord root = rootRun("workflow.run.running");

        publishAbout(root, "workflow.run.running");
        await().atMost(WAIT).until(() -> runsOf("tell-every-run").size() == 1);
        long skippedBefore = f.engine.stats().skipped();
        // per_target 1 and the first run holds: this decision skips
        publishAbout(root.withState(RunState.SUCCEEDED, "", T0), "workflow.run.succeeded");
        await().atMost(WAIT).until(() -> f.engine.stats().skipped() == skippedBefore + 1);
        release.countDown();
        // two runs now (the skipped one stored too), in no set order
        await().atMost(WAIT).until(() -> runsOf("tell-every-run").stream()
                .anyMatch(r -> r.state() == RunState.SUCCEEDED));
        f.engine.drain();

        assertThat(runsOf("tell-every-run")).extracting(RunRecord::state)
                .containsExactlyInAnyOrder(RunState.SUCCEEDED, RunState.SKIPPED);
        assertThat(f.ledger.all()).filteredOn(e -> e.action().equals(AuditAction.RUN_DECIDED.name())).hasSize(2);
        assertThat(f.calls("sendSlack")).hasSize(1);
    }

    // ---- helpers

    /** Waits until one event was refused and the engine is idle: no run of {@code workflow}, no agent called. */
    void refusedOnce_nothingStarted(String workflow) {
        await().atMost(WAIT).until(() -> f.engine.chainsRefused() == 1);
        f.engine.drain();
        assertThat(runsOf(workflow)).isEmpty();
        assertThat(f.calls).isEmpty();
    }

    List<RunRecord> runsOf(String workflow) {
        return f.runs().stream().filter(r -> r.workflow().equals(workflow)).toList();
    }

    /** A run started by a prediction (a run no event about a run started). */
    static RunRecord rootRun(String subjectItEndsWith) {
        RunState state = RunState.valueOf(subjectItEndsWith.substring("workflow.run.".length())
                .toUpperCase(Locale.ROOT));
        RunRecord running = new RunRecord("run-root", EngineFixture.P, "restart-on-risk", 1, RunState.RUNNING,
                RunMode.AUTOMATIC, "prediction.created.risk", "pred-1", "pred-1", "service", "checkout",
                "restart-on-risk:pred-1", null, "hub-test", "", null, T0, T0, null, T0.plus(Duration.ofMinutes(30)),
                List.of());
        return running.withState(state, "", T0);
    }

    void publishAbout(RunRecord run, String subject) {
        publish(f.bus, run.project(), subject, run);
    }

    /** The engine's events as a hub publishes them: on the bus, the record as the payload. */
    static RemediationEvents onTheBus(RemediationEvents recorded, EventBus bus) {
        return new RemediationEvents() {
            @Override
            public void runChanged(RunRecord run, Optional<PredictionRecord> prediction) {
                recorded.runChanged(run, prediction);
                publish(bus, run.project(), "workflow.run." + run.state().name().toLowerCase(Locale.ROOT), run);
            }

            @Override
            public void approvalRequested(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                          RunRecord run) {
                recorded.approvalRequested(approval, prediction, run);
                publish(bus, approval.project(), "approval.requested", approval);
            }

            @Override
            public void approvalDecided(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                        RunRecord run) {
                recorded.approvalDecided(approval, prediction, run);
                publish(bus, approval.project(), "approval." + approval.state().wireName(), approval);
            }

            @Override
            public void outcomeObserved(ActionRecord action) {
                recorded.outcomeObserved(action);
                publish(bus, action.project(), "remediation.outcome." + action.outcome().wireName(), action);
            }
        };
    }

    static void publish(EventBus bus, ProjectId project, String subject, Object domain) {
        bus.publish(project, subject, TraceContext.newRoot(new SplittableRandom()), new Payload() {
            @Override
            public String type() {
                return "commandcenter.v1." + domain.getClass().getSimpleName();
            }

            @Override
            public String toJson() {
                return "{}";
            }

            @Override
            public <T> Optional<T> as(Class<T> type) {
                return type.isInstance(domain) ? Optional.of(type.cast(domain)) : Optional.empty();
            }
        });
    }
}
