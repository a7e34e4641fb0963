package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * What every remediation store does, run once per implementation: in memory (the oracle) here,
 * H2 and PostgreSQL in hub-server.
 */
public abstract class RemediationStoreContract {
    static final ProjectId P = ProjectId.of("p");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    RemediationStore store;

    /** A new, empty store (its files, if any, under {@code dir}). */
    protected abstract RemediationStore open(Path dir);

    /** Releases what {@link #open} took. */
    protected void close(RemediationStore store) {
    }

    @BeforeEach
    void openStore() {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        close(store);
    }

    static RunRecord run(String id, String key, RunMode mode, Instant at) {
        return new RunRecord(id, P, "auto-restart", 1, RunState.RUNNING, mode, "prediction.created.risk", "e-" + id,
                "pred-" + id, "service", "api", key, null, "hub-1", "", null, at, at, null, at.plusSeconds(1800),
                List.of(NodeRecord.pending("restart_service", 0, "devops", "restart", false),
                        NodeRecord.pending("notify", 1, "notifier", "sendSlack", false)));
    }

    @Test
    void workflowRevisions_growOnlyWhenTheTextChanges() {
        var first = store.append(P, "auto-restart", "name: a", "sha-1", T0, "ana");
        var same = store.append(P, "auto-restart", "name: a", "sha-1", T0.plusSeconds(1), "bob");
        var second = store.append(P, "auto-restart", "name: b", "sha-2", T0.plusSeconds(2), "bob");

        assertThat(first.created()).isTrue();
        assertThat(first.revision().revision()).isEqualTo(1);
        assertThat(same.created()).isFalse();
        assertThat(second.revision().revision()).isEqualTo(2);
        assertThat(store.latest(P, "auto-restart").orElseThrow().source()).isEqualTo("name: b");
        assertThat(store.revision(P, "auto-restart", 1).orElseThrow().createdBy()).isEqualTo("ana");
        assertThat(store.revisions(P, "auto-restart")).extracting(r -> r.revision()).containsExactly(2, 1);
        assertThat(store.latestEverywhere()).singleElement().satisfies(r -> assertThat(r.revision()).isEqualTo(2));
    }

    /**
     * The conditional write of a waiting run (an approval's, a repair's): it writes a run only while
     * the stored one waits, so of the deciding hub's start and another hub's repair one changes it.
     */
    @Test
    void updateWaiting_writesTheRunOnlyWhileItWaits_soOfTwoWritersOneWins() {
        RunRecord waiting = new RunRecord("r-1", P, "auto-restart", 1, RunState.AWAITING_APPROVAL, RunMode.APPROVAL,
                "prediction.created.risk", "e-r-1", "pred-r-1", "service", "api", "k1", null, "hub-1", "", null, T0,
                null, null, T0.plusSeconds(1800), List.of(NodeRecord.pending("restart_service", 0, "devops", "restart",
                false)));
        store.create(waiting, Optional.empty(), Optional.empty());
        RunRecord started = waiting.withState(RunState.RUNNING, "", T0.plusSeconds(5));
        RunRecord repaired = RunPlan.closePending(waiting, NodeState.SKIPPED, "repaired", T0.plusSeconds(6))
                .withState(RunState.INTERRUPTED, "repaired", T0.plusSeconds(6));

        assertThat(store.updateWaiting(started)).isTrue();
        assertThat(store.updateWaiting(repaired)).isFalse();

        assertThat(store.run("r-1")).contains(started);
        assertThat(store.updateWaiting(run("r-none", "k-none", RunMode.AUTOMATIC, T0))).as("no row").isFalse();
        assertThat(store.run("r-none")).isEmpty();
    }

    /** A TTL short enough to wait out: the stores' clocks cannot be set (a database's). */
    static final Duration SHORT = Duration.ofSeconds(1);

