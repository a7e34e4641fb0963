package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.ManualTimers;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.SeedWorkflows;
import io.commandcenter.hub.workflow.WorkflowParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What depends on time passing — approval expiry, the blast-radius hour, outcome windows, cron —
 * on a manual clock: the engine's timers fire only when the test moves the clock, so each rule is
 * shown at its exact edge without waiting. Agents and the scheduler still run on their threads;
 * the test waits for them ({@link RemediationEngine#drain}, Awaitility), never for time.
 */
class EngineOnAManualClockTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Instant T0 = Instant.parse("2026-12-01T09:00:30Z");
    static final Duration WINDOW = Duration.ofMinutes(2);

    final ManualClock clock = new ManualClock(T0);
    /** One set of timers for every engine of the test (a second hub's too), so they fire in time order. */
    final ManualTimers timers = new ManualTimers(clock);
    final EngineFixture f = new EngineFixture(new InMemoryRemediationStore(), clock, () -> timers);
    final List<RemediationEngine> otherHubs = new ArrayList<>();

    /**
     * Moves the clock in steps of at most a second: the timers due in each step run, then the work
     * they queued on the engines' lanes is done before the next step, so work that plans more work
     * (an outcome window after a run ends) sees its own time.
     */
    void advance(Duration by) {
        Instant target = clock.instant().plus(by);
        while (clock.instant().isBefore(target)) {
            Duration left = Duration.between(clock.instant(), target);
            timers.advance(left.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : left);
            f.engine.drain();
            otherHubs.forEach(RemediationEngine::drain);
        }
    }

    EngineFixture start(String workflow) {
        f.settings = RemediationEngine.Settings.defaults().withOutcomeWindow(WINDOW)
                .withApprovalSweep(Duration.ofSeconds(5));
        f.start().put(workflow);
        return f;
    }

    @AfterEach
    void close() {
        f.close();
    }

    // ---- approvals

    @Test
    void anApprovalNobodyDecides_expiresAtItsTime_asARejection() {
        start(SeedWorkflows.AUTO_RESTART.replace("nodes:", "approval:\n  expires_after: 10m\nnodes:"));
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        String approvalId = f.onlyRun().approvalId();
        assertThat(f.store.approval(approvalId).orElseThrow().expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));

        advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(f.store.approval(approvalId).orElseThrow().state()).isEqualTo(ApprovalState.PENDING);

        advance(Duration.ofSeconds(5)); // the next sweep after the expiry
        assertThat(f.store.approval(approvalId).orElseThrow().state()).isEqualTo(ApprovalState.EXPIRED);
        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        assertThat(f.onlyRun().error()).contains("approval expired at " + T0.plus(Duration.ofMinutes(10)));
        ActionRecord expired = f.store.actionOfRun(f.onlyRun().runId()).orElseThrow();
        assertThat(expired.decision()).isEqualTo(ActionDecision.EXPIRED);
        assertThat(expired.decidedBy()).isEqualTo("hub:hub-test");
        assertThat(f.published).contains("approval.expired");
        assertThat(f.calls).isEmpty();
    }

    @Test
    void anApprovalAtItsExpiry_cannotBeApproved_evenBeforeTheSweepSawIt() {
        start(SeedWorkflows.AUTO_RESTART.replace("nodes:", "approval:\n  expires_after: 10m\nnodes:"));
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        String approvalId = f.onlyRun().approvalId();

        clock.set(T0.plus(Duration.ofMinutes(10))); // no timer ran: the sweep has not looked yet

        assertThatThrownBy(() -> f.engine.approve(EngineFixture.P, approvalId, "ana", "go"))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("APPROVAL_EXPIRED"));
        assertThat(f.store.approval(approvalId).orElseThrow().state()).isEqualTo(ApprovalState.EXPIRED);
        assertThatThrownBy(() -> f.engine.approve(EngineFixture.P, approvalId, "ana", "go"))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("APPROVAL_DECIDED"));
        f.engine.drain();
        assertThat(f.calls).isEmpty();
    }

    @Test
    void anApprovalJustBeforeItsExpiry_runsTheWorkflow() {
        start(SeedWorkflows.AUTO_RESTART.replace("nodes:", "approval:\n  expires_after: 10m\nnodes:"));
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);

        clock.set(T0.plus(Duration.ofMinutes(10)).minusMillis(1));
        Decided decided = f.engine.approve(EngineFixture.P, f.onlyRun().approvalId(), "ana", "go");

        assertThat(decided.approval().state()).isEqualTo(ApprovalState.APPROVED);
        await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.SUCCEEDED);
        assertThat(f.calls("restart")).hasSize(1);
    }

    // ---- the blast radius

    @Test
    void theBlastRadiusBudget_countsTheLastHourOnly() {
        start(SeedWorkflows.AUTO_RESTART.replace("nodes:", "concurrency:\n  per_target: 10\nnodes:"));
        for (int i = 0; i < 3; i++) {
            f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
            int n = i + 1;
            await().atMost(WAIT).until(() -> f.runs().size() == n);
            advance(Duration.ofMinutes(10));
        }
        // 30 min after the first: three automatic runs in the hour, the budget (3) is spent
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 4);
        assertThat(f.runs().get(0).state()).isEqualTo(RunState.AWAITING_APPROVAL);
        assertThat(f.store.approval(f.runs().get(0).approvalId()).orElseThrow().reasonRequested())
                .contains("blast radius: 3 automatic run(s) on the target in the last hour (budget 3)");

        // the first run falls out of the hour one hour after it was created: room for one more
        clock.set(T0.plus(Duration.ofHours(1)).plusMillis(1));
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 5);
        assertThat(f.runs().get(0).state()).isIn(RunState.RUNNING, RunState.SUCCEEDED);
        assertThat(f.runs().get(0).mode()).isEqualTo(RunMode.AUTOMATIC);
    }

    @Test
    void theBlastRadiusBudget_countsRunsStoredBeforeTheStart_readOnce() {
        // a previous life of the hub: three automatic runs on checkout in the last hour, one still running
        for (int i = 0; i < 3; i++) {
            Instant at = T0.minus(Duration.ofMinutes(50 - i));
            RunRecord r = new RunRecord("old-" + i, EngineFixture.P, "auto-restart", 1, RunState.RUNNING,
                    RunMode.AUTOMATIC, "prediction.created.risk", "e-" + i, null, "service", "checkout", "old-" + i,
                    null, "hub-test", "", null, at, at, null, at.plus(Duration.ofHours(2)), List.of());
            f.store.create(i == 2 ? r : r.withState(RunState.SUCCEEDED, "", at.plusSeconds(30)), Optional.empty(),
                    Optional.empty());
        }
        start(SeedWorkflows.AUTO_RESTART.replace("nodes:", "concurrency:\n  per_target: 10\nnodes:"));

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        f.raise(f.prediction("cart", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 5);
        f.engine.drain();

        assertThat(f.runs()).filteredOn(r -> r.targetId().equals("checkout") && !r.runId().startsWith("old-"))
                .singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(RunState.AWAITING_APPROVAL));
        assertThat(f.store.approvals(EngineFixture.P, ApprovalState.PENDING, 10)).singleElement().satisfies(a ->
                assertThat(a.reasonRequested()).contains("blast radius: 3 automatic run(s) on the target in the last hour"));
        assertThat(f.runs()).filteredOn(r -> r.targetId().equals("cart")).singleElement()
                .satisfies(r -> assertThat(r.mode()).isEqualTo(RunMode.AUTOMATIC));
        assertThat(f.engine.targetFactLoads()).as("every target read once, at start").isEqualTo(1);
    }

    @Test
    void aPauseStoredBeforeTheStart_holds_andOneSetAfterwardsToo_onAHubKeepingItsFactsInMemory() {
        f.store.put(new AutonomySetting(EngineFixture.P.value(), true, T0.minusSeconds(60), "ana", "maintenance"));
        start(SeedWorkflows.AUTO_RESTART);

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        assertThat(f.onlyRun().state()).isEqualTo(RunState.AWAITING_APPROVAL);

        f.engine.setAutonomy(EngineFixture.P.value(), false, "ana", "done");
        f.raise(f.prediction("cart", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 2);
        f.engine.drain();
        assertThat(f.runs()).filteredOn(r -> r.targetId().equals("cart")).singleElement()
                .satisfies(r -> assertThat(r.mode()).isEqualTo(RunMode.AUTOMATIC));

        f.engine.setAutonomy(AutonomySetting.GLOBAL, true, "bob", "incident");
        f.raise(f.prediction("search", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 3);
        assertThat(f.runs()).filteredOn(r -> r.targetId().equals("search")).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(RunState.AWAITING_APPROVAL));
    }

    @Test
    void aPauseAnotherWriterStored_holdsFromTheNextRefresh_onAHubKeepingItsSwitchesInMemory() {
        start(SeedWorkflows.AUTO_RESTART);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.engine.drain();
        assertThat(f.onlyRun().mode()).isEqualTo(RunMode.AUTOMATIC);

        // the one-hub rule broken: an old pod on the same database pauses the project
        f.store.put(new AutonomySetting(EngineFixture.P.value(), true, T0, "ana", "maintenance"));
        advance(f.settings.refresh());

        f.raise(f.prediction("cart", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 2);
        assertThat(f.runs()).filteredOn(r -> r.targetId().equals("cart")).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(RunState.AWAITING_APPROVAL));
    }

    @Test
    void aRunAnotherWriterStarted_countsForThisHubsDecision_aPeriodLater_onAHubKeepingItsFactsInMemory() {
        start(SeedWorkflows.AUTO_RESTART);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        // the one-hub rule broken: an old pod on the same database starts a run on the target
        f.store.create(new RunRecord("theirs", EngineFixture.P, "auto-restart", 1, RunState.RUNNING,
                RunMode.AUTOMATIC, "prediction.created.risk", "e-theirs", null, "service", "checkout", "theirs",
                null, "hub-old", "", null, T0, T0, null, T0.plus(Duration.ofHours(2)), List.of()), Optional.empty(),
                Optional.empty());

        advance(f.settings.factsMaxAge().plus(f.settings.refresh()));

        var next = f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 3);
        f.engine.drain();
        RunRecord decided = f.runs().stream().filter(r -> next.id().equals(r.predictionId())).findFirst()
                .orElseThrow();
        assertThat(decided.state()).isEqualTo(RunState.SKIPPED);
        assertThat(decided.error()).contains("already active on the target (per_target 1)");
    }

    @Test
    void aRunAnotherHubStarted_onTheTarget_countsForThisHubsDecision() {
        f.soleWriter = false;
        start(SeedWorkflows.AUTO_RESTART);
        // this hub has decided on the target before: a hub keeping counts in memory would not read them again
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        f.devops = EngineFixture.holding(null, release);
        // hub B shares the store, not the bus: only this hub hears the prediction
        io.commandcenter.hub.events.EventBus busB = new io.commandcenter.hub.events.EventBus("hub-b", clock,
                f.busExecutor, 16);
        RemediationEngine hubB = new RemediationEngine(new RemediationEngine.Ports(f.store,
                new WorkflowCatalog(f.store, new WorkflowParser(CapabilityCatalog.builtIn()), f.audit, clock),
                f.scheduler, busB, (project, id) -> Optional.empty(), (project, kind, id) -> Optional.empty(),
                RemediationEvents.none(), f.audit), clock, timers, "hub-b", f.settings).start();
        otherHubs.add(hubB);
        try {
            RunRecord byHand = hubB.trigger(EngineFixture.P, "auto-restart", null, "service", "checkout", "ana", "by hand");
            assertThat(byHand.hubId()).isEqualTo("hub-b");

            var second = f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
            await().atMost(WAIT).until(() -> f.runs().size() == 3);
            f.engine.drain();

            RunRecord decided = f.runs().stream().filter(r -> second.id().equals(r.predictionId())).findFirst()
                    .orElseThrow();
            assertThat(decided.hubId()).isEqualTo("hub-test");
            assertThat(decided.state()).isEqualTo(RunState.SKIPPED);
            assertThat(decided.error()).contains("already active on the target (per_target 1)");
        } finally {
            release.countDown();
            hubB.close();
        }
    }

    // ---- outcomes

    @Test
    void theOutcome_isJudgedAWindowAfterTheRunEnded_fromTheTargetsRiskThen() {
        start(SeedWorkflows.AUTO_RESTART);
        f.health.put("checkout", 0.12);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        String runId = f.onlyRun().runId();
        assertThat(f.onlyRun().finishedAt()).isEqualTo(T0);

        advance(WINDOW.minusSeconds(1));
        assertThat(f.store.actionOfRun(runId).orElseThrow().isJudged()).isFalse();

        advance(Duration.ofSeconds(1));
        ActionRecord judged = f.store.actionOfRun(runId).orElseThrow();
        assertThat(judged.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(judged.outcomeAt()).isEqualTo(T0.plus(WINDOW));
        assertThat(judged.riskBefore()).isEqualTo(0.93);
        assertThat(judged.riskAfter()).isEqualTo(0.12);
        assertThat(f.store.run(runId).orElseThrow().outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(f.published).contains("remediation.outcome.recovered");
    }

    @Test
    void aRunAPersonTriggered_isJudgedAWindowAfterItEnded_too() {
        start(SeedWorkflows.AUTO_RESTART);
        f.health.put("checkout", 0.12);
        RunRecord run = f.engine.trigger(EngineFixture.P, "auto-restart", null, "service", "checkout", "ana", "drill");
        await().atMost(WAIT).until(() -> f.store.run(run.runId()).orElseThrow().state() == RunState.SUCCEEDED);

        advance(WINDOW.minusSeconds(1));
        assertThat(f.store.actionOfRun(run.runId()).orElseThrow().isJudged()).isFalse();

        advance(Duration.ofSeconds(1));
        ActionRecord judged = f.store.actionOfRun(run.runId()).orElseThrow();
        assertThat(judged.decision()).isEqualTo(ActionDecision.MANUAL);
        assertThat(judged.decidedBy()).isEqualTo("ana");
        assertThat(judged.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(judged.outcomeAt()).isEqualTo(T0.plus(WINDOW));
        assertThat(judged.riskAfter()).isEqualTo(0.12);
    }

    @Test
    void aRiskThatRoseByTheMargin_isWorse_andOneThatStayedHigh_isNotRecovered() {
        start(SeedWorkflows.AUTO_RESTART);
        f.health.put("checkout", 0.98);
        f.health.put("search", 0.95);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        f.raise(f.prediction("search", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 2
                && f.runs().stream().allMatch(r -> r.state() == RunState.SUCCEEDED));

        advance(WINDOW);

        assertThat(f.runs()).allSatisfy(r -> assertThat(r.outcome()).isNotNull());
        assertThat(f.runs().stream().filter(r -> r.targetId().equals("checkout")).findFirst().orElseThrow().outcome())
                .as("0.98 >= 0.93 + 0.05").isEqualTo(Outcome.WORSE);
        assertThat(f.runs().stream().filter(r -> r.targetId().equals("search")).findFirst().orElseThrow().outcome())
                .as("0.95 < 0.93 + 0.05 but above the threshold").isEqualTo(Outcome.NOT_RECOVERED);
    }

    @Test
    void aTargetWithoutTelemetryAtTheEndOfTheWindow_getsOneMoreWindow() {
        start(SeedWorkflows.AUTO_RESTART);
        AtomicInteger reads = new AtomicInteger();
        f.probe = (project, kind, id) -> reads.incrementAndGet() == 1 ? Optional.empty()
                : Optional.of(new HealthProbe.Reading(0.1, "{}"));
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);

        advance(WINDOW);
        assertThat(reads.get()).isEqualTo(1);
        assertThat(f.store.actionOfRun(f.onlyRun().runId()).orElseThrow().isJudged()).isFalse();

        advance(WINDOW);
        ActionRecord judged = f.store.actionOfRun(f.onlyRun().runId()).orElseThrow();
        assertThat(judged.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(judged.outcomeAt()).isEqualTo(T0.plus(WINDOW).plus(WINDOW));
        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void aTargetThatStopsReporting_isNotRecovered_afterTheSecondWindow() {
        start(SeedWorkflows.AUTO_RESTART);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);

        advance(WINDOW.plus(WINDOW));

        ActionRecord judged = f.store.actionOfRun(f.onlyRun().runId()).orElseThrow();
        assertThat(judged.outcome()).isEqualTo(Outcome.NOT_RECOVERED);
        assertThat(judged.riskAfter()).isNull();
        assertThat(judged.outcomeJson()).contains("nor one window later");
    }

    @Test
    void aProbeAnsweringThatTheEngineIsClosed_leavesTheOutcomeUnjudged_neverNotRecovered() {
        start(SeedWorkflows.AUTO_RESTART);
        f.probe = (project, kind, id) -> {
            throw io.commandcenter.common.error.CommandCenterException.unavailable(
                    io.commandcenter.hub.predict.PredictiveEngine.ENGINE_CLOSED, "the predictive engine is closed", null);
        };
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);

        // both the window and the one more a target without telemetry gets: a closing engine is not "no telemetry"
        advance(WINDOW.plus(WINDOW));

        ActionRecord action = f.store.actionOfRun(f.onlyRun().runId()).orElseThrow();
        assertThat(action.isJudged()).isFalse();
        assertThat(f.onlyRun().outcome()).isNull();
        assertThat(f.published).noneMatch(s -> s.startsWith("remediation.outcome."));
    }

    @Test
    void aHealthReadThatFailsAtTheLastChance_leavesTheOutcomeUnjudged_notNotRecovered() {
        start(SeedWorkflows.AUTO_RESTART);
        AtomicInteger reads = new AtomicInteger();
        f.probe = (project, kind, id) -> {
            if (reads.incrementAndGet() == 1) {
                return Optional.empty(); // no telemetry at the end of the window: one more window
            }
            throw io.commandcenter.common.error.CommandCenterException.unavailable("ENGINE_BUSY",
                    "the predictive engine did not answer in 10 s", null);
        };
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);

        advance(WINDOW.plus(WINDOW));

        assertThat(reads.get()).isEqualTo(2);
        assertThat(f.store.actionOfRun(f.onlyRun().runId()).orElseThrow().isJudged()).isFalse();
        assertThat(f.published).noneMatch(s -> s.startsWith("remediation.outcome."));
    }

    @Test
    void aRejection_isJudgedToo_soARecoveryWithoutActionSaysTheModelCriedWolf() {
        start(SeedWorkflows.AUTO_RESTART);
        f.health.put("payments", 0.05);
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);

        f.engine.reject(EngineFixture.P, f.onlyRun().approvalId(), "bob", "looks fine to me");
        advance(WINDOW);

        ActionRecord judged = f.store.actionOfRun(f.onlyRun().runId()).orElseThrow();
        assertThat(judged.decision()).isEqualTo(ActionDecision.REJECTED);
        assertThat(judged.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(f.calls).isEmpty();
    }

    // ---- cron

    @Test
    void aCronMinute_firedByTwoHubsAtOnce_startsOneRun() {
        f.soleWriter = false;
        start("""
                name: every-minute
                trigger:
                  schedule: "* * * * *"
                nodes:
                  - id: report
                    agent: notifier
                    action: sendSlack
                    inputs:
                      message: "scheduled at $trigger.id"
                """);
        RemediationEngine hubB = new RemediationEngine(new RemediationEngine.Ports(f.store,
                new WorkflowCatalog(f.store, new WorkflowParser(CapabilityCatalog.builtIn()), f.audit, clock),
                f.scheduler, f.bus, (project, id) -> Optional.empty(), (project, kind, id) -> Optional.empty(),
                RemediationEvents.none(), f.audit), clock, timers, "hub-b", f.settings).start();
        otherHubs.add(hubB);
        try {
            Instant minute = Instant.parse("2026-12-01T09:01:00Z");
            advance(Duration.between(T0, minute).minusMillis(1));
            assertThat(f.runs()).as("nothing before the minute").isEmpty();

            advance(Duration.ofMillis(1));

            assertThat(f.runs()).singleElement().satisfies(r -> {
                assertThat(r.mode()).isEqualTo(RunMode.SCHEDULED);
                assertThat(r.triggerId()).isEqualTo(minute.toString());
            });
            assertThat(f.engine.stats().duplicates() + hubB.stats().duplicates()).as("the other hub found it taken")
                    .isEqualTo(1);
            await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.SUCCEEDED);
            assertThat(f.calls("sendSlack")).singleElement().satisfies(c ->
                    assertThat(c.inputs()).containsEntry("message", "scheduled at " + minute));
        } finally {
            hubB.close();
        }
    }
}
