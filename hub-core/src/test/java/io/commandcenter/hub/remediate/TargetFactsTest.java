package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A target's decision counts kept in memory ({@link TargetFacts}) against the store's own counts,
 * which are the oracle: the in-memory store reads every count from its runs.
 */
class TargetFactsTest {
    static final ProjectId P = ProjectId.of("p");
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    final ManualClock clock = new ManualClock(T0);
    final InMemoryRemediationStore store = new InMemoryRemediationStore();
    final TargetFacts facts = new TargetFacts(store, clock);

    static RunRecord run(String id, String workflow, String target, RunMode mode, RunState state, Instant at) {
        return new RunRecord(id, P, workflow, 1, state, mode, "prediction.created.risk", "e-" + id, "pred-" + id,
                "service", target, "key-" + id, null, "hub-1", "", null, at, state == RunState.RUNNING ? at : null,
                state.isFinished() ? at : null, at.plus(HOUR), List.of(NodeRecord.pending("restart_service", 0,
                "devops", "restart", false)));
    }

    /** The memory of a hub alone, every target read at start (T0). */
    void aloneSinceStart() {
        facts.soleWriter(true);
        facts.loadAll(T0.minus(HOUR));
    }

    RunStore.TargetCounts counts(RunStore from, String workflow, String target, Instant now) {
        return from.targetCounts(P, workflow, "service", target, now.minus(HOUR));
    }

    @Test
    void countsFromMemory_equalTheStoresCounts_whileRunsStartEndAndTheWindowSlides() {
        facts.soleWriter(true);
        play(new SplittableRandom(18), T0);
        assertThat(facts.loads()).as("each target read from the store once").isEqualTo(2);
    }

    @Test
    void countsReadOnceAtStart_equalTheStoresCounts_runsStoredBeforeIncluded() {
        // a previous life of the hub: runs stored before the start, some still running
        play(new SplittableRandom(7), T0.minus(Duration.ofMinutes(50)));
        assertThat(counts(store, "auto-restart", "api", T0)).as("something to count").isNotEqualTo(
                new RunStore.TargetCounts(0, 0));
        aloneSinceStart();

        play(new SplittableRandom(18), T0);

        assertThat(facts.loads()).as("every target read at once, at start, and never again").isEqualTo(1);
    }

    /** Runs started and ended through {@link #facts}, their counts compared with the store's after each step. */
    void play(SplittableRandom random, Instant from) {
        List<RunRecord> live = new ArrayList<>(store.unfinished());
        Instant now = from;
        String[] targets = {"api", "db"};
        String[] workflows = {"auto-restart", "scale-out"};
        RunMode[] modes = {RunMode.AUTOMATIC, RunMode.SCHEDULED, RunMode.MANUAL, RunMode.APPROVAL};
        for (int step = 0; step < 400; step++) {
            now = now.plus(Duration.ofSeconds(random.nextInt(1, 120)));
            int what = random.nextInt(10);
            if (what < 5 || live.isEmpty()) {
                RunMode mode = modes[random.nextInt(modes.length)];
                RunState state = mode == RunMode.APPROVAL ? RunState.AWAITING_APPROVAL
                        : random.nextInt(6) == 0 ? RunState.SKIPPED : RunState.RUNNING;
                RunRecord r = run("r-" + from.getEpochSecond() + "-" + step, workflows[random.nextInt(2)], targets[random.nextInt(2)], mode, state, now);
                if (what % 2 == 0) {
                    assertThat(facts.create(r, Optional.empty(), Optional.empty())).isTrue();
                } else {
                    // a burst's shared commit
                    assertThat(facts.write(List.of(new RunStore.NewRun(r, Optional.empty(), Optional.empty())), List.of()))
                            .containsExactly(true);
                }
                if (!state.isFinished()) {
                    live.add(r);
                }
            } else {
                RunRecord r = live.remove(random.nextInt(live.size()));
                RunRecord next = r.state() == RunState.AWAITING_APPROVAL && random.nextBoolean()
                        ? r.withState(RunState.RUNNING, "", now)
                        : r.withState(r.state() == RunState.AWAITING_APPROVAL ? RunState.REJECTED : RunState.SUCCEEDED,
                        "", now);
                if (r.state() == RunState.AWAITING_APPROVAL && what == 5) {
                    // an approval decided: the conditional write of a waiting run (Approvals)
                    assertThat(facts.updateWaiting(next)).isTrue();
                } else if (what < 8) {
                    facts.update(next);
                } else {
                    facts.write(List.of(), List.of(next), Map.of(r.runId(), r));
                }
                if (!next.state().isFinished()) {
                    live.add(next);
                }
            }
            for (String target : targets) {
                for (String workflow : workflows) {
                    assertThat(counts(facts, workflow, target, now)).as("step %d, %s on %s", step, workflow, target)
                            .isEqualTo(counts(store, workflow, target, now));
                }
            }
        }
    }