    /**
     * Renews the leases of {@code others} and {@code to}, a tenth of {@code ttl} apart, until
     * {@code to} adopts {@code runId} from {@code from}, as a hub's engine does.
     */
    void renewUntilAdopted(String runId, String from, String to, Duration ttl, String... others) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(ttl.dividedBy(10)).until(() -> {
            for (String other : others) {
                store.renewLease(other, ttl);
            }
            store.renewLease(to, ttl);
            return store.adopt(runId, from, to, ttl);
        });
    }

    static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }

    @Test
    void adopt_changesTheOwnerOnlyWhileTheOldOneHoldsIt_soOfTwoAdoptersOneWins() {
        RunRecord run = run("r-1", "auto-restart:e-1", RunMode.AUTOMATIC, T0);
        store.create(run, Optional.empty(), Optional.empty());
        store.create(run("r-2", "auto-restart:e-2", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty());

        assertThat(store.leaseLapsed("hub-1", SHORT)).as("hub-1 never had a lease").isTrue();
        renewUntilAdopted("r-1", "hub-1", "hub-2", SHORT, "hub-3");
        assertThat(store.adopt("r-1", "hub-1", "hub-3", SHORT)).as("hub-1 no longer holds it").isFalse();
        assertThat(store.adopt("r-2", "hub-1", "hub-3", SHORT)).as("hub-3 renewed as long as hub-2").isTrue();
        assertThat(store.adopt("r-9", "hub-1", "hub-3", SHORT)).as("no such run").isFalse();

        RunRecord adopted = store.run("r-1").orElseThrow();
        assertThat(adopted.hubId()).isEqualTo("hub-2");
        assertThat(adopted).as("nothing else changed").isEqualTo(run.ownedBy("hub-2"));
    }

    @Test
    void adopt_refusesWhileTheOwnersLeaseIsFresh_whateverTheCallerBelieves_andTakesTheRunOnceItLapsed() {
        RunRecord run = run("r-1", "auto-restart:e-1", RunMode.AUTOMATIC, T0);
        store.create(run, Optional.empty(), Optional.empty());
        store.create(run("r-0", "auto-restart:e-0", RunMode.AUTOMATIC, T0).ownedBy("hub-0"), Optional.empty(),
                Optional.empty());
        // hub-2 and hub-3 renew for a TTL (hub-2 adopts a run of hub-0, never seen), hub-1 all along
        renewUntilAdopted("r-0", "hub-0", "hub-2", SHORT, "hub-1", "hub-3");
        store.renewLease("hub-1", SHORT); // a renewal of a lease that exists

        assertThat(store.leaseLapsed("hub-1", SHORT)).isFalse();
        assertThat(store.adopt("r-1", "hub-1", "hub-2", SHORT)).as("hub-1 renews its lease").isFalse();
        assertThat(store.run("r-1").orElseThrow().hubId()).isEqualTo("hub-1");

        // hub-1 stops renewing; hub-2 and hub-3 go on
        renewUntilAdopted("r-1", "hub-1", "hub-2", SHORT, "hub-3");
        assertThat(store.leaseLapsed("hub-1", SHORT)).isTrue();
        assertThat(store.leaseLapsed("hub-1", TTL)).as("still fresh for the long TTL").isFalse();
        assertThat(store.run("r-1").orElseThrow().hubId()).isEqualTo("hub-2");

        store.renewLease("hub-3", SHORT);
        store.renewLease("hub-2", SHORT);
        assertThat(store.adopt("r-1", "hub-2", "hub-3", SHORT)).as("hub-2 just renewed").isFalse();
        assertThat(store.leaseLapsed("hub-9", TTL)).as("a hub never seen").isTrue();
    }

    @Test
    void adopt_onlyByAHubWhoseRenewalsRanWithoutAGapForATtl_andAGapStartsItsStreakAgain() {
        store.create(run("r-1", "auto-restart:e-1", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty());
        store.create(run("r-2", "auto-restart:e-2", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty());
        assertThat(store.leaseLapsed("hub-1", SHORT)).as("hub-1, the owner, is gone").isTrue();

        long first = System.nanoTime();
        store.renewLease("hub-2", SHORT);
        assertThat(store.adopt("r-1", "hub-1", "hub-2", SHORT)).as("hub-2's streak began just now").isFalse();
        renewUntilAdopted("r-1", "hub-1", "hub-2", SHORT);
        assertThat(since(first)).as("not before hub-2 renewed for a TTL").isGreaterThanOrEqualTo(SHORT);

        // a gap longer than the TTL in hub-2's renewals (an outage of the database, or of hub-2): after
        // it every lease is old, a live owner's too, so hub-2 must renew for a TTL again first
        await().atMost(Duration.ofSeconds(10)).until(() -> store.leaseLapsed("hub-2", SHORT));
        long again = System.nanoTime();
        store.renewLease("hub-2", SHORT);
        assertThat(store.adopt("r-2", "hub-1", "hub-2", SHORT)).as("hub-2's streak began again").isFalse();
        renewUntilAdopted("r-2", "hub-1", "hub-2", SHORT);
        assertThat(since(again)).as("not before hub-2 renewed for a TTL again").isGreaterThanOrEqualTo(SHORT);
        assertThat(store.run("r-2").orElseThrow().hubId()).isEqualTo("hub-2");
    }

    @Test
    void aWriteByTheOldOwnerAfterAnAdoption_changesNothingOfThatRun_andSaysItIsLost_whileTheAdoptersWriteIsStored() {
        RunRecord run = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        RunRecord other = run("r-2", "k2", RunMode.AUTOMATIC, T0);
        store.create(run, Optional.empty(), Optional.empty());
        store.create(other, Optional.empty(), Optional.empty());
        renewUntilAdopted("r-1", "hub-1", "hub-2", SHORT); // hub-1 stalled, hub-2 adopted r-1

        // hub-1 goes on: the next node of r-1 stored as handed out, and a step of its other run
        RunRecord stale = run.withNode(run.node("restart_service").finished(NodeState.SUCCEEDED, "{}", "", T0))
                .withNode(run.node("notify").queued("", 1, Map.of("message", "hi"), T0));
        RunRecord otherStep = other.withNode(other.node("restart_service").queued("task-9", 1, Map.of(), T0));
        RunStore.Written old = store.writeOwned(List.of(), List.of(stale, otherStep), Map.of("r-1", run));

        assertThat(old.lost()).isEqualTo(Map.of("r-1", "hub-2"));
        assertThat(store.run("r-1")).as("nothing of it written, its owner not written back")
                .contains(run.ownedBy("hub-2"));
        assertThat(store.run("r-2")).as("hub-1's own run in the same write").contains(otherStep);
        assertThat(store.owners(List.of("r-1", "r-2", "r-9"))).isEqualTo(Map.of("r-1", "hub-2", "r-2", "hub-1"));

        RunRecord adopters = run.ownedBy("hub-2").withNode(run.node("restart_service")
                .finished(NodeState.SUCCEEDED, "{}", "", T0)).withState(RunState.SUCCEEDED, "", T0.plusSeconds(1));
        assertThat(store.writeOwned(List.of(), List.of(adopters), Map.of()).lost()).isEmpty();
        assertThat(store.run("r-1")).contains(adopters);
        store.write(List.of(), List.of(stale));
        assertThat(store.run("r-1")).as("a write that does not ask what was lost is fenced too").contains(adopters);
    }

    @Test
    void aRun_isStoredOncePerIdempotencyKey_withItsNodes_andUpdatesRoundTrip() {
        RunRecord run = run("r-1", "auto-restart:e-1", RunMode.AUTOMATIC, T0);
        ActionRecord action = new ActionRecord("a-1", P, "pred-r-1", "r-1", ActionDecision.AUTOMATIC, "engine", T0,
                "confident", "service", "api", 0.93, null, null, null, "{}");

        assertThat(store.create(run, Optional.empty(), Optional.of(action))).isTrue();
        assertThat(store.create(run("r-2", "auto-restart:e-1", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty()))
                .isFalse();

        RunRecord progressed = run.withNode(run.node("restart_service").queued("task-9", 1, Map.of("service", "api"), T0))
                .withNode(run.node("notify").finished(NodeState.SKIPPED, null, "restart failed", T0.plusSeconds(5)))
                .withState(RunState.FAILED, "restart failed", T0.plusSeconds(5));
        store.update(progressed);

        RunRecord read = store.run("r-1").orElseThrow();
        assertThat(read).isEqualTo(progressed);
        assertThat(read.node("restart_service").inputs()).containsEntry("service", "api");
        assertThat(store.actionOfRun("r-1")).contains(action);
        assertThat(store.unfinished()).isEmpty();
    }

    @Test
    void aRunWrittenStepByStep_readsBackAsEachStepLeftIt_andListingsCarryEveryRunsNodes() {
        RunRecord r = run("r-7", "k7", RunMode.AUTOMATIC, T0);
        RunRecord other = run("r-8", "k8", RunMode.AUTOMATIC, T0.plusSeconds(1));
        store.create(r, Optional.empty(), Optional.empty());
        store.create(other, Optional.empty(), Optional.empty());
        List<RunRecord> steps = new ArrayList<>();
        steps.add(r.withNode(r.node("restart_service").queued("task-1", 1, Map.of("service", "api"), T0)));
        steps.add(steps.get(0).withNode(steps.get(0).node("restart_service").running()));
        steps.add(steps.get(1).withNode(steps.get(1).node("restart_service").finished(NodeState.SUCCEEDED, "{\"ok\":true}", null, T0.plusSeconds(2))));
        steps.add(steps.get(2).withNode(steps.get(2).node("notify").queued("task-2", 1, Map.of(), T0.plusSeconds(2))));
        steps.add(steps.get(3).takenBy("hub-2", RunMode.APPROVED, T0.plusSeconds(3600)));
        steps.add(steps.get(4).withNode(steps.get(4).node("notify").retryAt(T0.plusSeconds(9), "slack down")));
        for (RunRecord step : steps) {
            store.update(step);
            assertThat(store.run("r-7")).contains(step);
            assertThat(store.unfinished()).containsExactly(step, other);
        }
        RunRecord done = steps.get(5).withNode(steps.get(5).node("notify").finished(NodeState.SUCCEEDED, "{}", null, T0.plusSeconds(10)))
                .withState(RunState.SUCCEEDED, null, T0.plusSeconds(10));
        store.update(done);
        RunRecord observed = done.withOutcome(Outcome.RECOVERED);
        store.update(observed);

        assertThat(store.run("r-7")).contains(observed);
        assertThat(store.runs(P, new RunStore.RunQuery(null, null, null, 10, null, null))).containsExactly(other, observed);
        assertThat(store.unfinished()).containsExactly(other);
    }

    @Test
    void writesTogether_answerEachCreateByItsKey_andStoreEveryUpdateWhole() {
        RunRecord r1 = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        RunRecord r6 = run("r-6", "k6", RunMode.AUTOMATIC, T0);
        store.create(r1, Optional.empty(), Optional.empty());
        store.create(r6, Optional.empty(), Optional.empty());
        RunRecord r3 = run("r-3", "k3", RunMode.AUTOMATIC, T0.plusSeconds(3));
        // created as the engine creates an automatic run: with its first node's attempt in it
        RunRecord r5 = run("r-5", "k5", RunMode.AUTOMATIC, T0.plusSeconds(5));
        r5 = r5.withNode(r5.node("restart_service").queued("", 1, Map.of("service", "api"), T0.plusSeconds(5)));
        RunRecord r7 = run("r-7", "k7", RunMode.APPROVAL, T0.plusSeconds(7));
        ApprovalRecord approval = new ApprovalRecord("ap-7", P, "r-7", "pred-r-7", "auto-restart", 1,
                ApprovalState.PENDING, "confidence 0.62 < 0.90", 0.9, 3, 1, T0, T0.plusSeconds(600), null, "", "");
        ActionRecord action = new ActionRecord("a-5", P, "pred-r-5", "r-5", ActionDecision.AUTOMATIC, "engine",
                T0.plusSeconds(5), "confident", "service", "api", 0.93, null, null, null, "{}");
        RunRecord r1Moved = r1.withNode(r1.node("restart_service").queued("task-1", 2, Map.of("service", "api"), T0))
                .withNode(r1.node("notify").retryAt(T0.plusSeconds(9), "slack down"))
                .takenBy("hub-1", RunMode.APPROVED, T0.plusSeconds(3600));
        RunRecord r6Done = r6.withNode(r6.node("restart_service").finished(NodeState.SUCCEEDED, "{\"ok\":true}", null,
                        T0.plusSeconds(2)))
                .withNode(r6.node("notify").finished(NodeState.SKIPPED, null, "not needed", T0.plusSeconds(2)))
                .withState(RunState.SUCCEEDED, null, T0.plusSeconds(2)).withOutcome(Outcome.RECOVERED);

        List<Boolean> stored = store.write(List.of(
                        new RunStore.NewRun(run("r-2", "k1", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty()),
                        new RunStore.NewRun(r3, Optional.empty(), Optional.empty()),
                        new RunStore.NewRun(run("r-4", "k3", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty()),
                        new RunStore.NewRun(r5, Optional.empty(), Optional.of(action)),
                        new RunStore.NewRun(r7, Optional.of(approval), Optional.empty())),
                List.of(r1Moved, r6Done));

        assertThat(stored).containsExactly(false, true, false, true, true);
        assertThat(store.run("r-7")).contains(r7);
        assertThat(store.approval("ap-7")).contains(approval);
        assertThat(store.actionOfRun("r-7")).isEmpty();
        assertThat(store.run("r-1")).contains(r1Moved);
        assertThat(store.run("r-6")).contains(r6Done);
        assertThat(store.run("r-3")).contains(r3);
        assertThat(store.run("r-5")).contains(r5);
        assertThat(store.run("r-2")).isEmpty();
        assertThat(store.run("r-4")).isEmpty();
        assertThat(store.actionOfRun("r-5")).contains(action);
        assertThat(store.unfinished()).containsExactly(r1Moved, r3, r5, r7);
    }

    @Test
    void writesToldTheStatesLastStored_leaveEachRunAsItsNewStateWhole() {
        RunRecord r1 = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        store.create(r1, Optional.empty(), Optional.empty());
        RunRecord r1Queued = r1.withNode(r1.node("restart_service").queued("task-1", 1, Map.of("service", "api"), T0));
        store.write(List.of(), List.of(r1Queued), Map.of("r-1", r1));
        assertThat(store.run("r-1")).contains(r1Queued);

        // one step changes one node; another run is created and moved on in the same call, told as created
        RunRecord r1Ran = r1Queued.withNode(r1Queued.node("restart_service").finished(NodeState.SUCCEEDED,
                "{\"ok\":true}", null, T0.plusSeconds(2)));
        RunRecord r2 = run("r-2", "k2", RunMode.AUTOMATIC, T0.plusSeconds(1));
        RunRecord r2Moved = r2.withNode(r2.node("notify").retryAt(T0.plusSeconds(9), "slack down"))
                .withState(RunState.FAILED, "gave up", T0.plusSeconds(10));
        List<Boolean> stored = store.write(List.of(new RunStore.NewRun(r2, Optional.empty(), Optional.empty())),
                List.of(r1Ran, r2Moved), Map.of("r-1", r1Queued, "r-2", r2));
        assertThat(stored).containsExactly(true);
        assertThat(store.run("r-1")).contains(r1Ran);
        assertThat(store.run("r-2")).contains(r2Moved);

        // the last step changes the other node and the run's own columns
        RunRecord r1Done = r1Ran.withNode(r1Ran.node("notify").finished(NodeState.SKIPPED, null, "not needed",
                T0.plusSeconds(3))).withState(RunState.SUCCEEDED, null, T0.plusSeconds(3));
        store.write(List.of(), List.of(r1Done), Map.of("r-1", r1Ran));
        assertThat(store.run("r-1")).contains(r1Done);
        assertThat(store.unfinished()).isEmpty();
    }

    @Test
    void theBlastRadius_countsAutomaticRunsOnTheTargetInTheWindow_andActiveRunsCountUnfinishedOnes() {
        store.create(run("r-1", "k1", RunMode.AUTOMATIC, T0.minus(Duration.ofMinutes(90))), Optional.empty(), Optional.empty());
        store.create(run("r-2", "k2", RunMode.AUTOMATIC, T0.minus(Duration.ofMinutes(20))), Optional.empty(), Optional.empty());
        store.create(run("r-3", "k3", RunMode.APPROVED, T0.minus(Duration.ofMinutes(10))), Optional.empty(), Optional.empty());
        RunRecord skipped = run("r-4", "k4", RunMode.AUTOMATIC, T0.minus(Duration.ofMinutes(5)));
        store.create(new RunRecord(skipped.runId(), P, skipped.workflow(), 1, RunState.SKIPPED, RunMode.AUTOMATIC,
                skipped.triggerSubject(), skipped.triggerId(), skipped.predictionId(), "service", "api", "k4", null,
                "hub-1", "target busy", null, skipped.createdAt(), null, skipped.createdAt(), skipped.deadlineAt(),
                skipped.nodes()), Optional.empty(), Optional.empty());

        assertThat(store.automaticRunsSince(P, "service", "api", T0.minus(Duration.ofHours(1)))).isEqualTo(1);
        assertThat(store.activeRuns(P, "auto-restart", "service", "api")).isEqualTo(3);
        assertThat(store.activeRuns(P, "auto-restart", "service", "db")).isZero();
        assertThat(store.unfinished()).hasSize(3);
        // both counts in one read: the blast radius counts every workflow's runs on the target, the
        // active runs only the workflow's; the window's start itself is inside it
        assertThat(store.targetCounts(P, "auto-restart", "service", "api", T0.minus(Duration.ofHours(1))))
                .isEqualTo(new RunStore.TargetCounts(1, 3));
        assertThat(store.targetCounts(P, "other", "service", "api", T0.minus(Duration.ofMinutes(90))))
                .isEqualTo(new RunStore.TargetCounts(2, 0));
        assertThat(store.targetCounts(P, "auto-restart", "service", "db", T0.minus(Duration.ofHours(2))))
                .isEqualTo(new RunStore.TargetCounts(0, 0));
        assertThat(store.targetCounts(new ProjectId("elsewhere"), "auto-restart", "service", "api",
                T0.minus(Duration.ofHours(2)))).isEqualTo(new RunStore.TargetCounts(0, 0));
    }

    @Test
    void aTargetsRuns_areTheOnesItsCountsCount_unfinishedOnesAndAutomaticOnesInTheWindow() {
        Instant since = T0.minus(Duration.ofHours(1));
        // counted: automatic in the window (r-2, ended too), unfinished of any age and mode (r-1, r-3)
        store.create(run("r-1", "k1", RunMode.AUTOMATIC, T0.minus(Duration.ofMinutes(90))), Optional.empty(), Optional.empty());
        store.create(run("r-2", "k2", RunMode.SCHEDULED, T0.minus(Duration.ofMinutes(20))), Optional.empty(), Optional.empty());
        store.update(store.run("r-2").orElseThrow().withState(RunState.SUCCEEDED, "", T0));
        store.create(run("r-3", "k3", RunMode.APPROVED, T0.minus(Duration.ofMinutes(10))), Optional.empty(), Optional.empty());
        // not counted: an ended run out of the window, an ended person's run, a skipped one, another target's
        store.create(run("r-4", "k4", RunMode.AUTOMATIC, since.minusMillis(1)), Optional.empty(), Optional.empty());
        store.update(store.run("r-4").orElseThrow().withState(RunState.FAILED, "", T0));
        store.create(run("r-5", "k5", RunMode.MANUAL, T0.minus(Duration.ofMinutes(5))), Optional.empty(), Optional.empty());
        store.update(store.run("r-5").orElseThrow().withState(RunState.CANCELLED, "", T0));
        RunRecord skipped = run("r-6", "k6", RunMode.AUTOMATIC, T0.minus(Duration.ofMinutes(5)));
        store.create(new RunRecord(skipped.runId(), P, skipped.workflow(), 1, RunState.SKIPPED, RunMode.AUTOMATIC,
                skipped.triggerSubject(), skipped.triggerId(), skipped.predictionId(), "service", "api", "k6", null,
                "hub-1", "target busy", null, skipped.createdAt(), null, skipped.createdAt(), skipped.deadlineAt(),
                skipped.nodes()), Optional.empty(), Optional.empty());
        RunRecord db = run("r-7", "k7", RunMode.AUTOMATIC, T0);
        store.create(new RunRecord(db.runId(), P, db.workflow(), 1, RunState.RUNNING, RunMode.AUTOMATIC,
                db.triggerSubject(), db.triggerId(), db.predictionId(), "service", "db", "k7", null, "hub-1", "", null,
                T0, T0, null, db.deadlineAt(), db.nodes()), Optional.empty(), Optional.empty());

        assertThat(store.targetRuns(P, "service", "api", since)).extracting(RunStore.TargetRun::runId, RunStore.TargetRun::mode,
                RunStore.TargetRun::state).containsExactlyInAnyOrder(
                tuple("r-1", RunMode.AUTOMATIC, RunState.RUNNING),
                tuple("r-2", RunMode.SCHEDULED, RunState.SUCCEEDED),
                tuple("r-3", RunMode.APPROVED, RunState.RUNNING));
        assertThat(store.targetRuns(P, "service", "api", since)).filteredOn(r -> r.runId().equals("r-2"))
                .singleElement().satisfies(r -> {
                    assertThat(r.createdAt()).isEqualTo(T0.minus(Duration.ofMinutes(20)));
                    assertThat(r.workflow()).isEqualTo("auto-restart");
                });
        assertThat(store.targetRuns(ProjectId.of("elsewhere"), "service", "api", since)).isEmpty();
        // every target at once, each run with its target
        assertThat(store.targetRuns(since)).extracting(RunStore.TargetRun::runId, RunStore.TargetRun::targetId)
                .containsExactlyInAnyOrder(tuple("r-1", "api"), tuple("r-2", "api"), tuple("r-3", "api"),
                        tuple("r-7", "db"));
        assertThat(store.targetRuns(since)).allSatisfy(r -> {
            assertThat(r.project()).isEqualTo(P);
            assertThat(r.targetKind()).isEqualTo("service");
        });
    }

    @Test
    void runs_pageNewestFirst_withFilters() {
        for (int i = 0; i < 5; i++) {
            store.create(run("r-" + i, "k" + i, RunMode.AUTOMATIC, T0.plusSeconds(i)), Optional.empty(), Optional.empty());
        }

        List<RunRecord> page = store.runs(P, new RunStore.RunQuery(null, null, "api", 2, null, null));
        List<RunRecord> next = store.runs(P, new RunStore.RunQuery(null, null, "api", 2,
                page.get(1).createdAt(), page.get(1).runId()));

        assertThat(page).extracting(RunRecord::runId).containsExactly("r-4", "r-3", "r-2");
        assertThat(next).extracting(RunRecord::runId).containsExactly("r-2", "r-1", "r-0");
        assertThat(store.runs(ProjectId.of("other"), new RunStore.RunQuery(null, null, null, 10, null, null)))
                .isEmpty();
    }

    @Test
    void expiredApprovals_areReadPageByPage_byExpiryThenId_ofEveryProject() {
        // five due (two with one expiry), one not due yet, one decided; two projects
        String[][] rows = {{"ap-e", "p", "500"}, {"ap-a", "other", "300"}, {"ap-c", "p", "300"}, {"ap-b", "p", "100"},
                {"ap-d", "other", "600"}, {"ap-late", "p", "900"}, {"ap-decided", "p", "100"}};
        for (String[] r : rows) {
            RunRecord run = run("r-" + r[0], "k-" + r[0], RunMode.AUTOMATIC, T0);
            store.create(run, Optional.of(new ApprovalRecord(r[0], ProjectId.of(r[1]), run.runId(), null,
                    "auto-restart", 1, ApprovalState.PENDING, "", 0.9, 3, 1, T0,
                    T0.plusSeconds(Long.parseLong(r[2])), null, "", "")), Optional.empty());
        }
        store.decide(store.approval("ap-decided").orElseThrow().decided(ApprovalState.REJECTED, "ana", "", T0));
        Instant now = T0.plusSeconds(600);

        List<ApprovalRecord> first = store.expired(now, null, 2);
        List<ApprovalRecord> second = store.expired(now, first.get(1), 2);
        List<ApprovalRecord> third = store.expired(now, second.get(1), 2);

        // before: one read of every expired approval, however many (there was no page)
        assertThat(first).extracting(ApprovalRecord::approvalId).containsExactly("ap-b", "ap-a");
        assertThat(second).extracting(ApprovalRecord::approvalId).containsExactly("ap-c", "ap-e");
        assertThat(third).extracting(ApprovalRecord::approvalId).containsExactly("ap-d");
    }

    @Test
    void approvals_expire_andDecisionsRoundTrip() {
        RunRecord run = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        ApprovalRecord approval = new ApprovalRecord("ap-1", P, "r-1", "pred-r-1", "auto-restart", 1,
                ApprovalState.PENDING, "confidence 0.62 < 0.90", 0.9, 3, 1, T0, T0.plusSeconds(600), null, "", "");
        store.create(run, Optional.of(approval), Optional.empty());

        assertThat(store.expired(T0.plusSeconds(599), null, 10)).isEmpty();
        assertThat(store.expired(T0.plusSeconds(600), null, 10)).containsExactly(approval);
        assertThat(store.approvals(P, null, 10)).containsExactly(approval);

        ApprovalRecord decided = approval.decided(ApprovalState.REJECTED, "ana", "not now", T0.plusSeconds(60));
        assertThat(store.decide(decided)).isTrue();
        assertThat(store.approval("ap-1")).contains(decided);
        assertThat(store.approvals(P, null, 10)).isEmpty();
        assertThat(store.approvals(P, ApprovalState.REJECTED, 10)).containsExactly(decided);
    }

    @Test
    void countPending_countsAProjectsPendingApprovalsOnly() {
        ProjectId other = ProjectId.of("other");
        for (int i = 1; i <= 5; i++) {
            ApprovalRecord approval = new ApprovalRecord("ap-" + i, i == 5 ? other : P, "r-" + i, "pred-r-" + i,
                    "auto-restart", 1, ApprovalState.PENDING, "confidence 0.62 < 0.90", 0.9, 3, 1, T0,
                    T0.plusSeconds(600), null, "", "");
            store.create(run("r-" + i, "k" + i, RunMode.AUTOMATIC, T0), Optional.of(approval), Optional.empty());
            if (i == 4) {
                assertThat(store.decide(approval.decided(ApprovalState.REJECTED, "ana", "", T0.plusSeconds(5))))
                        .isTrue();
            }
        }

        assertThat(store.countPending(P)).isEqualTo(3);
        assertThat(store.countPending(other)).isEqualTo(1);
        assertThat(store.countPending(ProjectId.of("none"))).isZero();
    }

    @Test
    void anIdempotencyKeyOfTheLongestSize_isStoredWhole() {
        String key = RunStore.idempotencyKeyAsStored("auto-restart:" + "k".repeat(2 * RunStore.MAX_IDEMPOTENCY_KEY));
        assertThat(key).hasSize(RunStore.MAX_IDEMPOTENCY_KEY);
        store.create(run("r-1", key, RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty());

        assertThat(store.run("r-1").orElseThrow().idempotencyKey()).isEqualTo(key);
        assertThat(store.create(run("r-2", key, RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty()))
                .as("the same key again").isFalse();
    }

    @Test
    void aDecisionRowInsertedTwice_isStoredOnce_theSecondInsertFails() {
        RunRecord run = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        store.create(run, Optional.empty(), Optional.empty());
        ActionRecord row = ActionRecord.of("pa-ap-1", run, Optional.empty(), ActionDecision.REJECTED, "ana", "no", T0);
        store.insert(row);

        assertThatThrownBy(() -> store.insert(ActionRecord.of("pa-ap-1", run, Optional.empty(),
                ActionDecision.REJECTED, "hub-b", "no", T0.plusSeconds(120)))).isInstanceOf(RuntimeException.class);
        assertThat(store.actions(P, null, "r-1", 10, null, null)).singleElement()
                .satisfies(a -> assertThat(a.decidedBy()).isEqualTo("ana"));
    }

    @Test
    void ofTwoDecisionsOnOneApproval_onlyTheFirstIsRecorded() {
        RunRecord run = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        ApprovalRecord approval = new ApprovalRecord("ap-1", P, "r-1", "pred-r-1", "auto-restart", 1,
                ApprovalState.PENDING, "confidence 0.62 < 0.90", 0.9, 3, 1, T0, T0.plusSeconds(600), null, "", "");
        store.create(run, Optional.of(approval), Optional.empty());

        boolean approved = store.decide(approval.decided(ApprovalState.APPROVED, "ana", "go", T0.plusSeconds(5)));
        boolean expired = store.decide(approval.decided(ApprovalState.EXPIRED, "hub", "", T0.plusSeconds(600)));

        assertThat(approved).isTrue();
        assertThat(expired).isFalse();
        assertThat(store.approval("ap-1").orElseThrow().state()).isEqualTo(ApprovalState.APPROVED);
        assertThat(store.approval("ap-1").orElseThrow().decidedBy()).isEqualTo("ana");
    }

    @Test
    void decisionsWithoutAnOutcome_areListedOldestFirst_untilObserved() {
        for (int i = 0; i < 3; i++) {
            store.insert(new ActionRecord("a-" + i, P, "pred-1", "r-" + i, ActionDecision.AUTOMATIC, "engine",
                    T0.plusSeconds(i), "", "service", "api", 0.9, null, null, null, "{}"));
        }
        store.update(store.actions(P, null, null, 10, null, null).get(2).withOutcome(Outcome.WORSE, 0.97, "{}", T0.plusSeconds(9)));

        assertThat(store.awaitingOutcome(10)).extracting(ActionRecord::actionId).containsExactly("a-1", "a-2");
        assertThat(store.awaitingOutcome(1)).extracting(ActionRecord::actionId).containsExactly("a-1");
    }

    @Test
    void anOutcome_isRecordedOnce_aSecondJudgeChangesNothing() {
        ActionRecord action = new ActionRecord("a-1", P, "pred-1", "r-1", ActionDecision.AUTOMATIC, "engine", T0, "",
                "service", "api", 0.9, null, null, null, "{}");
        store.insert(action);

        boolean first = store.recordOutcome(action.withOutcome(Outcome.RECOVERED, 0.1, "{\"by\":\"hub-a\"}",
                T0.plusSeconds(60)));
        boolean second = store.recordOutcome(action.withOutcome(Outcome.WORSE, 0.99, "{\"by\":\"hub-b\"}",
                T0.plusSeconds(61)));

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        ActionRecord stored = store.actionOfRun("r-1").orElseThrow();
        assertThat(stored.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(stored.riskAfter()).isEqualTo(0.1);
        assertThat(stored.outcomeAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(stored.outcomeJson()).isEqualTo("{\"by\":\"hub-a\"}");
        assertThat(store.awaitingOutcome(10)).isEmpty();
    }

    @Test
    void anOutcome_isRecordedOnItsFinishedRun_onlyTheOutcomeFieldsChange_andTheJsonIsCut() {
        store.create(run("r-1", "k-1", RunMode.AUTOMATIC, T0).withState(RunState.SUCCEEDED, "", T0.plusSeconds(5)),
                Optional.empty(), Optional.empty());
        store.create(run("r-2", "k-2", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty());
        ActionRecord done = new ActionRecord("a-1", P, "pred-1", "r-1", ActionDecision.AUTOMATIC, "engine", T0,
                "confident", "service", "api", 0.9, null, null, null, "{}");
        ActionRecord running = new ActionRecord("a-2", P, "pred-2", "r-2", ActionDecision.AUTOMATIC, "engine", T0,
                "confident", "service", "api", 0.9, null, null, null, "{}");
        store.insert(done);
        store.insert(running);
        String longJson = "{\"note\":\"" + "x".repeat(5000) + "\"}";
        // a judge holding other values of the decision's fields (a stale copy): only the outcome is taken
        ActionRecord stale = new ActionRecord("a-1", P, "pred-x", "r-1", ActionDecision.AUTOMATIC, "someone", T0,
                "stale", "service", "api", 0.5, null, null, null, "{}");

        assertThat(store.recordOutcome(stale.withOutcome(Outcome.RECOVERED, 0.1, longJson, T0.plusSeconds(60))))
                .isTrue();
        assertThat(store.recordOutcome(running.withOutcome(Outcome.WORSE, 0.99, "{}", T0.plusSeconds(60)))).isTrue();

        ActionRecord stored = store.actionOfRun("r-1").orElseThrow();
        assertThat(stored.reason()).isEqualTo("confident");
        assertThat(stored.predictionId()).isEqualTo("pred-1");
        assertThat(stored.riskBefore()).isEqualTo(0.9);
        assertThat(stored.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(stored.outcomeJson()).hasSize(ActionStore.MAX_OUTCOME_JSON).endsWith("...")
                .isEqualTo(longJson.substring(0, ActionStore.MAX_OUTCOME_JSON - 3) + "...");
        assertThat(store.run("r-1").orElseThrow().outcome()).as("the finished run's outcome").isEqualTo(Outcome.RECOVERED);
        assertThat(store.run("r-2").orElseThrow().outcome()).as("a run not finished keeps none").isNull();
    }

    @Test
    void anOutcomeWithoutARiskAfter_isRecorded() {
        ActionRecord action = new ActionRecord("a-1", P, "pred-1", "r-1", ActionDecision.AUTOMATIC, "engine", T0, "",
                "service", "api", 0.9, null, null, null, "{}");
        store.insert(action);

        assertThat(store.recordOutcome(action.withOutcome(Outcome.NOT_RECOVERED, null, "{\"note\":\"no telemetry\"}",
                T0.plusSeconds(60)))).isTrue();

        ActionRecord stored = store.actionOfRun("r-1").orElseThrow();
        assertThat(stored.outcome()).isEqualTo(Outcome.NOT_RECOVERED);
        assertThat(stored.riskAfter()).isNull();
    }

    @Test
    void predictionActions_recordOutcomes_andPage() {
        for (int i = 0; i < 3; i++) {
            store.insert(new ActionRecord("a-" + i, P, "pred-1", "r-" + i, ActionDecision.AUTOMATIC, "engine",
                    T0.plusSeconds(i), "", "service", "api", 0.9, null, null, null, "{}"));
        }
        ActionRecord first = store.actions(P, null, null, 10, null, null).get(2);
        store.update(first.withOutcome(Outcome.RECOVERED, 0.05, "{\"errorRate\":0.002}", T0.plusSeconds(300)));

        List<ActionRecord> all = store.actions(P, "pred-1", null, 10, null, null);
        assertThat(all).extracting(ActionRecord::actionId).containsExactly("a-2", "a-1", "a-0");
        assertThat(all.get(2).outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(all.get(2).riskAfter()).isEqualTo(0.05);
        assertThat(store.actions(P, null, null, 1, null, null)).hasSize(2);
        assertThat(store.actions(P, null, "r-1", 10, null, null)).extracting(ActionRecord::actionId)
                .containsExactly("a-1");
        assertThat(store.actions(P, "pred-1", "r-9", 10, null, null)).isEmpty();
    }

    @Test
    void theKillSwitch_isKeptPerScope() {
        assertThat(store.autonomy("p")).isEmpty();

        store.put(new AutonomySetting("p", true, T0, "ana", "incident review"));
        store.put(new AutonomySetting(AutonomySetting.GLOBAL, false, T0, "bob", ""));
        store.put(new AutonomySetting("p", false, T0.plusSeconds(1), "ana", "done"));

        assertThat(store.autonomy("p").orElseThrow().paused()).isFalse();
        assertThat(store.autonomy("p").orElseThrow().reason()).isEqualTo("done");
        assertThat(store.autonomy(AutonomySetting.GLOBAL).orElseThrow().changedBy()).isEqualTo("bob");
        // a decision's read: the global switch and its project's at once; a scope never set is absent
        assertThat(store.autonomies(List.of(AutonomySetting.GLOBAL, "p", "q")))
                .extracting(AutonomySetting::scope, AutonomySetting::paused, AutonomySetting::changedBy)
                .containsExactlyInAnyOrder(tuple(AutonomySetting.GLOBAL, false, "bob"), tuple("p", false, "ana"));
        assertThat(store.autonomies(List.of("q"))).isEmpty();
    }
}
