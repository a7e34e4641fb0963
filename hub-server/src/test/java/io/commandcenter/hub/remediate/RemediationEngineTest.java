package io.commandcenter.hub.remediate;

import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.ManualTimers;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.workflow.SeedWorkflows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The engine on real parts and real time, on the database (H2): predictions on the bus become runs,
 * approvals, actions and outcomes. What depends on time passing (expiry, outcome windows, cron) is
 * shown on a manual clock in hub-core's {@code EngineOnAManualClockTest}.
 */
class RemediationEngineTest {
    /** Seed 3.2, exactly as written. */
    static final String AUTO_RESTART = SeedWorkflows.AUTO_RESTART;
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    EngineFixture f;

    Database database;

    EngineFixture start() {
        database = Database.open(DatabaseSettings.embedded(dir));
        f = new EngineFixture(new JpaRemediationStore(database), Clock.systemUTC(), null).start();
        return f;
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aConfidentPrediction_runsTheSeedWorkflow_restartThenNotify_andRecordsTheOutcome() {
        start().put(AUTO_RESTART);
        f.health.put("checkout", 0.12);

        PredictionRecord p = f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        RunRecord run = f.onlyRun();
        assertThat(run.mode()).isEqualTo(RunMode.AUTOMATIC);
        assertThat(run.predictionId()).isEqualTo(p.id());
        assertThat(run.nodes()).extracting(NodeRecord::nodeId, NodeRecord::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("restart_service", NodeState.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("notify", NodeState.SUCCEEDED));
        assertThat(f.calls).extracting(EngineFixture.Call::action).containsExactly("restart", "sendSlack");
        assertThat(f.calls.get(0).inputs()).isEqualTo(Map.of("service", "checkout"));
        assertThat(f.calls.get(1).inputs()).isEqualTo(Map.of("message",
                "Service checkout restarted after predicted failure."));
        assertThat(f.calls.get(1).at()).isAfterOrEqualTo(f.calls.get(0).at());

        await().atMost(WAIT).until(() -> f.store.actionOfRun(run.runId()).orElseThrow().isJudged());
        ActionRecord action = f.store.actionOfRun(run.runId()).orElseThrow();
        assertThat(action.decision()).isEqualTo(ActionDecision.AUTOMATIC);
        assertThat(action.predictionId()).isEqualTo(p.id());
        assertThat(action.riskBefore()).isEqualTo(0.93);
        assertThat(action.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(action.riskAfter()).isEqualTo(0.12);
        assertThat(f.store.run(run.runId()).orElseThrow().outcome()).isEqualTo(Outcome.RECOVERED);
        // events leave after the commit that records them (the journal's writer), so they may trail the store
        await().atMost(WAIT).untilAsserted(() -> assertThat(f.published).contains("workflow.run.running",
                "workflow.run.succeeded", "remediation.outcome.recovered"));
    }

    @Test
    void aPredictionTheFiltersRefuse_startsNothing() {
        start().put(AUTO_RESTART);

        f.raise(f.prediction("checkout", 0.93, 0.95, "scale"));
        f.raise(f.prediction("search", 0.95, 0.97, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.engine.drain();
        assertThat(f.onlyRun().targetId()).isEqualTo("search");
    }

    @Test
    void aLowConfidencePrediction_waitsForAPerson_andRunsOnlyOnceApproved() {
        start().put(AUTO_RESTART);

        PredictionRecord p = f.raise(f.prediction("payments", 0.88, 0.62, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        RunRecord waiting = f.onlyRun();
        assertThat(waiting.state()).isEqualTo(RunState.AWAITING_APPROVAL);
        ApprovalRecord approval = f.engine.approvals(EngineFixture.P, null, 10).get(0);
        assertThat(approval.predictionId()).isEqualTo(p.id());
        assertThat(approval.reasonRequested()).contains("confidence 0.62 is below 0.90");
        assertThat(f.calls).isEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(f.published).contains("approval.requested"));

        Decided decided = f.engine.approve(EngineFixture.P, approval.approvalId(), "ana",
                "looked at the dashboard");

        assertThat(decided.approval().state()).isEqualTo(ApprovalState.APPROVED);
        await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.SUCCEEDED);
        assertThat(f.onlyRun().mode()).isEqualTo(RunMode.APPROVED);
        assertThat(f.calls(("restart"))).hasSize(1);
        ActionRecord action = f.store.actionOfRun(waiting.runId()).orElseThrow();
        assertThat(action.decision()).isEqualTo(ActionDecision.APPROVED);
        assertThat(action.decidedBy()).isEqualTo("ana");
        assertThat(action.reason()).isEqualTo("looked at the dashboard");
        assertThatThrownBy(() -> f.engine.reject(EngineFixture.P, approval.approvalId(), "bob", "too late"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("APPROVAL_DECIDED"));
    }

    @Test
    void aRejectedApproval_runsNothing_andIsRecordedAsADecision() {
        start().put(AUTO_RESTART);
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.engine.approvals(EngineFixture.P, null, 10).size() == 1);
        ApprovalRecord approval = f.engine.approvals(EngineFixture.P, null, 10).get(0);

        f.engine.reject(EngineFixture.P, approval.approvalId(), "bob", "maintenance window");

        RunRecord run = f.onlyRun();
        assertThat(run.state()).isEqualTo(RunState.REJECTED);
        assertThat(run.error()).isEqualTo("rejected by bob: maintenance window");
        assertThat(run.nodes()).allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.SKIPPED));
        assertThat(f.store.actionOfRun(run.runId()).orElseThrow().decision()).isEqualTo(ActionDecision.REJECTED);
        f.engine.drain();
        assertThat(f.calls).isEmpty();
        assertThatThrownBy(() -> f.engine.approve(EngineFixture.P, approval.approvalId(), "ana", ""))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("APPROVAL_DECIDED"));
    }

    @Test
    void theSameTriggerTwice_startsOneRun() {
        start().put(AUTO_RESTART);
        PredictionRecord p = f.prediction("checkout", 0.93, 0.95, "restart");

        f.raise(p);
        f.raise(p);

        await().atMost(WAIT).until(() -> f.engine.stats().duplicates() == 1);
        assertThat(f.runs()).hasSize(1);
    }

    @Test
    void manySimultaneousPredictionsOnOneService_startOneRestart_andTheBudgetSendsTheRestToAPerson() throws Exception {
        start().put(AUTO_RESTART.replace("nodes:", "blast_radius:\n  max_per_hour: 2\nnodes:"));
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(null, release);

        for (int i = 0; i < 30; i++) {
            f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        }
        await().atMost(WAIT).until(() -> f.runs().size() == 30);
        f.engine.drain();

        assertThat(f.runs()).filteredOn(r -> r.state() == RunState.RUNNING).hasSize(1);
        assertThat(f.runs()).filteredOn(r -> r.state() == RunState.SKIPPED).hasSize(29)
                .allSatisfy(r -> assertThat(r.error()).contains("already active on the target"));
        release.countDown();
        await().atMost(WAIT).until(() -> f.runs().stream().noneMatch(r -> r.state() == RunState.RUNNING));

        // a second automatic run is within the budget of 2 an hour; the third asks a person
        f.devops = (a, in) -> ActionResult.done("{}");
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().stream().filter(r -> r.state() == RunState.SUCCEEDED).count() == 2);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().stream().anyMatch(r -> r.state() == RunState.AWAITING_APPROVAL));

        assertThat(f.calls("restart")).hasSize(2);
        RunRecord waiting = f.runs().stream().filter(r -> r.state() == RunState.AWAITING_APPROVAL).findFirst()
                .orElseThrow();
        assertThat(waiting.error()).contains("blast radius: 2 automatic run(s) on the target in the last hour");
    }

