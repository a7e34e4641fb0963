package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static io.commandcenter.hub.remediate.RemediationStoreContract.T0;
import static io.commandcenter.hub.remediate.RemediationStoreContract.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The run journal's late writes (a state that waits for its run's next one, and when it is stored
 * alone) and where a create is committed (by its caller when the writer is idle, else by the writer;
 * never two commits at once).
 */
class RunJournalTest {
    private final Recording store = new Recording();
    private final InMemoryAuditLedger ledger = new InMemoryAuditLedger();
    private RunJournal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private RunJournal journal(Duration lateBy) {
        journal = new RunJournal(store, MemoryAuditSpool.trail(ledger, Clock.systemUTC(), "hub-1"),
                "test-journal", lateBy);
        return journal;
    }

    /** A stored run, then its first node handed to an agent (QUEUED with its task), then taken (RUNNING). */
    private final RunRecord created = run("r-1", "k1", RunMode.AUTOMATIC, T0);
    private final RunRecord queued = created.withNode(created.node("restart_service")
            .queued("task-1", 1, Map.of("service", "api"), T0));
    private final RunRecord running = queued.withNode(queued.node("restart_service").running());
    private final RunRecord succeeded = running.withNode(running.node("restart_service")
            .finished(NodeState.SUCCEEDED, "{}", "", T0.plusSeconds(1)));

    private void stored(RunRecord run) {
        store.create(run, Optional.empty(), Optional.empty());
    }

    @Test
    void aRetriedBatch_leavesOutTheStateOfARunLostAndTakenBackMeanwhile_whichWouldWriteOverTheOtherHubs() {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        j.write(queued);
        j.sync();
        // the batch holding the run's next state is refused; before it is tried again, another hub
        // adopted the run and stored its end, and this hub took the run back
        store.refuseNextWrite = () -> {
            store.update(succeeded);
            j.lost("r-1", "hub-2");
            j.owned("r-1");
        };
        j.write(running);
        j.sync();

        assertThat(store.run("r-1")).as("the other hub's end stays").contains(succeeded);
        assertThat(store.written).as("not tried again").doesNotContain(running);
    }

    @Test
    void aLateState_isNeverWrittenWhenTheRunsNextStateFollows_andTheNextIsStoredWhole() {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        j.write(queued);
        j.sync();
        j.writeLater(running);
        j.write(succeeded);
        j.sync();

        assertThat(store.written).containsExactly(queued, succeeded);
        assertThat(store.run("r-1")).contains(succeeded);
        assertThat(store.untrueLastStored()).isEmpty();
    }

