package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Runs whose hub is gone (ADR 0028): a hub adopts the RUNNING runs and outcome watches of a hub
 * whose lease in the store lapsed (a pod back under another name adopts the old name's), each by
 * one conditional change of owner, and never those of a hub whose lease is fresh. The store's clock
 * (the database's, which dates leases) is a manual one here.
 */
class AdoptionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The default lease TTL. */
    private static final Duration TTL = Duration.ofSeconds(30);
    /** Past the default lease TTL (30 s). */
    private static final Duration LAPSED = Duration.ofSeconds(31);
    private final ManualClock storeClock = new ManualClock(Instant.parse("2026-12-07T04:00:00Z"));
    private final EngineFixture f = new EngineFixture(new InMemoryRemediationStore(storeClock), Clock.systemUTC(),
            null);

    @AfterEach
    void close() {
        f.close();
    }

    /** The workflow stored by an engine of the old id, which then stopped (the scheduler goes on). */
    private void workflowStoredByTheOldHub() {
        f.hubId = "pod-7f9c";
        f.start().put(CrashMidBurst.WORKFLOW);
        f.stopEngineOnly();
    }

    /**
     * The store's clock moves on by {@code by} while the hubs named renew their leases every sixth of
     * the TTL, as their engines do (an adopter must have renewed for a TTL without a gap).
     */
    private void advanceRenewing(Duration by, String... hubs) {
        Duration step = TTL.dividedBy(6);
        for (String hub : hubs) {
            f.store.renewLease(hub, TTL);
        }
        for (Duration left = by; !left.isZero(); ) {
            Duration next = left.compareTo(step) < 0 ? left : step;
            storeClock.advance(next);
            left = left.minus(next);
            for (String hub : hubs) {
                f.store.renewLease(hub, TTL);
            }
        }
    }

    /** {@code real}, with {@code before} run ahead of each call (by method name; it may throw instead). */
    private static RemediationStore interposed(RemediationStore real,
                                               BiConsumer<String, Object[]> before) {
        return (RemediationStore) Proxy.newProxyInstance(RemediationStore.class.getClassLoader(),
                new Class<?>[]{RemediationStore.class}, (proxy, method, args) -> {
                    before.accept(method.getName(), args);
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** {@code real}, whose change of owner fails with {@code failure} (not tried) while {@code failing} says so. */
    private static RemediationStore adoptFailing(RemediationStore real, BooleanSupplier failing,
                                                 Supplier<RuntimeException> failure) {
        return interposed(real, (method, args) -> {
            if (method.equals("adopt") && failing.getAsBoolean()) {
                throw failure.get();
            }
        });
    }

    /** An adoption the SQL store's every try of which the database rolled back: certainly not stored. */
    private static CommandCenterException rolledBack3Times() {
        return new CommandCenterException(ErrorKind.CONTENTION, RunStore.STORE_CONFLICT,
                "the adoption of run run-1 was rolled back by the database 3 times");
    }

    /** What runs after a store call answered, before its caller hears (by method name; it may wait). */
    private interface AfterCall {
        void accept(String method, Object[] args) throws InterruptedException;
    }

    /** {@code real}, with {@code after} run after each call it answered. */
    private static RemediationStore answering(RemediationStore real, AfterCall after) {
        return (RemediationStore) Proxy.newProxyInstance(RemediationStore.class.getClassLoader(),
                new Class<?>[]{RemediationStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    after.accept(method.getName(), args);
                    return result;
                });
    }

    /**
     * {@code real}, where a change of owner commits and its answer is lost, and the read after it
     * fails once too; {@code before} run ahead of every other call.
     */
    private static RemediationStore losingTheAdoptionsAnswer(RemediationStore real,
                                                             BiConsumer<String, Object[]> before) {
        AtomicInteger readsToFail = new AtomicInteger();
        return interposed(real, (method, args) -> {
            if (method.equals("adopt")) {
                real.adopt((String) args[0], (String) args[1], (String) args[2], (Duration) args[3]);
                readsToFail.set(1);
                throw new IllegalStateException("connection lost during COMMIT");
            }
            if (method.equals("run") && readsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the database cannot be reached");
            }
            before.accept(method, args);
        });
    }

    /** Hub pod-c41a on {@code store}, started, then renewing for a TTL (so it may adopt). */
    /** run-1 ends, with one {@code RUN_ADOPTED} in the ledger. */
    private static void adoptedOnceAndEnded(EngineFixture g, RemediationStore real) {
        await().atMost(WAIT).until(() -> real.run("run-1").orElseThrow().state().isFinished());
        g.engine.drain();
        assertThat(g.ledger.all()).filteredOn(e -> e.action().equals("RUN_ADOPTED")).hasSize(1);
    }

    /** {@link #adoptedOnceAndEnded}, and its end published once. */
    private static void adoptedOnceAndEndedOnce(EngineFixture g, RemediationStore real) {
        adoptedOnceAndEnded(g, real);
        assertThat(g.published).filteredOn(e -> e.startsWith("workflow.run.")).as("its end told once")
                .hasSize(1);
    }

    private EngineFixture adopterOn(RemediationStore store) {
        EngineFixture g = new EngineFixture(store, f.clock, null);
        g.hubId = "pod-c41a";
        g.soleWriter = false;
        g.start();
        advanceRenewing(LAPSED, "pod-c41a");
        return g;
    }

    private List<AuditEntry> adoptions() {
        return f.ledger.all().stream().filter(e -> e.action().equals("RUN_ADOPTED")).toList();
    }

    @Test
    void aHubUnderANewHubId_adoptsTheOldIdsRunningRunOnceItsLeaseLapsed_finishesIt_andItsTargetsSlotFreesAfterwards() {
        workflowStoredByTheOldHub();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, release);
        RunRecord orphan = f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        Task task = f.submittedByTheOldHub(orphan);
        await().atMost(WAIT).until(() -> entered.getCount() == 0);

        f.hubId = "pod-c41a"; // the pod came back under a new name
        f.startEngine();
        f.engine.drain();
        assertThat(f.store.run("run-1").orElseThrow().hubId()).as("the old id's lease is fresh").isEqualTo("pod-7f9c");

        advanceRenewing(LAPSED, "pod-c41a");
        assertThat(f.engine.adoptOrphans()).isEqualTo(1);
        assertThat(f.store.run("run-1").orElseThrow().hubId()).isEqualTo("pod-c41a");
        // while the adopted run goes on, it holds its target's per_target slot
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 2);
        f.engine.drain();
        assertThat(f.runs()).filteredOn(r -> !r.runId().equals("run-1")).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.SKIPPED);
            assertThat(r.error()).contains("per_target 1");
        });

        release.countDown();
        await().atMost(WAIT).until(() -> f.store.run("run-1").orElseThrow().state().isFinished());
        RunRecord done = f.store.run("run-1").orElseThrow();
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.hubId()).isEqualTo("pod-c41a");
        assertThat(done.node("restart_service").taskId()).isEqualTo(task.id());
        assertThat(f.calls("restart")).as("the action, run once").hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(1);
        await().atMost(WAIT).until(() -> !adoptions().isEmpty());
        assertThat(adoptions()).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo("run:run-1");
            assertThat(e.detail()).contains("\"from\":\"pod-7f9c\"").contains("\"to\":\"pod-c41a\"");
        });

        // the slot is free again: the next confident prediction on the target runs
        f.devops = (a, in) -> io.commandcenter.hub.agents.ActionResult.done("{}");
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 3);
        f.engine.drain();
        assertThat(f.runs()).filteredOn(r -> !r.runId().equals("run-1") && r.state() != RunState.SKIPPED)
                .singleElement().satisfies(r -> assertThat(r.mode()).isEqualTo(RunMode.AUTOMATIC));
    }

    @Test
    void aRunOfAHubWhoseLeaseIsFresh_isNeitherAdoptedNorDriven_andCancelNamesItsHub() {
        workflowStoredByTheOldHub();
        f.storedRunOf("hub-b", "run-1", "svc-1");
        f.storedRunOf("hub-b", "run-2", "svc-2");
        f.store.renewLease("hub-b", TTL);
        f.hubId = "hub-a";
        f.startEngine(); // a sole writer too: the lease decides everywhere
        f.engine.drain();

        advanceRenewing(LAPSED, "hub-a", "hub-b"); // hub A may adopt, hub B renews
        assertThat(f.engine.adoptOrphans()).isZero();
        f.engine.drain();
        assertThat(f.store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-b");
        assertThat(f.store.run("run-2").orElseThrow().hubId()).isEqualTo("hub-b");
        assertThat(f.calls("restart")).as("nothing of hub B's run driven here").isEmpty();
        assertThatThrownBy(() -> f.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PRECONDITION);
                    assertThat(e.reason()).isEqualTo("RUN_ON_OTHER_HUB");
                    assertThat(e.getMessage()).contains("its lease in the store is fresh").contains("cancel it on hub hub-b");
                });
        assertThat(f.store.run("run-1").orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(adoptions()).isEmpty();
    }

    @Test
    void aRunOfAHubWhoseLeaseLapsed_isAdoptedOnce_andFinishesHere() {
        workflowStoredByTheOldHub();
        f.submittedByTheOldHub(f.storedRunOf("hub-b", "run-1", "svc-1"));
        f.store.renewLease("hub-b", TTL);
        f.hubId = "hub-a";
        f.soleWriter = false;
        f.startEngine();
        assertThat(f.store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-b");

        // the database was out for longer than the TTL: every lease is old, hub A's too
        storeClock.advance(LAPSED);
        advanceRenewing(Duration.ofSeconds(20), "hub-a");
        assertThat(f.engine.adoptOrphans()).as("hub A renewed for less than a TTL since").isZero();
        assertThat(f.store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-b");
        advanceRenewing(Duration.ofSeconds(10), "hub-a");
        assertThat(f.engine.adoptOrphans()).isEqualTo(1);
        assertThat(f.engine.adoptOrphans()).as("adopted once").isZero();

        await().atMost(WAIT).until(() -> f.store.run("run-1").orElseThrow().state().isFinished());
        assertThat(f.store.run("run-1").orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(r.hubId()).isEqualTo("hub-a");
        });
        assertThat(f.calls("restart")).hasSize(1);
    }

    @Test
    void aRunAnotherHubAdoptedFirst_isLeftToIt_andNothingIsRecordedHere() {
        workflowStoredByTheOldHub();
        f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        advanceRenewing(LAPSED, "pod-c41a", "hub-c"); // both may adopt: they renewed for a TTL
        RemediationStore real = f.store;
        // between this hub's read of the unfinished runs and its change of owner, hub C adopts the run
        RemediationStore racing = interposed(real, (method, args) -> {
            if (method.equals("adopt")) {
                real.adopt((String) args[0], (String) args[1], "hub-c", (Duration) args[3]);
            }
        });
        try (EngineFixture g = new EngineFixture(racing, f.clock, null)) {
            g.hubId = "pod-c41a";
            g.start();
            g.engine.drain();

            assertThat(real.run("run-1").orElseThrow().hubId()).isEqualTo("hub-c");
            assertThat(g.calls("restart")).as("not driven here").isEmpty();
            assertThat(g.ledger.all()).noneMatch(e -> e.action().equals("RUN_ADOPTED"));
        }
    }

    @Test
    void anAdoptionThatCommitsButWhoseAnswerIsLost_isTakenUpByTheNextSweep_andTheRunFinishesOnce() {
        workflowStoredByTheOldHub();
        f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        RemediationStore real = f.store;
        // the change of owner commits and its answer is lost; the read of the owner after it fails once too
        RemediationStore losing = losingTheAdoptionsAnswer(real, (method, args) -> { });
        try (EngineFixture g = adopterOn(losing)) {

            assertThat(g.engine.adoptOrphans()).as("won, but not heard").isZero();
            assertThat(real.run("run-1").orElseThrow().hubId()).isEqualTo("pod-c41a");
            assertThat(g.engine.adoptOrphans()).as("the next sweep reads its owner and takes it up").isEqualTo(1);
            await().atMost(WAIT).until(() -> real.run("run-1").orElseThrow().state().isFinished());
            g.engine.drain();

            assertThat(real.run("run-1").orElseThrow().state()).isEqualTo(RunState.INTERRUPTED);
            assertThat(g.calls("sendSlack")).as("a node whose fate is unknown ends it: nothing run twice").isEmpty();
            assertThat(g.ledger.all()).filteredOn(e -> e.action().equals("RUN_ADOPTED")).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("\"from\":\"pod-7f9c\""));
        }
    }

    @Test
    void anAdoptionTheStoreRolledBackForAConflict_isNotWon_andNotLeftInDoubt() {
        InMemoryRemediationStore store = new InMemoryRemediationStore(storeClock);
        RunRecord run = RemediationStoreContract.run("run-1", "k-1", RunMode.AUTOMATIC, RemediationStoreContract.T0)
                .ownedBy("pod-7f9c");
        store.create(run, Optional.empty(), Optional.empty());
        AtomicInteger reads = new AtomicInteger();
        // every try rolled back to break a deadlock: certainly not stored (not a lost answer)
        RunStore conflicting = new ForwardingRunStore(store) {
            @Override
            public boolean adopt(String runId, String fromHub, String toHub, Duration leaseTtl) {
                throw rolledBack3Times();
            }

            @Override
            public Optional<RunRecord> run(String runId) {
                reads.incrementAndGet();
                return super.run(runId);
            }
        };
        InMemoryAuditLedger ledger = new InMemoryAuditLedger();
        Adoption adoption = new Adoption(conflicting, MemoryAuditSpool.trail(ledger, Clock.systemUTC(), "pod-c41a"),
                "pod-c41a", TTL);

        assertThat(adoption.take(run, "its owner is gone")).as("not won").isEmpty();
        assertThat(adoption.settleUnsure()).isEmpty();
        assertThat(reads).as("nothing in doubt: its owner is not read, now or by a later sweep").hasValue(0);
        assertThat(ledger.all()).as("nothing recorded").isEmpty();
    }

    @Test
    void cancellingAGoneHubsRunWhoseAdoptionTheStoreRolledBack_answersContention_andALaterCancelAdoptsIt() {
        workflowStoredByTheOldHub();
        f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        RemediationStore real = f.store;
        AtomicBoolean rolledBack = new AtomicBoolean(true);
        RemediationStore conflicting = adoptFailing(real, rolledBack::get, AdoptionTest::rolledBack3Times);
        try (EngineFixture g = adopterOn(conflicting)) {

            // not "driven by a hub that is not gone": its lease lapsed, the adoption may win if asked again
            assertThatThrownBy(() -> g.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck"))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENTION);
                        assertThat(e.reason()).isEqualTo(RunStore.STORE_CONFLICT);
                        assertThat(e.getMessage()).contains("run-1", "pod-7f9c", "try again");
                    });
            assertThat(real.run("run-1").orElseThrow().hubId()).isEqualTo("pod-7f9c");
            assertThat(g.ledger.all()).as("nothing recorded").isEmpty();

            // asked again, the adoption wins and the run is taken up here: it ends INTERRUPTED there (its
            // node's task was with an agent of the old hub, which this test does not keep), so the cancel
            // finds it ended
            rolledBack.set(false);
            assertThatThrownBy(() -> g.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck"))
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.reason()).isEqualTo("RUN_FINISHED"));
            assertThat(real.run("run-1").orElseThrow().hubId()).isEqualTo("pod-c41a");
            assertThat(g.ledger.all()).filteredOn(e -> e.action().equals("RUN_ADOPTED")).hasSize(1);
        }
    }

    @Test
    void anAdoptionInDoubtThatALaterSweepWins_isTakenUpOnce() {
        workflowStoredByTheOldHub();
        f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        RemediationStore real = f.store;
        AtomicBoolean lost = new AtomicBoolean(true);
        // the first change of owner fails without an answer and did not commit: the read after it
        // shows the old owner (in doubt); the next sweep keeps it unsure and adopts it for real
        RemediationStore failingOnce = adoptFailing(real, () -> lost.getAndSet(false),
                () -> new IllegalStateException("connection lost during COMMIT"));
        try (EngineFixture g = adopterOn(failingOnce)) {

            assertThat(g.engine.adoptOrphans()).as("in doubt").isZero();
            assertThat(g.engine.adoptOrphans()).as("adopted by the next sweep").isEqualTo(1);
            assertThat(g.engine.adoptOrphans()).as("not settled again").isZero();
            adoptedOnceAndEnded(g, real);
        }
    }

    @Test
    void twoSweepsAtOnce_takeUpARunOnce() throws InterruptedException {
        workflowStoredByTheOldHub();
        f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        RemediationStore real = f.store;
        CountDownLatch adopting = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        // the first sweep's change of owner commits, and its answer is slow to come back
        RemediationStore slow = answering(real, (method, args) -> {
            if (method.equals("adopt") && Thread.currentThread().getName().equals("first-sweep")) {
                adopting.countDown();
                answer.await();
            }
        });
        try (EngineFixture g = adopterOn(slow)) {
            AtomicInteger first = new AtomicInteger(-1);
            Thread sweep = new Thread(() -> first.set(g.engine.adoptOrphans()), "first-sweep");
            sweep.start();
            assertThat(adopting.await(30, TimeUnit.SECONDS)).isTrue();

            // a second sweep (a member left the cluster) while the first waits for its answer
            int second = g.engine.adoptOrphans();
            answer.countDown();
            sweep.join(WAIT.toMillis());
            assertThat(first.get() + second).as("taken up once").isEqualTo(1);
            adoptedOnceAndEndedOnce(g, real);
        }
    }

    @Test
    void twoSweepsSettlingAnUnsureAdoptionAtOnce_takeItUpOnce() throws InterruptedException {
        workflowStoredByTheOldHub();
        f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        RemediationStore real = f.store;
        AtomicBoolean holdRead = new AtomicBoolean(true);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        // the change of owner commits and its answer is lost, the read after it fails: unsure; then the
        // first sweep's read of the unsure run is slow to come back
        RemediationStore store = losingTheAdoptionsAnswer(real, (method, args) -> {
            if (method.equals("run") && Thread.currentThread().getName().equals("first-sweep")
                    && holdRead.compareAndSet(true, false)) {
                reading.countDown();
                try {
                    answer.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try (EngineFixture g = adopterOn(store)) {
            assertThat(g.engine.adoptOrphans()).as("won, but not heard").isZero();
            AtomicInteger first = new AtomicInteger(-1);
            Thread sweep = new Thread(() -> first.set(g.engine.adoptOrphans()), "first-sweep");
            sweep.start();
            assertThat(reading.await(30, TimeUnit.SECONDS)).as("the first sweep reads the unsure run").isTrue();

            // a second sweep while the first waits for its read: the unsure entry is the first's
            int second = g.engine.adoptOrphans();
            answer.countDown();
            sweep.join(WAIT.toMillis());
            assertThat(first.get()).isEqualTo(1);
            assertThat(second).isZero();
            adoptedOnceAndEndedOnce(g, real);
        }
    }

    @Test
    void aRunningRunOfThisHubThatNobodyDrives_isTakenUpWhenTwoSweepsHalfATtlApartFindItSo() {
        workflowStoredByTheOldHub();
        ManualClock hubClock = new ManualClock(f.clock.instant());
        try (EngineFixture g = new EngineFixture(f.store, hubClock, null)) {
            g.hubId = "pod-c41a";
            g.soleWriter = false;
            g.start();
            // this hub's run, stored as RUNNING and held here in no form (an adoption won unheard, say)
            f.storedRunOf("pod-c41a", "run-1", "svc-1");

            assertThat(g.engine.adoptOrphans()).isZero();
            hubClock.advance(TTL.dividedBy(2).minusSeconds(1));
            assertThat(g.engine.adoptOrphans()).isZero();
            g.engine.drain();
            assertThat(f.store.run("run-1").orElseThrow().state()).as("not yet: the sweeps were too close")
                    .isEqualTo(RunState.RUNNING);
            assertThat(g.engine.stats().activeRuns()).as("driven by nobody").isZero();

            hubClock.advance(Duration.ofSeconds(1));
            g.engine.adoptOrphans();
            await().atMost(WAIT).until(() -> f.store.run("run-1").orElseThrow().state().isFinished());
            g.engine.drain();
            // its first node was stored as handed out, with no task: unknown, so the run is interrupted
            assertThat(f.store.run("run-1").orElseThrow().state()).isEqualTo(RunState.INTERRUPTED);
            assertThat(g.published).filteredOn(e -> e.startsWith("workflow.run.")).hasSize(1);
        }
    }

    @Test
    void aRunLeftByACancelsTakeUpWhoseReadFailed_isRefusedRunResumingUntilTheBackstopTakesItUp() {
        workflowStoredByTheOldHub();
        f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        ManualClock hubClock = new ManualClock(f.clock.instant());
        AtomicBoolean armed = new AtomicBoolean();
        AtomicReference<RemediationEngine> adopter = new AtomicReference<>();
        // once its adoption is answered, the next read of a run on the adopter's lanes (its take-up's) fails
        RemediationStore failingOnce = answering(interposed(f.store, (method, args) -> {
            if (method.equals("run") && adopter.get() != null && adopter.get().onItsLane()
                    && armed.compareAndSet(true, false)) {
                throw new IllegalStateException("the database cannot be reached");
            }
        }), (method, args) -> {
            if (method.equals("adopt")) {
                armed.set(true);
            }
        });
        try (EngineFixture g = new EngineFixture(failingOnce, hubClock, null)) {
            g.hubId = "pod-c41a";
            g.soleWriter = false;
            g.start();
            adopter.set(g.engine);
            advanceRenewing(LAPSED, "pod-c41a");

            assertThatThrownBy(() -> g.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck"))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("RUN_RESUMING");
                        assertThat(e.getMessage()).contains("reading the run again", "no cancel is recorded");
                    });
            assertThat(armed).as("the take-up's read failed").isFalse();
            assertThat(f.store.run("run-1").orElseThrow().hubId()).as("adopted: this hub's").isEqualTo("pod-c41a");
            // asked again before a sweep took it up: still refused, the run driven by nobody yet
            assertThatThrownBy(() -> g.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck"))
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.reason()).isEqualTo("RUN_RESUMING"));
            assertThat(g.engine.stats().activeRuns()).isZero();

            // two sweeps half a TTL apart find it driven by nobody: the backstop takes it up
            g.engine.adoptOrphans();
            g.engine.drain();
            assertThat(f.store.run("run-1").orElseThrow().state()).as("not yet: one sweep").isEqualTo(RunState.RUNNING);
            hubClock.advance(TTL.dividedBy(2));
            g.engine.adoptOrphans();
            // taken up: its first node was stored as handed out, with no task, so the run is interrupted
            await().atMost(WAIT).until(() -> f.store.run("run-1").orElseThrow().state().isFinished());
            g.engine.drain();
            assertThat(f.store.run("run-1").orElseThrow()).satisfies(r -> {
                assertThat(r.state()).isEqualTo(RunState.INTERRUPTED);
                assertThat(r.hubId()).isEqualTo("pod-c41a");
            });
            assertThatThrownBy(() -> g.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck"))
                    .isInstanceOfSatisfying(CommandCenterException.class,
                            e -> assertThat(e.reason()).isEqualTo("RUN_FINISHED"));
            assertThat(g.ledger.all()).filteredOn(e -> e.action().equals("RUN_ADOPTED")).hasSize(1);
            assertThat(g.ledger.all()).filteredOn(e -> e.action().equals("RUN_CANCELLED")).isEmpty();
        }
    }

    @Test
    void aRunWhoseCreateIsCommittedButNotYetHeardOf_isNotTakenUpByTheBackstop_andLaunchesOnce()
            throws InterruptedException {
        ManualClock hubClock = new ManualClock(f.clock.instant());
        RemediationStore real = f.store;
        AtomicBoolean holdWriter = new AtomicBoolean();
        CountDownLatch writerIn = new CountDownLatch(1);
        CountDownLatch writerGo = new CountDownLatch(1);
        CountDownLatch createdIn = new CountDownLatch(1);
        CountDownLatch createdGo = new CountDownLatch(1);
        // the journal's writer is held in a commit (so the next create goes to it), then held again
        // once svc-2's create is committed, before the engine hears of it
        RemediationStore slow = answering(real, (method, args) -> {
            if (method.equals("writeOwned")) {
                @SuppressWarnings("unchecked")
                List<RunStore.NewRun> creates = (List<RunStore.NewRun>) args[0];
                if (creates.stream().anyMatch(c -> c.run().targetId().equals("svc-2"))) {
                    createdIn.countDown();
                    createdGo.await();
                } else if (Thread.currentThread().getName().equals("cc-remediate-journal")
                        && holdWriter.compareAndSet(true, false)) {
                    writerIn.countDown();
                    writerGo.await();
                }
            }
        });
        try (EngineFixture g = new EngineFixture(slow, hubClock, null)) {
            g.soleWriter = false;
            g.start().put(EngineFixture.RESTART_ON_RISK);
            holdWriter.set(true);
            g.raise(g.prediction("svc-1", 0.93, 0.95, "restart"));
            assertThat(writerIn.await(30, TimeUnit.SECONDS)).as("the writer busy with svc-1's run").isTrue();
            g.raise(g.prediction("svc-2", 0.93, 0.95, "restart"));
            g.engine.drainLanes(); // svc-2's create handed to the writer, which is busy
            writerGo.countDown();
            assertThat(createdIn.await(30, TimeUnit.SECONDS)).isTrue();
            RunRecord second = g.runs().stream().filter(r -> r.targetId().equals("svc-2")).findFirst().orElseThrow();

            // two sweeps half a TTL apart find svc-2's run RUNNING, this hub's, not launched yet
            g.engine.adoptOrphans();
            hubClock.advance(TTL.dividedBy(2));
            g.engine.adoptOrphans();
            g.engine.drainLanes();
            createdGo.countDown();

            await().atMost(WAIT).until(() -> real.run(second.runId()).orElseThrow().state().isFinished());
            g.engine.drain();
            assertThat(real.run(second.runId()).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(g.calls("restart")).filteredOn(c -> c.inputs().containsValue("svc-2")).as("launched once")
                    .hasSize(1);
            assertThat(g.published).as("never taken up by the backstop (it would end INTERRUPTED)")
                    .doesNotContain("workflow.run.interrupted");
        }
    }

    @Test
    void aRunAdoptedWhileAutomaticActionsArePaused_isHaltedAsThePauseHaltsOthers_andNothingOfItStarts() {
        workflowStoredByTheOldHub();
        RunRecord queued = f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        // its restart done by an agent of the old hub; its notify not started yet
        f.store.update(queued.withNode(queued.node("restart_service").queued("t-old", 1,
                Map.of("service", "svc-1"), queued.startedAt()).finished(NodeState.SUCCEEDED, "{}", "",
                queued.startedAt())));
        try (EngineFixture g = adopterOn(f.store)) {
            g.engine.setAutonomy("global", true, "ana", "incident");

            assertThat(g.engine.adoptOrphans()).isEqualTo(1);
            await().atMost(WAIT).until(() -> f.store.run("run-1").orElseThrow().state().isFinished());
            g.engine.drain();

            RunRecord run = f.store.run("run-1").orElseThrow();
            assertThat(run.state()).isEqualTo(RunState.CANCELLED);
            assertThat(run.error()).contains("paused by ana");
            assertThat(run.node("notify").state()).isEqualTo(NodeState.CANCELLED);
            assertThat(g.calls("sendSlack")).as("nothing of it started here").isEmpty();
        }
    }

    @Test
    void anOutcomeWatchOfAGoneHub_isAdopted_andTheOutcomeJudgedHere() {
        workflowStoredByTheOldHub();
        Instant at = f.clock.instant();
        RunRecord ended = f.storedRunOf("pod-7f9c", "run-1", "svc-1");
        f.store.update(ended.withState(RunState.SUCCEEDED, "", at));
        f.store.create(new RunRecord("other", EngineFixture.P, "burst-restart", 1, RunState.SUCCEEDED,
                RunMode.AUTOMATIC, "prediction.created.risk", "e-other", null, "service", "svc-2", "other", null,
                "pod-7f9c", "", null, at, at, at, at.plusSeconds(1800), List.of()), Optional.empty(), Optional.empty());
        // the old hub decided and ended the run; its outcome window had not passed when it stopped
        f.store.insert(new ActionRecord("a-1", EngineFixture.P, null, "run-1", ActionDecision.AUTOMATIC, "engine", at,
                "confident", "service", "svc-1", 0.93, null, null, null, "{}"));
        f.health.put("svc-1", 0.1);
        storeClock.advance(LAPSED);

        f.hubId = "pod-c41a";
        f.startEngine();
        assertThat(f.store.run("run-1").orElseThrow().hubId()).as("not before pod-c41a renewed for a TTL")
                .isEqualTo("pod-7f9c");
        advanceRenewing(LAPSED, "pod-c41a");
        f.engine.adoptOrphans(); // its next sweep

        await().atMost(WAIT).until(() -> f.store.actionOfRun("run-1").orElseThrow().isJudged());
        assertThat(f.store.actionOfRun("run-1").orElseThrow().outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(f.store.run("run-1").orElseThrow().hubId()).isEqualTo("pod-c41a");
        assertThat(f.store.run("other").orElseThrow().hubId()).as("an ended run with no watch stays as it was")
                .isEqualTo("pod-7f9c");
    }

    @Test
    void cancellingARunOfAHubWhoseLeaseLapsed_adoptsItFirst_thenCancelsItHere() {
        workflowStoredByTheOldHub();
        CountDownLatch entered = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, new CountDownLatch(1));
        RunRecord orphan = f.storedRunOf("hub-b", "run-1", "svc-1");
        f.submittedByTheOldHub(orphan);
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        f.store.renewLease("hub-b", TTL);
        f.hubId = "hub-a";
        f.soleWriter = false;
        f.startEngine();

        advanceRenewing(LAPSED, "hub-a"); // lapsed, and the periodic sweep has not come yet
        RunRecord cancelled = f.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck");

        assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
        assertThat(cancelled.hubId()).isEqualTo("hub-a");
        assertThat(f.store.run("run-1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(f.calls("sendSlack")).as("nodes not started never start").isEmpty();
        await().atMost(WAIT).until(() -> f.ledger.all().stream().anyMatch(e -> e.action().equals("RUN_CANCELLED")));
        assertThat(adoptions()).singleElement().satisfies(e -> assertThat(e.detail()).contains("cancelled by ana"));
    }

    @Test
    void cancellingARunOfAGoneHubBetweenTwoNodes_adoptsItAndCancelsIt_andTheNextNodesActionNeverStarts() {
        workflowStoredByTheOldHub();
        Instant now = f.clock.instant();
        // hub B's run: the restart done, the team not told yet, when hub B went
        RunRecord stored = f.storedRunOf("hub-b", "run-1", "svc-1");
        f.store.update(stored.withNode(stored.node("restart_service").queued("t-old", 1, Map.of("service", "svc-1"), now)
                .finished(NodeState.SUCCEEDED, "{}", "", now)));
        f.store.renewLease("hub-b", TTL);
        f.hubId = "hub-a";
        f.soleWriter = false;
        f.startEngine();

        advanceRenewing(LAPSED, "hub-a"); // hub B's lease lapsed, and the periodic sweep has not come yet
        RunRecord cancelled = f.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck");

        assertThat(cancelled.state()).isEqualTo(RunState.CANCELLED);
        assertThat(cancelled.hubId()).isEqualTo("hub-a");
        assertThat(cancelled.node("notify").state()).isEqualTo(NodeState.CANCELLED);
        assertThat(cancelled.node("notify").attempts()).as("never handed out, not even stored as QUEUED").isZero();
        assertThat(f.store.run("run-1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(f.scheduler.taskWithKey(EngineFixture.P.value(), "run-1:notify:1")).as("never submitted").isEmpty();
        f.engine.drain();
        assertThat(f.calls("sendSlack")).isEmpty();
        assertThat(f.calls("restart")).as("the restart, not run again").isEmpty();
        await().atMost(WAIT).until(() -> f.ledger.all().stream().anyMatch(e -> e.action().equals("RUN_CANCELLED")));
        assertThat(f.ledger.all()).filteredOn(e -> e.action().equals("RUN_CANCELLED")).singleElement()
                .satisfies(e -> assertThat(e.subject()).isEqualTo("run:run-1"));
        assertThat(adoptions()).singleElement().satisfies(e -> assertThat(e.detail()).contains("cancelled by ana"));
    }

    @Test
    void aPauseSetWhileAnAdoptedRunWaitsForTheScheduler_haltsIt_whenItsTakeUpIsTriedAgain() {
        AtomicReference<FailingKeysState> state = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        orphanOfLapsedHubB(state, release);
        state.get().failNext(1); // the look-up of the run's task at its take-up: tried again a second later
        assertThat(f.engine.adoptOrphans()).isEqualTo(1);
        // paused while the take-up waits: the run is registered nowhere yet, so the pause cannot halt it itself
        f.engine.setAutonomy(EngineFixture.P.value(), true, "ana", "incident");
        await().atMost(WAIT).until(() -> f.engine.stats().activeRuns() == 1);
        release.countDown(); // the restart ends at its agent

        await().atMost(WAIT).until(() -> f.store.run("run-1").orElseThrow().state().isFinished());
        RunRecord done = f.store.run("run-1").orElseThrow();
        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(done.error()).contains("automatic actions paused by ana");
        assertThat(done.node("notify").attempts()).as("never handed out").isZero();
        assertThat(f.calls("sendSlack")).isEmpty();
    }

    @Test
    void cancellingAGoneHubsRunWhileTheSchedulerDoesNotAnswer_isRefused_recordsNoCancel_andARetryOnceTakenUpEndsIt() {
        AtomicReference<FailingKeysState> state = new AtomicReference<>();
        Task task = orphanOfLapsedHubB(state, new CountDownLatch(1));
        state.get().failNext(1); // the look-up of the run's task, at its take-up
        assertThatThrownBy(() -> f.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.reason()).isEqualTo("RUN_RESUMING");
                    assertThat(e.getMessage()).contains("no cancel is recorded").contains("try again");
                });
        assertThat(f.ledger.all()).filteredOn(e -> e.action().equals("RUN_CANCELLED")).isEmpty();
        assertThat(f.store.run("run-1").orElseThrow().hubId()).as("adopted").isEqualTo("hub-a");

        // taken up once the scheduler answers (tried again after a second), as not cancelled; the retry ends it
        await().atMost(WAIT).until(() -> f.engine.stats().activeRuns() == 1);
        RunRecord answered = f.engine.cancel(EngineFixture.P, "run-1", "ana", "stuck");
        assertThat(answered.state()).isEqualTo(RunState.CANCELLED);
        RunRecord done = f.store.run("run-1").orElseThrow();
        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(done.node("restart_service").state()).isEqualTo(NodeState.CANCELLED);
        assertThat(done.node("notify").attempts()).as("never handed out").isZero();
        assertThat(f.scheduler.get(EngineFixture.P.value(), task.id()).state())
                .isEqualTo(TaskState.CANCELLED);
        assertThat(f.calls("sendSlack")).isEmpty();
        await().atMost(WAIT).until(() -> f.ledger.all().stream().anyMatch(e -> e.action().equals("RUN_CANCELLED")));
        assertThat(f.ledger.all()).filteredOn(e -> e.action().equals("RUN_CANCELLED")).hasSize(1);
        assertThat(adoptions()).hasSize(1);
    }

    /**
     * Hub B's automatic run-1, its restart with an agent until {@code release}, hub B's lease lapsed and hub A
     * started (not the sole writer) on a scheduler state whose key look-ups can be made to fail ({@code state}).
     */
    private Task orphanOfLapsedHubB(AtomicReference<FailingKeysState> state, CountDownLatch release) {
        f.decorateState = FailingKeysState.into(state, 0);
        workflowStoredByTheOldHub();
        CountDownLatch entered = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, release);
        Task task = f.submittedByTheOldHub(f.storedRunOf("hub-b", "run-1", "svc-1"));
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        f.store.renewLease("hub-b", TTL);
        f.hubId = "hub-a";
        f.soleWriter = false;
        f.startEngine();
        advanceRenewing(LAPSED, "hub-a");
        return task;
    }
}
