package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.ManualTimers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.WorkflowParser;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An approval and its run never disagree: what can fail is resolved before the decision, a run
 * whose write fails after it leaves AWAITING_APPROVAL (at once, or at the next sweep), and a cancel
 * that finds the approval decided meanwhile says so. And a skipped run shows its nodes skipped. On
 * the in-memory store and a manual clock.
 */
class ApprovalAndRunAgreeTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Instant T0 = Instant.parse("2026-12-01T09:00:30Z");

    final ManualClock clock = new ManualClock(T0);
    final ManualTimers timers = new ManualTimers(clock);
    final InMemoryRemediationStore memory = new InMemoryRemediationStore();
    final EngineFixture f = new EngineFixture(memory, clock, () -> timers);

    @AfterEach
    void close() {
        f.close();
    }

    void advance(Duration by) {
        f.advance(timers, by);
    }

    /** A run waiting for a person (confidence 0.62 is below the default 0.9); returns it. */
    RunRecord waitingRun() {
        f.start().put(EngineFixture.RESTART_ON_RISK);
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.engine.drain();
        RunRecord run = f.onlyRun();
        assertThat(run.state()).isEqualTo(RunState.AWAITING_APPROVAL);
        return run;
    }

    /** The next {@code times} writes of the run fail as a store conflict does. */
    void failWritesOf(String runId, int times) {
        AtomicInteger left = new AtomicInteger(times);
        memory.beforeUpdate = run -> {
            if (run.runId().equals(runId) && left.getAndDecrement() > 0) {
                throw new CommandCenterException(ErrorKind.CONTENTION, RunStore.STORE_CONFLICT, "run " + runId
                        + " was written by another transaction meanwhile");
            }
        };
    }

    @Test
    void approve_whenThePinnedRevisionNoLongerParses_answersInvalid_andLeavesBothWaiting_soAPersonCanStillReject() {
        RunRecord run = waitingRun();
        // the hub restarts while the agent its revision names is gone: the revision no longer parses
        f.stopEngineOnly();
        f.decorateWorkflows = AgentGone::new;
        f.startEngine();

        assertThatThrownBy(() -> f.engine.approve(EngineFixture.P, run.approvalId(), "ana", "go"))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID));

        assertThat(f.store.approval(run.approvalId()).orElseThrow().state()).isEqualTo(ApprovalState.PENDING);
        assertThat(f.onlyRun().state()).isEqualTo(RunState.AWAITING_APPROVAL);
        f.engine.reject(EngineFixture.P, run.approvalId(), "ana", "its agent is gone");
        assertThat(f.store.approval(run.approvalId()).orElseThrow().state()).isEqualTo(ApprovalState.REJECTED);
        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        assertThat(f.calls).isEmpty();
    }

    @Test
    void approve_whenTheRunsWriteFailsOnce_answersTheConflict_andTheRunIsInterruptedAtOnce_nothingRan() {
        RunRecord run = waitingRun();
        failWritesOf(run.runId(), 1);

        assertThatThrownBy(() -> f.engine.approve(EngineFixture.P, run.approvalId(), "ana", "go"))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo(RunStore.STORE_CONFLICT));
        f.engine.drain();

        assertThat(f.store.approval(run.approvalId()).orElseThrow().state()).isEqualTo(ApprovalState.APPROVED);
        RunRecord after = f.onlyRun();
        assertThat(after.state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(after.error()).contains("approved by ana").contains("nothing ran");
        assertThat(after.nodes()).allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.SKIPPED));
        assertThat(f.calls).isEmpty();
        assertThat(f.published).contains("workflow.run.interrupted");
    }

    @Test
    void approve_whenTheRunsWritesFailTwice_theSweepRepairsTheRun_andTheTargetIsFreeAgain() {
        RunRecord run = waitingRun();
        failWritesOf(run.runId(), 2); // the approval's write and the write at once after it

        assertThatThrownBy(() -> f.engine.approve(EngineFixture.P, run.approvalId(), "ana", "go"))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo(RunStore.STORE_CONFLICT));
        f.engine.drain();
        assertThat(f.store.approval(run.approvalId()).orElseThrow().state()).isEqualTo(ApprovalState.APPROVED);
        assertThat(f.onlyRun().state()).as("both writes failed").isEqualTo(RunState.AWAITING_APPROVAL);

        // the sweep that reads the unfinished runs, every half lease TTL, repairs it once the decision is
        // older than the deciding hub's worst path to its own write
        advance(Approvals.REPAIR_AFTER.minus(f.settings.leaseTtl().dividedBy(2)));
        assertThat(f.onlyRun().state()).as("the deciding hub may still be writing it").isEqualTo(
                RunState.AWAITING_APPROVAL);
        advance(f.settings.leaseTtl()); // a sweep (every half TTL) comes after the bound

        RunRecord repaired = f.onlyRun();
        assertThat(repaired.state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(repaired.error()).contains("approved by ana").contains("its start was never stored");
        assertThat(f.calls).isEmpty();
        // no longer active: the next trigger on the target is decided, not skipped
        f.raise(f.prediction("payments", 0.88, 0.62, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 2);
        f.engine.drain();
        assertThat(f.runs()).filteredOn(r -> !r.runId().equals(run.runId())).singleElement()
                .satisfies(r -> assertThat(r.state()).isEqualTo(RunState.AWAITING_APPROVAL));
    }

    @Test
    void aRejectionWhoseRunWriteFailsTwice_isRepairedAsARejectedRun() {
        RunRecord run = waitingRun();
        failWritesOf(run.runId(), 2);

        assertThatThrownBy(() -> f.engine.reject(EngineFixture.P, run.approvalId(), "ana", "not now"))
                .isInstanceOf(CommandCenterException.class);
        advance(Approvals.REPAIR_AFTER.plus(f.settings.leaseTtl()));

        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        assertThat(f.onlyRun().error()).isEqualTo("rejected by ana: not now");
    }

    /** The decision rows of a run. */
    List<ActionRecord> rows(RunRecord run) {
        return f.store.actions(EngineFixture.P, null, run.runId(), 10, null, null);
    }

    /** The ledger's entries of an action. */
    List<io.commandcenter.hub.audit.AuditEntry> entries(String action) {
        return f.ledger.all().stream().filter(e -> e.action().equals(action)).toList();
    }

    @Test
    void aRejectionWhoseRunWriteFailsOnce_isWatchedForItsOutcome() {
        RunRecord run = waitingRun();
        failWritesOf(run.runId(), 1); // the rejection's write; the rewrite at once after it succeeds
        f.health.put("payments", 0.1);

        assertThatThrownBy(() -> f.engine.reject(EngineFixture.P, run.approvalId(), "ana", "not now"))
                .isInstanceOf(CommandCenterException.class);
        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        advance(Duration.ofSeconds(2)); // past the outcome window (and the last chance's)

        // before: the row waited for its outcome until the raising hub restarted
        assertThat(rows(run)).singleElement().satisfies(a -> {
            assertThat(a.decision()).isEqualTo(ActionDecision.REJECTED);
            assertThat(a.outcome()).isEqualTo(Outcome.RECOVERED);
        });
    }

    @Test
    void aRunWhoseDecidingHubStoppedRightAfterItsDecide_isRepairedWithItsLedgerEntry_itsRow_andItsOutcome() {
        RunRecord run = waitingRun();
        ApprovalRecord pending = f.store.approval(run.approvalId()).orElseThrow();
        // the deciding hub recorded the rejection and stopped before anything else
        assertThat(f.store.decide(pending.decided(ApprovalState.REJECTED, "ana", "not now", clock.instant())))
                .isTrue();
        f.health.put("payments", 0.1);

        advance(Approvals.REPAIR_AFTER.plus(f.settings.leaseTtl()));
        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        advance(Duration.ofSeconds(2));

        // before: no ledger entry, no row, no outcome
        assertThat(entries("APPROVAL_REJECTED")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ana");
            assertThat(e.subject()).isEqualTo("approval:" + run.approvalId());
            assertThat(e.detail()).contains("not now");
        });
        assertThat(rows(run)).singleElement().satisfies(a -> {
            assertThat(a.decision()).isEqualTo(ActionDecision.REJECTED);
            assertThat(a.decidedBy()).isEqualTo("ana");
            assertThat(a.outcome()).isEqualTo(Outcome.RECOVERED);
        });
    }

    @Test
    void aRepairAfterTheDecidingHubRecordedItsPart_recordsNothingTwice() {
        RunRecord run = waitingRun();
        failWritesOf(run.runId(), 2); // the decider records the verdict and the row; both run writes fail
        f.health.put("payments", 0.1);
        assertThatThrownBy(() -> f.engine.reject(EngineFixture.P, run.approvalId(), "ana", "not now"))
                .isInstanceOf(CommandCenterException.class);
        assertThat(entries("APPROVAL_REJECTED")).hasSize(1);
        assertThat(rows(run)).hasSize(1);

        advance(Approvals.REPAIR_AFTER.plus(f.settings.leaseTtl()).plusSeconds(2));

        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        assertThat(entries("APPROVAL_REJECTED")).hasSize(1);
        assertThat(rows(run)).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo(Outcome.RECOVERED));
    }

    @Test
    void aRepairOfADecisionAnOlderHubRecordedUnderRandomIds_recordsNothingTwice_andJudgesItsRow() {
        RunRecord run = waitingRun();
        ApprovalRecord pending = f.store.approval(run.approvalId()).orElseThrow();
        // a hub from before session 16 decided, recorded its verdict and row under random ids, and its run writes failed
        ApprovalRecord decided = pending.decided(ApprovalState.REJECTED, "ana", "not now", clock.instant());
        assertThat(f.store.decide(decided)).isTrue();
        f.audit.record(AuditAction.APPROVAL_REJECTED, EngineFixture.P.value(), "ana", "approval:" + run.approvalId(),
                io.commandcenter.hub.audit.AuditRecord.detail("run", run.runId(), "reason", "not now"));
        f.store.insert(ActionRecord.of(run, Optional.empty(), ActionDecision.REJECTED, "ana", "not now",
                clock.instant()));
        f.health.put("payments", 0.1);

        advance(Approvals.REPAIR_AFTER.plus(f.settings.leaseTtl()));
        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        advance(Duration.ofSeconds(2));

        // before: a second APPROVAL_REJECTED (under <approval>:decision) and a second row (pa-<approval>), one of
        // the two rows never judged
        assertThat(entries("APPROVAL_REJECTED")).hasSize(1);
        assertThat(rows(run)).singleElement().satisfies(a -> {
            assertThat(a.actionId()).isNotEqualTo("pa-" + run.approvalId());
            assertThat(a.outcome()).isEqualTo(Outcome.RECOVERED);
        });
    }

    @Test
    void aCancelledRunRepairedLater_hasItsCancelInTheLedger_andNoSecondVerdict() {
        RunRecord run = waitingRun();
        failWritesOf(run.runId(), 2);
        assertThatThrownBy(() -> f.engine.cancel(EngineFixture.P, run.runId(), "ana", "wrong target"))
                .isInstanceOf(CommandCenterException.class);

        advance(Approvals.REPAIR_AFTER.plus(f.settings.leaseTtl()));

        assertThat(f.onlyRun().state()).isEqualTo(RunState.REJECTED);
        assertThat(entries("RUN_CANCELLED")).hasSize(1);
        assertThat(entries("APPROVAL_REJECTED")).isEmpty();
    }

    @Test
    void anApprovalWhoseDecisionRowFailsToInsert_stillStartsItsRun() {
        RunRecord run = waitingRun();
        AtomicInteger left = new AtomicInteger(1);
        memory.beforeInsert = a -> {
            if (a.runId().equals(run.runId()) && left.getAndDecrement() > 0) {
                throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "the database is down", null);
            }
        };

        // before: STORE_UNAVAILABLE for an approved run stored RUNNING, launched only by the backstop
        Decided decided = f.engine.approve(EngineFixture.P, run.approvalId(), "ana", "go");
        assertThat(decided.run().state()).isEqualTo(RunState.RUNNING);
        f.engine.drain();
        await().atMost(WAIT).until(() -> !f.calls.isEmpty());
        assertThat(f.published).contains("approval.approved", "workflow.run.running");
    }

    @Test
    void cancel_ofAWaitingRunWhoseApprovalWasDecidedMeanwhile_answersApprovalDecided_andRecordsNoCancel() {
        RunRecord run = waitingRun();
        // another hub approves between the cancel's read of the approval and its conditional decision
        ApprovalRecord pending = f.store.approval(run.approvalId()).orElseThrow();
        memory.beforeDecide = mine -> {
            memory.beforeDecide = theirs -> { };
            assertThat(memory.decide(pending.decided(ApprovalState.APPROVED, "bob", "on hub b", clock.instant())))
                    .isTrue();
        };

        assertThatThrownBy(() -> f.engine.cancel(EngineFixture.P, run.runId(), "ana", "wrong target"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
                    assertThat(e.reason()).isEqualTo("APPROVAL_DECIDED");
                });

        assertThat(f.ledger.all()).noneMatch(e -> e.action().equals(AuditAction.RUN_CANCELLED.name()));
        assertThat(f.store.approval(run.approvalId()).orElseThrow().decidedBy()).isEqualTo("bob");
        // decided before the cancel read it: the same answer
        assertThatThrownBy(() -> f.engine.cancel(EngineFixture.P, run.runId(), "ana", "wrong target"))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("APPROVAL_DECIDED"));
        assertThat(f.ledger.all()).noneMatch(e -> e.action().equals(AuditAction.RUN_CANCELLED.name()));
    }

    /**
     * Hub A approves; its run's write is held (as behind a slow audit append) while hub B's sweep, its
     * clock past the bound, repairs the run: B's conditional write wins, A's changes nothing, A starts
     * nothing and answers RUN_SETTLED; the run stays INTERRUPTED. The decision's row and event are there.
     */
    @Test
    void approve_whoseRunWriteIsOvertakenByAnotherHubsRepair_startsNothing_andAnswersRunSettled() throws Exception {
        f.soleWriter = false;
        RunRecord run = waitingRun();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        memory.beforeUpdateWaiting = written -> {
            if (written.state() == RunState.RUNNING) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RemediationEngine hubB = new RemediationEngine(new RemediationEngine.Ports(f.store,
                new WorkflowCatalog(f.store, new WorkflowParser(CapabilityCatalog.builtIn()), f.audit, clock),
                f.scheduler, f.bus, (project, id) -> Optional.empty(), (project, kind, id) -> Optional.empty(),
                RemediationEvents.none(), f.audit), clock, timers, "hub-b", f.settings).start();
        ExecutorService approver = Executors.newSingleThreadExecutor();
        try {
            Future<Decided> approved = approver.submit(() -> f.engine.approve(EngineFixture.P, run.approvalId(),
                    "ana", "go"));
            assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            clock.advance(Approvals.REPAIR_AFTER.plusSeconds(1));
            hubB.adoptOrphans();
            hubB.drain();
            assertThat(f.onlyRun().state()).as("hub b's repair won").isEqualTo(RunState.INTERRUPTED);
            release.countDown();

            assertThatThrownBy(() -> approved.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .cause().isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENTION);
                        assertThat(e.reason()).isEqualTo(Approvals.RUN_SETTLED);
                    });
            f.engine.drain();
            RunRecord after = f.onlyRun();
            assertThat(after.state()).as("never back to RUNNING").isEqualTo(RunState.INTERRUPTED);
            assertThat(after.error()).contains("approved by ana").contains("its start was never stored");
            assertThat(f.calls).isEmpty();
            assertThat(f.published).contains("approval.approved").doesNotContain("workflow.run.running");
            assertThat(f.store.actions(EngineFixture.P, null, run.runId(), 10, null, null))
                    .filteredOn(a -> a.decision() == ActionDecision.APPROVED).singleElement()
                    .satisfies(a -> assertThat(a.decidedBy()).isEqualTo("ana"));
        } finally {
            release.countDown();
            approver.shutdownNow();
            hubB.close();
        }
    }

    /** A repair that finds the run started by the deciding hub meanwhile changes nothing (the store's word). */
    @Test
    void updateWaiting_writesOnlyARunThatStillWaits() {
        RunRecord run = waitingRun();
        RunRecord running = run.withState(RunState.RUNNING, "", clock.instant());
        assertThat(memory.updateWaiting(running)).isTrue();
        assertThat(memory.updateWaiting(run.withState(RunState.INTERRUPTED, "late repair", clock.instant()))).isFalse();
        assertThat(f.onlyRun().state()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void aSkippedRun_isStoredWithItsNodesSkipped_withTheRunsReason() {
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(null, release);
        f.start().put(EngineFixture.RESTART_ON_RISK);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart")); // per_target 1: skipped
        await().atMost(WAIT).until(() -> f.runs().size() == 2);
        f.engine.drain();
        release.countDown();

        RunRecord skipped = f.runs().stream().filter(r -> r.state() == RunState.SKIPPED).findFirst().orElseThrow();
        assertThat(skipped.error()).contains("already active on the target (per_target 1)");
        assertThat(skipped.nodes()).isNotEmpty().allSatisfy(n -> {
            assertThat(n.state()).isEqualTo(NodeState.SKIPPED);
            assertThat(n.error()).isEqualTo(skipped.error());
        });
    }

    /** The workflows as stored, read back naming an agent that is not registered (it went away). */
    static final class AgentGone implements WorkflowStore {
        private final WorkflowStore store;

        AgentGone(WorkflowStore store) {
            this.store = store;
        }

        private static WorkflowRevision gone(WorkflowRevision r) {
            return new WorkflowRevision(r.project(), r.name(), r.revision(),
                    r.source().replace("agent: devops", "agent: gone-agent"), r.sha256(), r.createdAt(), r.createdBy());
        }

        @Override
        public Appended append(ProjectId project, String name, String source, String sha256, Instant at, String by) {
            return store.append(project, name, source, sha256, at, by);
        }

        @Override
        public Optional<WorkflowRevision> revision(ProjectId project, String name, int revision) {
            return store.revision(project, name, revision).map(AgentGone::gone);
        }

        @Override
        public Optional<WorkflowRevision> latest(ProjectId project, String name) {
            return store.latest(project, name).map(AgentGone::gone);
        }

        @Override
        public List<WorkflowRevision> revisions(ProjectId project, String name) {
            return store.revisions(project, name).stream().map(AgentGone::gone).toList();
        }

        @Override
        public List<WorkflowRevision> latestEverywhere() {
            return store.latestEverywhere().stream().map(AgentGone::gone).toList();
        }
    }
}