    @Test
    void theKillSwitch_turnsConfidentPredictionsIntoApprovals_untilLifted() {
        start().put(AUTO_RESTART);

        f.engine.setAutonomy(EngineFixture.P.value(), true, "ana", "incident review");
        f.raise(f.prediction("checkout", 0.93, 0.99, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);

        assertThat(f.onlyRun().state()).isEqualTo(RunState.AWAITING_APPROVAL);
        assertThat(f.onlyRun().error()).contains("automatic actions are paused in project demo by ana (incident review)");
        assertThat(f.calls).isEmpty();

        f.engine.setAutonomy(EngineFixture.P.value(), false, "ana", "");
        f.raise(f.prediction("search", 0.93, 0.99, "restart"));
        await().atMost(WAIT).until(() -> f.runs().stream().anyMatch(r -> r.targetId().equals("search")
                && r.state() == RunState.SUCCEEDED));
    }

    @Test
    void pausingGlobally_stopsTheNextNodeOfARunningAutomaticRun() {
        start().put(AUTO_RESTART);
        CountDownLatch inRestart = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(inRestart, release);
        f.raise(f.prediction("checkout", 0.93, 0.99, "restart"));
        await().atMost(WAIT).until(() -> inRestart.getCount() == 0);

        f.engine.setAutonomy("global", true, "ana", "stop everything");
        release.countDown();

        await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.CANCELLED);
        RunRecord run = f.onlyRun();
        assertThat(run.node("restart_service").state()).isEqualTo(NodeState.SUCCEEDED);
        assertThat(run.node("notify").state()).isEqualTo(NodeState.CANCELLED);
        assertThat(run.error()).contains("automatic actions paused by ana: stop everything");
        assertThat(f.calls("sendSlack")).isEmpty();
    }