    @Test
    void aWaitingRunRejectedByItsConditionalWrite_isNoLongerCountedActive() {
        aloneSinceStart();
        RunRecord waiting = run("w", "careful-restart", "payments", RunMode.APPROVAL, RunState.AWAITING_APPROVAL, T0);
        facts.create(waiting, Optional.empty(), Optional.empty());
        assertThat(counts(facts, "careful-restart", "payments", T0).active()).isEqualTo(1);

        // a person rejects it (Approvals.settle writes it only while it waits): before, the memory kept it active, and
        // the workflow skipped the target ("already active") until the memory expired
        assertThat(facts.updateWaiting(waiting.withState(RunState.REJECTED, "", T0))).isTrue();

        assertThat(counts(facts, "careful-restart", "payments", T0)).isEqualTo(counts(store, "careful-restart",
                "payments", T0));
        assertThat(counts(facts, "careful-restart", "payments", T0).active()).isZero();
    }

    @Test
    void aConditionalWriteThatFindsTheRunSettledElsewhere_makesItsTargetBeReadAgain() {
        aloneSinceStart();
        RunRecord waiting = run("w", "careful-restart", "payments", RunMode.APPROVAL, RunState.AWAITING_APPROVAL, T0);
        facts.create(waiting, Optional.empty(), Optional.empty());
        // settled by another hub's repair, straight in the store
        store.update(waiting.withState(RunState.REJECTED, "repaired", T0));
        long loads = facts.loads();

        assertThat(facts.updateWaiting(waiting.withState(RunState.RUNNING, "", T0))).isFalse();

        assertThat(counts(facts, "careful-restart", "payments", T0).active()).isZero();
        assertThat(facts.loads()).as("the target read again").isEqualTo(loads + 1);
    }

    @Test
    void aRunStoredByAnotherHub_isCountedAtEveryDecision_unlessThisHubIsTheSoleWriter() {
        facts.create(run("mine", "auto-restart", "api", RunMode.AUTOMATIC, RunState.RUNNING, T0), Optional.empty(),
                Optional.empty());
        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(1, 1));

        // another hub on the same database
        store.create(run("theirs", "auto-restart", "api", RunMode.AUTOMATIC, RunState.RUNNING, T0), Optional.empty(),
                Optional.empty());