    @Test
    void workWaitingForACommit_doesNotWaitForALateState_butSyncStoresIt() throws InterruptedException {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        j.write(queued);
        j.sync();
        j.writeLater(running);
        CountDownLatch after = new CountDownLatch(1);
        List<Optional<RunRecord>> seen = new ArrayList<>();
        j.afterDurable(() -> {
            seen.add(store.run("r-1"));
            after.countDown();
        });
        assertThat(after.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(seen).containsExactly(Optional.of(queued));
        j.sync();
        assertThat(store.run("r-1")).contains(running);
    }

    @Test
    void aLateStateWithNoNextOne_isStoredAloneOnceItsTimeHasPassed() {
        stored(created);
        RunJournal j = journal(Duration.ofMillis(50));
        j.write(queued);
        j.sync();
        j.writeLater(running);

        await().atMost(Duration.ofSeconds(30)).until(() -> store.run("r-1").orElseThrow().equals(running));
        assertThat(store.written).containsExactly(queued, running);
    }

    @Test
    void closing_storesTheLateStatesStillWaiting() {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        j.write(queued);
        j.sync();
        j.writeLater(running);
        j.close();

        assertThat(store.run("r-1")).contains(running);
    }

    private static AuditRecord decided(RunRecord run) {
        return AuditRecord.of(T0, run.project().value(), "engine", AuditAction.RUN_DECIDED, "run:" + run.runId(),
                Map.of(), "hub-1");
    }

    /** Whom a create's caller heard from, on which thread, and what was stored by then. */
    private static final class Told implements BiConsumer<Boolean, RuntimeException> {
        final CountDownLatch done = new CountDownLatch(1);
        volatile Thread thread;
        volatile Boolean stored;
        volatile RuntimeException failure;
        private final Runnable alsoThen;

        Told(Runnable alsoThen) {
            this.alsoThen = alsoThen;
        }

        @Override
        public void accept(Boolean stored, RuntimeException failure) {
            this.thread = Thread.currentThread();
            this.stored = stored;
            this.failure = failure;
            alsoThen.run();
            done.countDown();
        }

        void await() throws InterruptedException {
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private final RunRecord other = run("r-2", "k2", RunMode.AUTOMATIC, T0);

    @Test
    void aCreateWhileTheWriterIsIdle_isCommittedOnTheCallersThread_andItsCallerToldBeforeCreateReturns() {
        RunJournal j = journal(Duration.ofHours(1)); // its writer idle: nothing handed in yet
        List<Optional<RunRecord>> storedWhenTold = new ArrayList<>();
        List<Integer> decisionsWhenTold = new ArrayList<>();
        Told told = new Told(() -> {
            storedWhenTold.add(store.run("r-1"));
            decisionsWhenTold.add(ledger.all().size());
        });

        j.create(created, Optional.empty(), Optional.empty(), decided(created), told);

        assertThat(told.thread).isSameAs(Thread.currentThread());
        assertThat(told.stored).isTrue();
        assertThat(told.failure).isNull();
        // durable, its decision recorded, before the caller heard
        assertThat(storedWhenTold).containsExactly(Optional.of(created));
        assertThat(decisionsWhenTold).containsExactly(1);
        assertThat(j.commitsHere()).isEqualTo(1);
        assertThat(j.commits()).isEqualTo(1);
    }

    @Test
    void aCreateWhoseCommitSucceededButAnsweredAFailure_isToldStored_notADuplicate_andItsDecisionRecordedOnce()
            throws Exception {
        RunJournal j = journal(Duration.ofHours(1));
        store.failAfterNextWrite = true;
        Told told = new Told(() -> { });

        j.create(created, Optional.empty(), Optional.empty(), decided(created), told);

        told.await();
        assertThat(told.stored).as("the run is the key's holder: stored, so it is launched").isTrue();
        assertThat(told.failure).isNull();
        assertThat(store.run("r-1")).contains(created);
        j.sync();
        assertThat(ledger.all()).as("its decision, once").hasSize(1);
    }

    @Test
    void onceTheEngineIsStopping_aCreateIsCommittedByTheWriter_neverOnTheCallersThread() throws Exception {
        RunJournal j = journal(Duration.ofHours(1)); // its writer idle
        j.stopping(); // the lanes may be interrupted from now on: none may be inside a commit
        Told told = new Told(() -> { });

        j.create(created, Optional.empty(), Optional.empty(), decided(created), told);

        told.await();
        assertThat(told.thread.getName()).isEqualTo("test-journal");
        assertThat(told.stored).isTrue();
        assertThat(store.run("r-1")).contains(created);
        assertThat(j.commitsHere()).isZero();
    }

    @Test
    void aCreateWhileTheWriterCommits_goesIntoItsNextBatch_andItsCallerIsToldOnTheWriter() throws Exception {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        store.holdNextWrite();
        j.write(queued);
        store.awaitHeld(); // the writer is in its commit
        Told told = new Told(() -> { });

        j.create(other, Optional.empty(), Optional.empty(), decided(other), told);

        assertThat(told.done.getCount()).isEqualTo(1); // not told yet: the caller did not commit it
        assertThat(store.run("r-2")).isEmpty();
        store.release();
        told.await();
        assertThat(told.thread.getName()).isEqualTo("test-journal");
        assertThat(told.stored).isTrue();
        assertThat(store.run("r-2")).contains(other);
        assertThat(j.commitsHere()).isZero();
        assertThat(store.overlaps.get()).isZero();
    }

    @Test
    void aCallerCommittingItsCreate_holdsTheWriterOff_andWhatIsHandedInMeanwhileFollowsItsCommit() throws Exception {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1)); // its writer idle: nothing handed in yet
        store.holdNextWrite();
        Told told = new Told(() -> { });
        Thread lane = new Thread(() -> j.create(other, Optional.empty(), Optional.empty(), decided(other), told),
                "lane-0");
        lane.start();
        store.awaitHeld(); // the lane is in its commit
        j.write(queued);
        List<Optional<RunRecord>> seenAfter = new ArrayList<>();
        CountDownLatch after = new CountDownLatch(1);
        j.afterDurable(() -> {
            seenAfter.add(store.run("r-2"));
            after.countDown();
        });
        Thread writer = threadNamed("test-journal");
        // the writer took the hand-ins' signal and went back to waiting, for the lane's commit
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.getState() == Thread.State.WAITING);
        assertThat(store.written).isEmpty();

        store.release();
        told.await();
        assertThat(after.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(told.thread).isSameAs(lane);
        assertThat(seenAfter).containsExactly(Optional.of(other));
        assertThat(store.written).containsExactly(queued);
        assertThat(store.overlaps.get()).isZero();
        assertThat(j.commitsHere()).isEqualTo(1);
    }

    @Test
    void lanesCreatingWhileTheWriterCommitsTheirStates_neverCommitAtOnce_andEveryRunIsStoredAndToldOnce()
            throws Exception {
        RunJournal j = journal(Duration.ofMillis(20));
        int lanes = 4;
        int perLane = 150;
        ConcurrentHashMap<String, Integer> toldTimes = new ConcurrentHashMap<>();
        CountDownLatch allTold = new CountDownLatch(lanes * perLane);
        List<Thread> threads = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            int lane = l;
            threads.add(new Thread(() -> {
                for (int i = 0; i < perLane; i++) {
                    RunRecord r = run("r-" + lane + "-" + i, "k-" + lane + "-" + i, RunMode.AUTOMATIC, T0);
                    j.create(r, Optional.empty(), Optional.empty(), decided(r), (stored, failure) -> {
                        toldTimes.merge(r.runId(), 1, Integer::sum);
                        if (Boolean.TRUE.equals(stored)) {
                            // the run's next states: one now, one late
                            RunRecord q = r.withNode(r.node("restart_service").queued("t-" + r.runId(), 1, Map.of(),
                                    T0));
                            j.write(q);
                            j.writeLater(q.withNode(q.node("restart_service").running()));
                        }
                        allTold.countDown();
                    });
                }
            }, "lane-" + l));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(allTold.await(30, TimeUnit.SECONDS)).isTrue();
        j.sync();

        assertThat(store.overlaps.get()).isZero();
        assertThat(toldTimes).hasSize(lanes * perLane).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        for (int l = 0; l < lanes; l++) {
            for (int i = 0; i < perLane; i++) {
                assertThat(store.run("r-" + l + "-" + i).orElseThrow().node("restart_service").state())
                        .isEqualTo(NodeState.RUNNING);
            }
        }
        assertThat(ledger.all()).hasSize(lanes * perLane);
        assertThat(store.untrueLastStored()).isEmpty();
    }

    @Test
    void aCallersCommitTheStoreRefuses_tellsTheCallerWhy_andStoresNothing() {
        RunJournal j = journal(Duration.ofHours(1)); // its writer idle: nothing handed in yet
        store.failCreates = true;
        Told told = new Told(() -> { });

        j.create(created, Optional.empty(), Optional.empty(), decided(created), told);

        assertThat(told.thread).isSameAs(Thread.currentThread());
        assertThat(told.stored).isNull();
        assertThat(told.failure).hasMessageContaining("disk full");
        assertThat(store.run("r-1")).isEmpty();
        assertThat(ledger.all()).isEmpty();
        assertThat(j.commits()).isZero();
        // the writer is free again: what comes next is stored
        store.failCreates = false;
        j.create(other, Optional.empty(), Optional.empty(), decided(other), new Told(() -> { }));
        assertThat(store.run("r-2")).contains(other);
    }

    private static Thread threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    /**
     * The in-memory store, keeping every run state written to it in order; it counts writes that
     * overlap, can hold the next write until released, and can refuse creates.
     */
    private static final class Recording extends ForwardingRunStore {
        final List<RunRecord> written = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger overlaps = new AtomicInteger();
        private final AtomicInteger inWrite = new AtomicInteger();
        private final AtomicBoolean holdNext = new AtomicBoolean();
        private volatile CountDownLatch held;
        private volatile CountDownLatch release;
        volatile boolean failCreates;
        /** The next batch write commits, then throws (a connection lost during COMMIT). */
        volatile boolean failAfterNextWrite;
        /** Run before the next batch write, which then throws and stores nothing; null: none. */
        volatile Runnable refuseNextWrite;

        Recording() {
            super(new InMemoryRemediationStore());
        }

        void holdNextWrite() {
            held = new CountDownLatch(1);
            release = new CountDownLatch(1);
            holdNext.set(true);
        }

        void awaitHeld() throws InterruptedException {
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        }

        void release() {
            release.countDown();
        }

        @Override
        public boolean create(RunRecord run, Optional<ApprovalRecord> approval, Optional<ActionRecord> action) {
            if (failCreates) {
                throw new IllegalStateException("disk full");
            }
            return super.create(run, approval, action);
        }

        @Override
        public void update(RunRecord run) {
            written.add(run);
            super.update(run);
        }

        @Override
        public Written writeOwned(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored) {
            if (inWrite.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                if (holdNext.compareAndSet(true, false)) {
                    held.countDown();
                    release.await(30, TimeUnit.SECONDS);
                }
                if (failCreates && !creates.isEmpty()) {
                    throw new IllegalStateException("disk full");
                }
                Runnable refuse = refuseNextWrite;
                if (refuse != null && !updates.isEmpty()) {
                    refuseNextWrite = null;
                    refuse.run();
                    throw new IllegalStateException("the database cannot be reached");
                }
                // many writes in flight at once would meet here more often than not
                Thread.yield();
                written.addAll(updates);
                Written stored = super.writeOwned(creates, updates, lastStored);
                if (failAfterNextWrite) {
                    failAfterNextWrite = false;
                    throw new IllegalStateException("connection lost during COMMIT");
                }
                return stored;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inWrite.decrementAndGet();
            }
        }

        List<String> untrueLastStored() {
            return ((InMemoryRemediationStore) store).untrueLastStored();
        }
    }
}