    @Test
    void aFailingNode_isRetriedWithBackoff_untilItSucceeds() {
        start().put(AUTO_RESTART.replace("      service: $entity.id", """
                      service: $entity.id
                    retry:
                      max_attempts: 3
                      backoff: 50ms
                """.stripTrailing()));
        AtomicInteger attempts = new AtomicInteger();
        f.devops = (a, in) -> attempts.incrementAndGet() < 3
                ? ActionResult.failed("HTTP_503", "admin endpoint busy", true) : ActionResult.done("{}");

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        assertThat(f.onlyRun().node("restart_service").attempts()).isEqualTo(3);
        assertThat(f.calls("restart")).hasSize(3);
    }

    @Test
    void aFinalFailure_skipsTheDependents_runsTheCompensation_andFailsTheRun() {
        start().put("""
                name: guarded-restart
                trigger:
                  on: [prediction.created]
                nodes:
                  - id: restart_service
                    agent: devops
                    action: restart
                    inputs: {service: $entity.id}
                    retry: {max_attempts: 3, backoff: 50ms, non_retryable: [UNSAFE_INPUT]}
                    on_failure: rollback
                  - id: notify
                    agent: notifier
                    action: sendSlack
                    inputs: {message: "restarted $entity.id"}
                  - id: rollback
                    agent: devops
                    action: rollback
                    inputs: {service: $entity.id}
                """);
        f.devops = (a, in) -> a.equals("restart") ? ActionResult.failed("UNSAFE_INPUT", "refused", false)
                : ActionResult.done("{}");

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.FAILED);
        RunRecord run = f.onlyRun();
        assertThat(run.node("restart_service").state()).isEqualTo(NodeState.FAILED);
        assertThat(run.node("restart_service").attempts()).isEqualTo(1);
        assertThat(run.node("restart_service").error()).isEqualTo("UNSAFE_INPUT: refused");
        assertThat(run.node("notify").state()).isEqualTo(NodeState.SKIPPED);
        assertThat(run.node("rollback").state()).isEqualTo(NodeState.SUCCEEDED);
        assertThat(run.error()).isEqualTo("restart_service: UNSAFE_INPUT: refused");
        assertThat(f.calls).extracting(EngineFixture.Call::action).containsExactly("restart", "rollback");
    }

    @Test
    void aNotificationThatKeepsFailing_isRetried_butNeverFailsTheRemediation() {
        start().put(AUTO_RESTART.replace("message: \"Service $entity.id restarted after predicted failure.\"", """
                message: "Service $entity.id restarted after predicted failure."
                    retry: {max_attempts: 2, backoff: 50ms}
                """.stripTrailing()));
        f.notifier = (a, in) -> ActionResult.failed("HTTP_UNREACHABLE", "slack is down", true);

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state().isFinished());
        RunRecord run = f.onlyRun();
        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.node("notify").state()).isEqualTo(NodeState.FAILED);
        assertThat(run.node("notify").attempts()).isEqualTo(2);
        assertThat(f.calls("restart")).hasSize(1);
    }

    @Test
    void aNodeWithoutAnAnswer_timesOut_andTheRunFails() {
        start().put(AUTO_RESTART.replace("      service: $entity.id", """
                      service: $entity.id
                    timeout: 300ms
                """.stripTrailing()));
        CountDownLatch never = new CountDownLatch(1);
        f.devops = EngineFixture.holding(null, never);

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.FAILED);
        assertThat(f.onlyRun().node("restart_service").error()).startsWith("TIMEOUT: no result within PT0.3S");
        assertThat(f.onlyRun().node("notify").state()).isEqualTo(NodeState.SKIPPED);
        never.countDown();
    }

    @Test
    void cancellingARun_stopsItsTask_andNothingElseStarts() {
        start().put(AUTO_RESTART);
        CountDownLatch inRestart = new CountDownLatch(1);
        f.devops = EngineFixture.holding(inRestart, new CountDownLatch(1)); // interrupted when the lease is revoked
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> inRestart.getCount() == 0);

        RunRecord cancelled = f.engine.cancel(EngineFixture.P, f.onlyRun().runId(), "ana", "wrong service");

        assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
        assertThat(cancelled.error()).isEqualTo("cancelled by ana: wrong service");
        assertThat(cancelled.nodes()).allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.CANCELLED));
        assertThat(f.store.run(cancelled.runId()).orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThatThrownBy(() -> f.engine.cancel(EngineFixture.P, cancelled.runId(), "ana", ""))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("RUN_FINISHED"));
        f.engine.drain();
        assertThat(f.calls("sendSlack")).isEmpty();
    }

    @Test
    void aPersonMayTriggerAWorkflow_butNotTwiceOnTheSameTargetAtOnce() {
        start().put(AUTO_RESTART);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(null, release);

        RunRecord run = f.engine.trigger(EngineFixture.P, "auto-restart", "", "service", "auth", "ana", "drill");

        assertThat(run.mode()).isEqualTo(RunMode.MANUAL);
        assertThatThrownBy(() -> f.engine.trigger(EngineFixture.P, "auto-restart", "", "service", "auth", "bob", ""))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("TARGET_BUSY"));
        assertThatThrownBy(() -> f.engine.trigger(EngineFixture.P, "nope", "", "service", "auth", "bob", ""))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason())
                        .isEqualTo("WORKFLOW_NOT_FOUND"));
        release.countDown();
        await().atMost(WAIT).until(() -> f.engine.run(EngineFixture.P, run.runId()).state() == RunState.SUCCEEDED);
        assertThat(f.calls("restart").get(0).inputs()).containsEntry("service", "auth");
        assertThat(f.store.actionOfRun(run.runId()).orElseThrow().decision()).isEqualTo(ActionDecision.MANUAL);
    }

    @Test
    void aDryRun_showsTheDecisionAndTheRenderedInputs_andDoesNothing() {
        start();
        WorkflowCatalog.Entry entry = f.put(AUTO_RESTART);
        PredictionRecord p = f.prediction("checkout", 0.93, 0.62, "restart");
        f.predictions.put(p.id(), p);

        DryRun dry = f.engine.dryRun(EngineFixture.P, entry.workflow(), 1,
                java.util.Optional.of(p), null, null);

        assertThat(dry.matches()).isTrue();
        assertThat(dry.decision().kind()).isEqualTo(Decision.Kind.APPROVAL);
        assertThat(dry.nodes()).extracting(DryRun.Node::inputs).containsExactly(
                Map.of("service", "checkout"), Map.of("message", "Service checkout restarted after predicted failure."));
        DryRun other = f.engine.dryRun(EngineFixture.P, entry.workflow(), 1,
                java.util.Optional.of(f.prediction("checkout", 0.93, 0.95, "scale")), null, null);
        assertThat(other.matches()).isFalse();
        assertThat(other.matchReason()).contains("filter recommendedAction does not hold for scale");
        assertThat(f.runs()).isEmpty();
        assertThat(f.calls).isEmpty();
    }

    @Test
    void aHubRestartedWhileAnActionWasWithAnAgent_marksTheRunInterrupted_andNeverRunsTheActionTwice() {
        start().put(AUTO_RESTART);
        CountDownLatch inRestart = new CountDownLatch(1);
        f.devops = EngineFixture.holding(inRestart, new CountDownLatch(1));
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> inRestart.getCount() == 0);

        f.stopEngine(); // the scheduler's in-memory state dies with it, as in a crash of a lone hub
        f.devops = (a, in) -> ActionResult.done("{}");
        f.start();

        await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.INTERRUPTED);
        RunRecord run = f.onlyRun();
        assertThat(run.node("restart_service").state()).isEqualTo(NodeState.UNKNOWN);
        assertThat(run.node("notify").state()).isEqualTo(NodeState.CANCELLED);
        assertThat(run.error()).contains("restart_service").contains("rather than risk running an action twice");
        f.engine.drain();
        assertThat(f.calls("restart")).hasSize(1);
    }

    @Test
    void aHubRestartedWhileANodeWaitedToRetry_resumesTheRun_andFinishesIt() {
        start().put(AUTO_RESTART.replace("message: \"Service $entity.id restarted after predicted failure.\"", """
                message: "Service $entity.id restarted after predicted failure."
                    retry: {max_attempts: 3, backoff: 2s, jitter: 0}
                """.stripTrailing()));
        f.notifier = (a, in) -> ActionResult.failed("HTTP_503", "slack busy", true);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1
                && f.onlyRun().node("notify").state() == NodeState.RETRY_WAIT);

        f.stopEngine();
        f.notifier = (a, in) -> ActionResult.done("{}");
        f.start();

        await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.SUCCEEDED);
        assertThat(f.onlyRun().node("notify").attempts()).isEqualTo(2);
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(2);
    }

    @Test
    void aWorkflowChangedMidRun_doesNotChangeTheRun_whichStaysPinnedToItsRevision() {
        start().put(AUTO_RESTART);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(null, release);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);

        WorkflowCatalog.Entry second = f.put(AUTO_RESTART.replace("after predicted failure.", "(revision 2)."));
        release.countDown();

        await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.SUCCEEDED);
        assertThat(second.revision().revision()).isEqualTo(2);
        assertThat(f.onlyRun().revision()).isEqualTo(1);
        assertThat(f.calls("sendSlack").get(0).inputs().get("message")).endsWith("after predicted failure.");
    }

    @Test
    void predictionsOfOtherProjects_doNotStartThisProjectsWorkflows() {
        start().put(AUTO_RESTART);
        PredictionRecord other = f.prediction("checkout", 0.93, 0.95, "restart");
        PredictionRecord elsewhere = new PredictionRecord(other.id(), io.commandcenter.hub.project.ProjectId.of("other"),
                other.targetKind(), other.targetId(), other.type(), other.risk(), other.confidence(),
                other.recommendedAction(), other.factors(), other.modelName(), other.modelVersion(), other.threshold(),
                other.traceId(), other.modelRunId(), other.observedAt(), other.createdAt());

        f.raise(elsewhere);
        f.raise(f.prediction("search", 0.93, 0.95, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.engine.drain();
        assertThat(f.runs()).extracting(RunRecord::targetId).containsExactly("search");
        assertThat(f.store.runs(io.commandcenter.hub.project.ProjectId.of("other"),
                new RemediationStore.RunQuery(null, null, null, 10, null, null))).isEmpty();
        assertThat(List.of(f.engine.stats().triggers())).containsExactly(1L);
    }

    /**
     * A run left waiting for an approval that is decided — the hub that decided stopped before it wrote
     * the run — is repaired by the sweep that reads the unfinished runs, once the decision is older than
     * {@code Approvals.REPAIR_AFTER} (on a manual
     * clock; hub-core's {@code ApprovalAndRunAgreeTest} shows the rest on the in-memory store).
     */
    @Test
    void aRunWaitingForAnApprovalDecidedElsewhere_isInterruptedByASweepPastTheBound_nothingRuns() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:30Z"));
        ManualTimers timers = new ManualTimers(clock);
        database = Database.open(DatabaseSettings.embedded(dir));
        f = new EngineFixture(new JpaRemediationStore(database), clock, () -> timers).start();
        f.put(AUTO_RESTART);
        f.raise(f.prediction("payments", 0.88, 0.62, "restart")); // below 0.9: a person decides
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.engine.drain();
        RunRecord waiting = f.onlyRun();
        assertThat(waiting.state()).isEqualTo(RunState.AWAITING_APPROVAL);

        // another hub approved, then stopped before writing the run
        ApprovalRecord pending = f.store.approval(waiting.approvalId()).orElseThrow();
        assertThat(f.store.decide(pending.decided(ApprovalState.APPROVED, "bob", "go", clock.instant()))).isTrue();

        f.advance(timers, Approvals.REPAIR_AFTER.minus(f.settings.leaseTtl().dividedBy(2)));
        assertThat(f.onlyRun().state()).as("decided too recently: the deciding hub may still be writing it")
                .isEqualTo(RunState.AWAITING_APPROVAL);
        f.advance(timers, f.settings.leaseTtl()); // a sweep (every half TTL) comes after the bound

        RunRecord repaired = f.onlyRun();
        assertThat(repaired.state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(repaired.error()).contains("approved by bob").contains("nothing ran");
        assertThat(repaired.nodes()).isNotEmpty()
                .allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.SKIPPED));
        assertThat(f.calls).isEmpty();
    }
}