        assertThat(counts(facts, "auto-restart", "api", T0)).as("shared store: read every time")
                .isEqualTo(new RunStore.TargetCounts(2, 2));
        assertThat(facts.loads()).isZero();
    }

    @Test
    void aCreateRefusedForItsKey_readsTheTargetAgain_soTheRunHoldingTheKeyCounts() {
        facts.soleWriter(true);
        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(0, 0));
        RunRecord first = run("cron-a", "auto-restart", "api", RunMode.SCHEDULED, RunState.RUNNING, T0);
        store.create(first, Optional.empty(), Optional.empty());
        RunRecord same = run("cron-b", "auto-restart", "api", RunMode.SCHEDULED, RunState.RUNNING, T0);
        RunRecord sameKey = new RunRecord(same.runId(), P, same.workflow(), 1, same.state(), same.mode(),
                same.triggerSubject(), same.triggerId(), same.predictionId(), "service", "api", first.idempotencyKey(),
                null, "hub-1", "", null, T0, T0, null, same.deadlineAt(), same.nodes());

        assertThat(facts.create(sameKey, Optional.empty(), Optional.empty())).isFalse();

        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(1, 1));
        assertThat(facts.loads()).isEqualTo(2);
    }

    @Test
    void afterTheStartsRead_aCreateRefusedForItsKey_readsThatTargetAgain() {
        aloneSinceStart();
        RunRecord first = run("cron-a", "auto-restart", "api", RunMode.SCHEDULED, RunState.RUNNING, T0);
        store.create(first, Optional.empty(), Optional.empty());
        RunRecord same = run("cron-b", "auto-restart", "api", RunMode.SCHEDULED, RunState.RUNNING, T0);

        assertThat(facts.create(new RunRecord(same.runId(), P, same.workflow(), 1, same.state(), same.mode(),
                same.triggerSubject(), same.triggerId(), same.predictionId(), "service", "api", first.idempotencyKey(),
                null, "hub-1", "", null, T0, T0, null, same.deadlineAt(), same.nodes()), Optional.empty(),
                Optional.empty())).isFalse();

        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(1, 1));
        assertThat(counts(facts, "auto-restart", "db", T0)).as("other targets: known empty")
                .isEqualTo(new RunStore.TargetCounts(0, 0));
        assertThat(facts.loads()).isEqualTo(2);
    }

    @Test
    void aWriteThatFails_readsItsTargetsAgain_forItMayHaveBeenStored() {
        RunStore failingAfterCommit = new Delegating(store) {
            @Override
            public Written writeOwned(List<NewRun> creates, List<RunRecord> updates,
                                      Map<String, RunRecord> lastStored) {
                store.writeOwned(creates, updates, lastStored);
                throw new IllegalStateException("connection lost after the commit");
            }
        };
        TargetFacts facts = new TargetFacts(failingAfterCommit, clock);
        facts.soleWriter(true);
        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(0, 0));
        RunRecord r = run("r-1", "auto-restart", "api", RunMode.AUTOMATIC, RunState.RUNNING, T0);

        assertThatThrownBy(() -> facts.write(List.of(new RunStore.NewRun(r, Optional.empty(), Optional.empty())),
                List.of())).isInstanceOf(IllegalStateException.class);

        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(1, 1));
    }

    @Test
    void aRunEndingWhileItsTargetIsRead_staysEnded_theWriteIsNewerThanTheRead() {
        RunRecord r = run("r-1", "auto-restart", "api", RunMode.AUTOMATIC, RunState.RUNNING, T0);
        store.create(r, Optional.empty(), Optional.empty());
        TargetFacts[] self = new TargetFacts[1];
        RunStore endsDuringTheRead = new Delegating(store) {
            @Override
            public List<TargetRun> targetRuns(ProjectId project, String targetKind, String targetId, Instant since) {
                List<TargetRun> read = store.targetRuns(project, targetKind, targetId, since);
                // the journal's writer stores the run's end after the read, before the read is merged
                self[0].update(r.withState(RunState.SUCCEEDED, "", T0.plusSeconds(5)));
                return read;
            }
        };
        self[0] = new TargetFacts(endsDuringTheRead, clock);
        self[0].soleWriter(true);

        // the read still saw it running; the end stored meanwhile wins
        assertThat(counts(self[0], "auto-restart", "api", T0.plusSeconds(5))).isEqualTo(new RunStore.TargetCounts(1, 0));
        assertThat(counts(store, "auto-restart", "api", T0.plusSeconds(5))).isEqualTo(new RunStore.TargetCounts(1, 0));
    }

    @Test
    void aWindowEarlierThanTheOneRead_readsTheStoreAgain() {
        facts.soleWriter(true);
        store.create(run("old", "auto-restart", "api", RunMode.AUTOMATIC, RunState.SUCCEEDED, T0.minus(HOUR)),
                Optional.empty(), Optional.empty());
        assertThat(counts(facts, "auto-restart", "api", T0.plusSeconds(1))).isEqualTo(new RunStore.TargetCounts(0, 0));

        // a decision dated earlier (a clock set back) counts the run the first read left out
        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(1, 0));
        assertThat(facts.loads()).isEqualTo(2);
    }

    @Test
    void aWindowEarlierThanOneThatPruned_readsTheStoreAgain_thePrunedRunsCount() {
        aloneSinceStart();
        facts.create(run("done", "auto-restart", "api", RunMode.AUTOMATIC, RunState.SUCCEEDED, T0), Optional.empty(),
                Optional.empty());
        // an hour and a minute later: the run left the window and is pruned from memory
        Instant later = T0.plus(HOUR).plusSeconds(60);
        assertThat(counts(facts, "auto-restart", "api", later)).isEqualTo(new RunStore.TargetCounts(0, 0));

        // a decision dated two minutes earlier (a dry run on a REST thread, a clock stepped back)
        Instant earlier = later.minusSeconds(120);
        assertThat(counts(facts, "auto-restart", "api", earlier)).isEqualTo(counts(store, "auto-restart", "api", earlier))
                .isEqualTo(new RunStore.TargetCounts(1, 0));
        assertThat(facts.loads()).isEqualTo(2);
    }

    @Test
    void aRunStoredFinished_staysFinished_whenAnEarlierStateIsStoredAfterIt() {
        aloneSinceStart();
        RunRecord waiting = run("x", "auto-restart", "api", RunMode.APPROVAL, RunState.AWAITING_APPROVAL, T0);
        facts.create(waiting, Optional.empty(), Optional.empty());
        facts.update(waiting.withState(RunState.REJECTED, "", T0.plusSeconds(5)));

        // the journal's commit of the earlier state lands after the lane's update
        facts.write(List.of(), List.of(waiting), Map.of());

        assertThat(counts(facts, "auto-restart", "api", T0.plusSeconds(5))).isEqualTo(new RunStore.TargetCounts(0, 0));
    }

    @Test
    void runsAnotherWriterEndsAndStarts_areSeenAPeriodAfterTheyWereRead() {
        aloneSinceStart();
        facts.create(run("mine", "auto-restart", "api", RunMode.AUTOMATIC, RunState.RUNNING, T0), Optional.empty(),
                Optional.empty());
        assertThat(counts(facts, "auto-restart", "db", T0)).isEqualTo(new RunStore.TargetCounts(0, 0));
        // the one-hub rule broken: an old pod ends this run and starts one on db
        store.update(store.run("mine").orElseThrow().withState(RunState.SUCCEEDED, "", T0.plusSeconds(1)));
        store.create(run("theirs", "auto-restart", "db", RunMode.AUTOMATIC, RunState.RUNNING, T0.plusSeconds(1)),
                Optional.empty(), Optional.empty());

        clock.set(T0.plusSeconds(59));
        facts.expire(Duration.ofSeconds(60));
        assertThat(counts(facts, "auto-restart", "api", T0)).as("within the period: memory")
                .isEqualTo(new RunStore.TargetCounts(1, 1));

        clock.set(T0.plusSeconds(61));
        facts.expire(Duration.ofSeconds(60));
        for (String target : List.of("api", "db")) {
            assertThat(counts(facts, "auto-restart", target, T0)).as(target)
                    .isEqualTo(counts(store, "auto-restart", target, T0));
        }
        assertThat(facts.loads()).as("the start's read, then each target once").isEqualTo(3);
    }

    @Test
    void aTargetWithNothingToCount_isForgottenAfterAPeriod_oneWithRunsIsKept() {
        aloneSinceStart();
        facts.create(run("r", "auto-restart", "api", RunMode.AUTOMATIC, RunState.RUNNING, T0), Optional.empty(),
                Optional.empty());
        counts(facts, "auto-restart", "db", T0);
        assertThat(facts.targetsKept()).isEqualTo(2);

        clock.set(T0.plusSeconds(61));
        facts.expire(Duration.ofSeconds(60));

        assertThat(facts.targetsKept()).isEqualTo(1);
        assertThat(counts(facts, "auto-restart", "api", T0)).isEqualTo(new RunStore.TargetCounts(1, 1));
        assertThat(counts(facts, "auto-restart", "db", T0)).isEqualTo(new RunStore.TargetCounts(0, 0));
    }

    /** Passes everything to a store; tests override what they disturb. */
    static class Delegating extends ForwardingRunStore {
        Delegating(RunStore store) {
            super(store);
        }
    }
}
