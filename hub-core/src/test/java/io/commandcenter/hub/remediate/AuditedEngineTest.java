package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.json.Json;
import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.ManualTimers;
import io.commandcenter.hub.workflow.SeedWorkflows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every decision of the engine and every person's say is one entry of the audit ledger, written
 * where it is decided, before its effects — and a ledger that fails never stops the engine.
 */
class AuditedEngineTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Instant T0 = Instant.parse("2026-12-01T09:00:30Z");
    static final String ASKS = SeedWorkflows.AUTO_RESTART.replace("nodes:", "approval:\n  expires_after: 10m\nnodes:");

    final ManualClock clock = new ManualClock(T0);
    final ManualTimers timers = new ManualTimers(clock);
    final EngineFixture f = new EngineFixture(new InMemoryRemediationStore(), clock, () -> timers);

    EngineFixture start(String workflow) {
        f.start().put(workflow);
        return f;
    }

    @AfterEach
    void close() {
        f.close();
        assertThat(f.ledger.verify(List.of()).intact()).as("the chain the test left").isTrue();
    }

    /** The ledger's entries other than the workflow stored at start, oldest first. */
    List<AuditEntry> entries() {
        return f.ledger.all().stream().filter(e -> !e.action().equals("WORKFLOW_CHANGED")).toList();
    }

    static Map<String, Object> detail(AuditEntry e) {
        return Json.parseObject(e.detail());
    }

    @Test
    void anAutomaticDecision_isRecordedByTheEngine_beforeItsFirstNodeRuns() {
        List<Integer> entriesWhenTheAgentRan = new CopyOnWriteArrayList<>();
        f.devops = (action, inputs) -> {
            entriesWhenTheAgentRan.add(entries().size());
            return ActionResult.done("{}");
        };
        start(SeedWorkflows.AUTO_RESTART);

        var p = f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);

        assertThat(entriesWhenTheAgentRan).containsExactly(1);
        assertThat(entries()).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("RUN_DECIDED");
            assertThat(e.actor()).isEqualTo("engine");
            assertThat(e.project()).isEqualTo("demo");
            assertThat(e.subject()).isEqualTo("run:" + f.onlyRun().runId());
            assertThat(e.time()).isEqualTo(T0);
            assertThat(detail(e)).containsEntry("decision", "automatic").containsEntry("workflow", "auto-restart")
                    .containsEntry("target", "service:checkout").containsEntry("prediction", p.id())
                    .containsEntry("confidence", 0.95).doesNotContainKey("approval");
        });
    }

    @Test
    void aDecisionToAsk_andThePersonsApproval_areTwoEntries() {
        start(ASKS);
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        String approvalId = f.onlyRun().approvalId();

        clock.advance(Duration.ofMinutes(1));
        f.engine.approve(EngineFixture.P, approvalId, "ana", "checked the dashboard");
        await().atMost(WAIT).until(() -> f.onlyRun().state() == RunState.SUCCEEDED);

        assertThat(entries()).extracting(AuditEntry::action).containsExactly("RUN_DECIDED", "APPROVAL_APPROVED");
        assertThat(detail(entries().get(0))).containsEntry("decision", "approval").containsEntry("approval", approvalId)
                .hasEntrySatisfying("reason", r -> assertThat((String) r).contains("confidence 0.62 is below 0.90"));
        AuditEntry approved = entries().get(1);
        assertThat(approved.actor()).isEqualTo("ana");
        assertThat(approved.subject()).isEqualTo("approval:" + approvalId);
        assertThat(approved.time()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        assertThat(detail(approved)).containsEntry("run", f.onlyRun().runId())
                .containsEntry("reason", "checked the dashboard");
    }

    @Test
    void aRejection_andAnExpiry_areRecorded_withWhoDecided() {
        start(ASKS);
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        f.raise(f.prediction("search", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 2);
        RunRecord search = f.runs().stream().filter(r -> r.targetId().equals("search")).findFirst().orElseThrow();

        f.engine.reject(EngineFixture.P, search.approvalId(), "bob", "maintenance window");
        for (int i = 0; i < 11; i++) {
            timers.advance(Duration.ofMinutes(1));
            f.engine.drain();
        }

        assertThat(entries()).extracting(AuditEntry::action)
                .containsExactly("RUN_DECIDED", "RUN_DECIDED", "APPROVAL_REJECTED", "APPROVAL_EXPIRED");
        assertThat(entries().get(2).actor()).isEqualTo("bob");
        assertThat(detail(entries().get(2))).containsEntry("reason", "maintenance window");
        assertThat(entries().get(3).actor()).isEqualTo("hub:hub-test");
    }

    @Test
    void aSkip_isADecisionToo() {
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(null, release);
        try {
            start(SeedWorkflows.AUTO_RESTART);
            f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
            await().atMost(WAIT).until(() -> f.runs().size() == 1);
            f.raise(f.prediction("checkout", 0.94, 0.95, "restart"));
            await().atMost(WAIT).until(() -> f.runs().size() == 2);
            f.engine.drain();

            assertThat(entries()).extracting(e -> detail(e).get("decision")).containsExactly("automatic", "skip");
        } finally {
            release.countDown();
        }
    }

    @Test
    void cancellingAWaitingRun_isOneCancel_notAlsoARejection() {
        start(ASKS);
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);

        f.engine.cancel(EngineFixture.P, f.onlyRun().runId(), "ana", "wrong service");

        assertThat(entries()).extracting(AuditEntry::action).containsExactly("RUN_DECIDED", "RUN_CANCELLED");
        assertThat(detail(entries().get(1))).containsEntry("was", "awaiting_approval")
                .containsEntry("approval", f.onlyRun().approvalId()).containsEntry("reason", "wrong service");
    }

    @Test
    void cancellingARunningRun_isRecordedByThePersonWhoCancelled() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, release);
        try {
            start(SeedWorkflows.AUTO_RESTART);
            f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
            await().atMost(WAIT).until(() -> entered.getCount() == 0);

            f.engine.cancel(EngineFixture.P, f.onlyRun().runId(), "ana", "");

            assertThat(entries()).extracting(AuditEntry::action).containsExactly("RUN_DECIDED", "RUN_CANCELLED");
            assertThat(entries().get(1).actor()).isEqualTo("ana");
            assertThat(detail(entries().get(1))).containsEntry("was", "running");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aManualTrigger_theKillSwitch_andWorkflowRevisions_areRecorded() {
        start(SeedWorkflows.AUTO_RESTART);
        f.put(SeedWorkflows.AUTO_RESTART); // the same text: no revision, no entry

        f.engine.setAutonomy("global", true, "ana", "change freeze");
        f.engine.setAutonomy(EngineFixture.P.value(), false, "bob", "");
        RunRecord run = f.engine.trigger(EngineFixture.P, "auto-restart", null, "service", "catalog", "carl", "by hand");

        List<AuditEntry> all = f.ledger.all();
        assertThat(all).extracting(AuditEntry::action).containsExactly("WORKFLOW_CHANGED", "AUTONOMY_CHANGED",
                "AUTONOMY_CHANGED", "RUN_TRIGGERED");
        assertThat(all.get(0).actor()).isEqualTo("test");
        assertThat(all.get(0).subject()).isEqualTo("workflow:auto-restart");
        assertThat(detail(all.get(0))).containsEntry("revision", 1L);
        assertThat(all.get(1).project()).isEqualTo(AuditRecord.GLOBAL);
        assertThat(detail(all.get(1))).containsEntry("paused", true).containsEntry("reason", "change freeze");
        assertThat(all.get(2).project()).isEqualTo("demo");
        assertThat(all.get(3).actor()).isEqualTo("carl");
        assertThat(all.get(3).subject()).isEqualTo("run:" + run.runId());
        assertThat(detail(all.get(3))).containsEntry("reason", "by hand").containsEntry("target", "service:catalog");
    }

    @Test
    void aLedgerThatFails_neverStopsTheEngine_andCatchesUpInOrderOnceItAnswers() {
        start(SeedWorkflows.AUTO_RESTART);
        f.ledger.failWith(() -> CommandCenterException.unavailable("STORE_UNAVAILABLE", "database down", null));

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        f.engine.setAutonomy("global", true, "ana", "");
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(entries()).isEmpty();
        assertThat(f.audit.pending()).isEqualTo(2);

        f.ledger.failWith(null);
        assertThat(f.audit.flush()).isZero();

        assertThat(entries()).extracting(AuditEntry::action).containsExactly("RUN_DECIDED", "AUTONOMY_CHANGED");
        assertThat(entries().get(0).time()).as("when it happened, not when it was appended").isEqualTo(T0);
    }

    @Test
    void aDuplicateTrigger_decidesNothing_andRecordsNothing() {
        start(SeedWorkflows.AUTO_RESTART);
        var p = f.prediction("checkout", 0.93, 0.95, "restart");

        f.raise(p);
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.engine.drain();
        f.raise(p);
        f.engine.drain();

        assertThat(f.engine.stats().duplicates()).isEqualTo(1);
        assertThat(entries()).hasSize(1);
    }
}
