package io.commandcenter.hub.remediate;

import io.commandcenter.hub.agents.ActionResult;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.ManualTimers;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.IdempotencyRecord;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskState;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A stalled owner is fenced (ADR 0028): a hub whose run was adopted while it stalled writes nothing
 * of it and launches nothing of it when it goes on, and gives it up ({@code RUN_RELINQUISHED}); a
 * hub whose lease is stale launches no node until it renews; and its renewals go on while its
 * adoption sweep is stuck. The store's clock (the database's, which dates leases) and the clock a
 * hub measures its own lease on are moved by hand.
 */
class FencingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration LAPSED = Duration.ofSeconds(31);
    private final ManualClock storeClock = new ManualClock(Instant.parse("2026-12-07T06:00:00Z"));
    private final InMemoryRemediationStore store = new InMemoryRemediationStore(storeClock);
    /**
     * The engines' timed work (adoption sweeps every half TTL, deadlines, retries) on timers that fire
     * only when a test moves them (none does): a sweep never adopts a run behind a test's back.
     */
    private final EngineFixture f = new EngineFixture(store, Clock.systemUTC(), () -> {
        this.timersClock = new ManualClock(Clock.systemUTC().instant());
        this.timers = new ManualTimers(this.timersClock);
        return this.timers;
    });
    {
        // the lease's own thread renews once a day here: the tests renew by hand, and the thread's renewals
        // (every sixth of the TTL: 5 s) would race the assertions timed to theirs
        f.tuning = e -> e.leaseRenewedEvery(Duration.ofDays(1));
    }

    /** The timers of the engine started last. */
    private ManualTimers timers;
    private ManualClock timersClock;
    /** Hub A's timers and their clock. */
    private ManualTimers timersOfHubA;
    private ManualClock timersClockOfHubA;
    /** The clock hub A measures its own lease on (nanoseconds): it moves only when the test says. */
    private final AtomicLong ticker = new AtomicLong();
    private RemediationEngine hubA;

    @AfterEach
    void close() {
        if (hubA != null && hubA != f.engine) {
            hubA.close();
        }
        f.close();
    }

    /** Hub A started (its lease measured on {@link #ticker}), its restarts held at the agent until {@code release}. */
    private void hubAHoldingRestarts(CountDownLatch entered, CountDownLatch release) {
        f.devops = EngineFixture.holding(entered, release);
        f.soleWriter = false;
        f.hubId = "hub-a";
        f.wiring = e -> e.leaseTicker(ticker::get);
        f.start().put(CrashMidBurst.WORKFLOW);
        hubA = f.engine;
        timersOfHubA = timers;
        timersClockOfHubA = timersClock;
    }

    /** Hub A, driving the run of a confident prediction on svc-1 with its restart held at the agent. */
    private RunRecord hubADrivingARunWithItsRestartHeld(CountDownLatch release) {
        CountDownLatch entered = new CountDownLatch(1);
        hubAHoldingRestarts(entered, release);
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        return f.onlyRun();
    }

    /** Hub B on the same store and scheduler, its lease renewed for a TTL: it may adopt. */
    private RemediationEngine hubB() {
        f.hubId = "hub-b";
        f.wiring = null;
        f.startEngine();
        return f.engine;
    }

    /** The store's clock passes the TTL while {@code hubs} renew every sixth of it (the others do not). */
    private void pastTheTtlRenewing(String... hubs) {
        for (Duration left = LAPSED; !left.isNegative() && !left.isZero(); left = left.minus(TTL.dividedBy(6))) {
            for (String hub : hubs) {
                store.renewLease(hub, TTL);
            }
            storeClock.advance(TTL.dividedBy(6));
        }
        for (String hub : hubs) {
            store.renewLease(hub, TTL);
        }
    }

    /** A run hub B adopted from hub A, with hub A's restart still held at the agent until {@code release}. */
    private record Adopted(RunRecord run, RemediationEngine hubB, CountDownLatch release) {
    }

    /**
     * Hub A drives a run with its restart held; its renewals fail while the store's clock passes the
     * TTL (hub B renewing), its own clock moves by {@code ownClock}; hub B adopts the run.
     */
    private Adopted adoptedFromAStalledHubA(Duration ownClock) {
        CountDownLatch release = new CountDownLatch(1);
        RunRecord run = hubADrivingARunWithItsRestartHeld(release);
        RemediationEngine b = hubB();
        store.unreachableFor("hub-a");
        pastTheTtlRenewing("hub-b");
        ticker.addAndGet(ownClock.toNanos());
        assertThat(b.adoptOrphans()).isEqualTo(1);
        b.drain();
        assertThat(store.run(run.runId()).orElseThrow().hubId()).isEqualTo("hub-b");
        return new Adopted(run, b, release);
    }

    /** A run of a confident prediction, raised while this hub's lease is stale: stored, its launch held. */
    private RunRecord raisedWhileTheLeaseIsStale() {
        assertThat(f.engine.leaseFresh()).isFalse();
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1);
        f.engine.drain();
        RunRecord held = f.onlyRun();
        assertThat(held.node("act").taskId()).as("its task not submitted").isEmpty();
        return held;
    }

    /** This hub, its lease stale by its own clock, with one run stored and its launch held. */
    private RunRecord heldByAStaleLease() {
        f.wiring = e -> e.leaseTicker(ticker::get);
        f.soleWriter = false;
        f.start().put(EngineFixture.RESTART_ON_RISK);
        ticker.addAndGet(TTL.dividedBy(2).toNanos());
        return raisedWhileTheLeaseIsStale();
    }

    /** On threads whose name matches {@code thread} only: counts {@code entered} down, then waits for {@code go}. */
    private static Runnable waitingOn(String thread, CountDownLatch entered, CountDownLatch go) {
        return () -> {
            if (Thread.currentThread().getName().matches(thread)) {
                entered.countDown();
                try {
                    go.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** One {@code RUN_RELINQUISHED} of the run: hub A gave it up to hub B at the renewal that ended its stale spell. */
    private void givenUpToHubBAtTheRenewal(RunRecord run) {
        assertThat(audited("RUN_RELINQUISHED")).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo("run:" + run.runId());
            assertThat(e.detail()).contains("\"to\":\"hub-b\"")
                    .contains("its owner read at the renewal that ended a stale lease");
        });
    }

    /**
     * Once {@code release} lets the restart held at the agent end: the run SUCCEEDS, hub B's, hub A
     * having tried to write nothing of it, each action run once.
     */
    private void finishedByHubBAlone(RunRecord run, CountDownLatch release, RemediationEngine b) {
        release.countDown();
        await().atMost(WAIT).until(() -> store.run(run.runId()).orElseThrow().state().isFinished());
        hubA.drain();
        b.drain();
        assertThat(store.run(run.runId()).orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(r.hubId()).isEqualTo("hub-b");
        });
        assertThat(store.refused()).as("hub A tried to write nothing of it").isEmpty();
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(1);
    }

    /** A store hook: a write of hub A's runs (by its journal) counts {@code entered} down, then waits for {@code go}. */
    private static java.util.function.Consumer<List<RunRecord>> writtenByHubAWaitingOn(CountDownLatch entered,
                                                                                       CountDownLatch go) {
        Runnable wait = waitingOn("cc-remediate-journal", entered, go);
        return runs -> {
            if (runs.stream().anyMatch(r -> r.hubId().equals("hub-a"))) {
                wait.run();
            }
        };
    }

    private List<AuditEntry> audited(String action) {
        return f.ledger.all().stream().filter(e -> e.action().equals(action)).toList();
    }

    @Test
    void aStalledOwnerWhoseRunWasAdoptedAndAdvanced_writesNothingOfIt_launchesNothing_andTheRunFinishesOnce() {
        // hub A stalls between its lease check and its next step: by its own clock its lease is fresh
        Adopted adopted = adoptedFromAStalledHubA(Duration.ZERO);
        RunRecord run = adopted.run();
        RemediationEngine b = adopted.hubB();
        assertThat(hubA.leaseFresh()).isTrue();

        // the restart ends: both hubs hear of it; hub A goes on and tries to store it and launch the notify
        adopted.release().countDown();
        await().atMost(WAIT).until(() -> store.run(run.runId()).orElseThrow().state().isFinished());
        await().atMost(WAIT).until(() -> !audited("RUN_RELINQUISHED").isEmpty());
        hubA.drain();
        b.drain();

        RunRecord done = store.run(run.runId()).orElseThrow();
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.hubId()).as("hub A's writes did not put its id back").isEqualTo("hub-b");
        assertThat(f.calls("restart")).as("each node's action run once").hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(1);
        assertThat(store.refused()).as("hub A's write was refused, and it wrote no more of the run")
                .singleElement().satisfies(r -> assertThat(r.hubId()).isEqualTo("hub-a"));
        assertThat(audited("RUN_ADOPTED")).hasSize(1);
        assertThat(audited("RUN_RELINQUISHED")).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo("run:" + run.runId());
            assertThat(e.actor()).isEqualTo("hub:hub-a");
            assertThat(e.detail()).contains("\"to\":\"hub-b\"").contains("a write of it found it owned by hub hub-b");
        });
        assertThat(f.published).filteredOn(s -> s.equals("workflow.run.succeeded")).as("its end told once, by B")
                .hasSize(1);
        assertThat(hubA.heldDecisionRows()).as("hub A holds nothing of it: no decision row").isZero();
    }

    @Test
    void aCancelOfItsRunThatAStalledOwnerLosesOnItsWrite_answersRunOnOtherHub_andRecordsNoCancel() {
        // hub A stalls between its lease check and its next step: by its own clock its lease is fresh
        Adopted adopted = adoptedFromAStalledHubA(Duration.ZERO);
        RunRecord run = adopted.run();
        assertThat(hubA.leaseFresh()).isTrue();

        // hub A still drives the run: the cancel's write finds it hub B's
        assertThatThrownBy(() -> hubA.cancel(EngineFixture.P, run.runId(), "ana", "stuck"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("RUN_ON_OTHER_HUB");
                    assertThat(e.getMessage()).contains("hub-b");
                });
        assertThat(audited("RUN_CANCELLED")).as("not cancelled here: nothing recorded").isEmpty();
        assertThat(audited("RUN_RELINQUISHED")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("\"to\":\"hub-b\""));
        // (its task was cancelled: hub A's lease read fresh, the margin ADR 0028 states)
        assertThat(store.run(run.runId()).orElseThrow().hubId()).isEqualTo("hub-b");
        adopted.release().countDown();
    }

    @Test
    void aHubWhoseLeaseWentStaleWhileItsRunWasAdopted_dropsItAtItsNextRenewal_withoutWritingAnythingOfIt() {
        Adopted adopted = adoptedFromAStalledHubA(TTL); // hub A's own clock: no renewal for a TTL
        RunRecord run = adopted.run();
        RemediationEngine b = adopted.hubB();
        assertThat(hubA.leaseFresh()).isFalse();

        store.unreachableFor(null); // hub A reaches the database again
        hubA.renewLease();
        assertThat(hubA.leaseFresh()).isTrue();
        givenUpToHubBAtTheRenewal(run);

        finishedByHubBAlone(run, adopted.release(), b);
        assertThat(audited("RUN_RELINQUISHED")).hasSize(1);
        assertThat(hubA.heldDecisionRows()).as("hub A holds nothing of it: no decision row").isZero();
    }

    @Test
    void aRunAHubGaveUp_isAdoptedBackByIt_onceItsNewOwnerIsGoneInTurn_andFinishesOnce() {
        Adopted adopted = adoptedFromAStalledHubA(TTL);
        RunRecord run = adopted.run();
        store.unreachableFor(null);
        hubA.renewLease();
        assertThat(audited("RUN_RELINQUISHED")).hasSize(1);

        // hub B goes (the restart stays with the agent) and its lease lapses while hub A renews
        adopted.hubB().close();
        f.engine = hubA;
        pastTheTtlRenewing("hub-a");
        assertThat(hubA.adoptOrphans()).isEqualTo(1);
        hubA.drain();
        adopted.release().countDown();

        await().atMost(WAIT).until(() -> store.run(run.runId()).orElseThrow().state().isFinished());
        assertThat(store.run(run.runId()).orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(r.hubId()).isEqualTo("hub-a");
        });
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(1);
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor).containsExactly("hub:hub-b", "hub:hub-a");
    }

    @Test
    void aHubWhoseLeaseIsStale_storesANewRunButLaunchesNoNode_untilItRenews() {
        f.wiring = e -> e.leaseTicker(ticker::get);
        f.soleWriter = false;
        f.start().put(EngineFixture.RESTART_ON_RISK);
        store.unreachableFor(f.hubId);
        ticker.addAndGet(TTL.dividedBy(2).toNanos());
        RunRecord held = raisedWhileTheLeaseIsStale();
        assertThat(held.state()).isEqualTo(RunState.RUNNING);
        assertThat(held.node("act").state()).as("its attempt stored").isEqualTo(NodeState.QUEUED);
        assertThat(f.scheduler.taskWithKey(EngineFixture.P.value(), held.runId() + ":act:1")).isEmpty();
        assertThat(f.engine.holdsUntilRenewal()).isEqualTo(1);
        assertThatThrownBy(() -> f.engine.renewLease()).isInstanceOf(IllegalStateException.class);
        f.engine.drain();
        // a release would send the dispatch round again, and it would be held a second time
        assertThat(f.engine.holdsUntilRenewal()).as("a renewal that fails releases nothing").isEqualTo(1);
        assertThat(f.calls("restart")).isEmpty();

        store.unreachableFor(null);
        f.engine.renewLease();
        await().atMost(WAIT).until(() -> f.onlyRun().state().isFinished());
        assertThat(f.onlyRun().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(audited("RUN_RELINQUISHED")).isEmpty();
    }

    @Test
    void aLaunchHeldWhileASlowRenewalCrossedHalfTheTtl_goesOutWhenItReturns_afterTheOwnersAreRead()
            throws InterruptedException {
        f.wiring = e -> e.leaseTicker(ticker::get);
        f.soleWriter = false;
        f.start().put(EngineFixture.RESTART_ON_RISK);
        assertThat(f.engine.leaseFresh()).isTrue();
        CountDownLatch inRenewal = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        store.beforeRenewal = waitingOn("slow-renewal", inRenewal, answer);
        // the renewal begins a third of the TTL after the last one, while the lease is fresh, and the
        // store answers a third of the TTL later: the lease was stale meanwhile, and is fresh after it
        ticker.addAndGet(TTL.dividedBy(3).toNanos());
        Thread renewal = new Thread(f.engine::renewLease, "slow-renewal");
        renewal.start();
        assertThat(inRenewal.await(30, TimeUnit.SECONDS)).isTrue();
        ticker.addAndGet(TTL.dividedBy(3).toNanos());
        RunRecord held = raisedWhileTheLeaseIsStale();
        int ownerReads = store.ownerReads.get();
        AtomicReference<Boolean> launchedAtOwnersRead = new AtomicReference<>();
        store.beforeOwners = ids -> launchedAtOwnersRead.compareAndSet(null,
                f.scheduler.taskWithKey(EngineFixture.P.value(), held.runId() + ":act:1").isPresent());

        answer.countDown();
        renewal.join(WAIT.toMillis());
        assertThat(renewal.isAlive()).isFalse();
        assertThat(f.engine.leaseFresh()).isTrue();
        assertThat(store.ownerReads.get()).as("the owners of its runs read before the launch went on")
                .isEqualTo(ownerReads + 1);
        assertThat(launchedAtOwnersRead.get()).as("the held launch still held when the owners were read").isFalse();
        f.engine.drain();
        assertThat(f.scheduler.taskWithKey(EngineFixture.P.value(), held.runId() + ":act:1"))
                .as("the held launch went out when the renewal returned").isPresent();
        await().atMost(WAIT).until(() -> f.onlyRun().state().isFinished());
        assertThat(f.onlyRun().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(f.calls("restart")).hasSize(1);
    }

    @Test
    void aRunGivenUpWhileItsLaunchReadsTheLease_isNotLaunched_andNotDrivenHere() {
        // hub A gives the run up (a renewal's owners check, say) at the moment its first launch reads
        // the lease: the lease reads fresh, but the run is no longer this hub's
        AtomicBoolean armed = new AtomicBoolean();
        f.wiring = e -> e.leaseTicker(() -> {
            if (Thread.currentThread().getName().matches("cc-remediate-\\d+") && armed.compareAndSet(true, false)) {
                f.engine.giveUp(f.onlyRun().runId(), "hub-b", "adopted while hub A stalled");
            }
            return ticker.get();
        });
        f.soleWriter = false;
        f.start().put(EngineFixture.RESTART_ON_RISK);
        armed.set(true);
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> !audited("RUN_RELINQUISHED").isEmpty());
        f.engine.drain();

        assertThat(armed.get()).as("given up while launching").isFalse();
        RunRecord run = f.onlyRun();
        assertThat(f.scheduler.taskWithKey(EngineFixture.P.value(), run.runId() + ":act:1"))
                .as("nothing submitted").isEmpty();
        assertThat(f.engine.stats().activeRuns()).as("no run driven here").isZero();
        assertThat(f.engine.heldDecisionRows()).as("nor its decision row").isZero();
        assertThat(f.calls("restart")).isEmpty();
        assertThat(audited("RUN_RELINQUISHED")).hasSize(1);
    }

    @Test
    void aRunStoredWhileTheStoreRenewsTheLease_isChecked_andNotLaunchedWhenAnotherHubOwnsIt() {
        RunRecord first = heldByAStaleLease();
        AtomicReference<String> second = new AtomicReference<>();
        Thread renewing = Thread.currentThread();
        // while the store renews the lease (before it answers), a second run is stored and launched
        // here (held), and turns out adopted by hub B
        store.beforeRenewal = () -> {
            if (Thread.currentThread() == renewing && second.compareAndSet(null, "")) {
                f.raise(f.prediction("svc-2", 0.93, 0.95, "restart"));
                await().atMost(WAIT).until(() -> f.runs().size() == 2);
                f.engine.drain();
                String id = f.runs().stream().map(RunRecord::runId).filter(r -> !r.equals(first.runId()))
                        .findFirst().orElseThrow();
                store.ownedBy(id, "hub-b");
                second.set(id);
            }
        };
        f.engine.renewLease();
        f.engine.drain();

        assertThat(store.ownerReads.get()).as("both runs' owners in one read").isEqualTo(1);
        assertThat(audited("RUN_RELINQUISHED")).singleElement()
                .satisfies(e -> assertThat(e.subject()).isEqualTo("run:" + second.get()));
        assertThat(f.scheduler.taskWithKey(EngineFixture.P.value(), second.get() + ":act:1")).isEmpty();
        await().atMost(WAIT).until(() -> store.run(first.runId()).orElseThrow().state().isFinished());
        assertThat(f.calls("restart")).as("the first run's only").hasSize(1);
    }

    @Test
    void runsTriggeredWhileTheRenewalReadsTheOwners_areNotChecked_andTheRenewalEnds() {
        RunRecord first = heldByAStaleLease();
        AtomicInteger arrived = new AtomicInteger();
        // a steady flow of triggers: each read of the owners sees a new run stored (up to 10 of them)
        store.beforeOwners = ids -> {
            int n = arrived.incrementAndGet();
            if (n <= 10) {
                f.raise(f.prediction("svc-" + (n + 1), 0.93, 0.95, "restart"));
                await().atMost(WAIT).until(() -> f.runs().size() == n + 1);
                f.engine.drain();
            }
        };
        f.engine.renewLease();

        assertThat(f.engine.leaseFresh()).isTrue();
        assertThat(store.ownerReads.get()).as("runs begun after the store renewed the lease are not read")
                .isEqualTo(1);
        f.engine.drain();
        await().atMost(WAIT).until(() -> f.runs().stream().allMatch(r -> r.state().isFinished()));
        assertThat(f.runs()).hasSize(2).allSatisfy(r -> assertThat(r.state()).isEqualTo(RunState.SUCCEEDED));
        assertThat(store.run(first.runId()).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(audited("RUN_RELINQUISHED")).isEmpty();
    }

    /**
     * The scheduler's look-up of a task by its key (a take-up's), held once {@code armed}: it counts
     * {@code lookingUp} down and waits for {@code goOn}. Set before hub A starts.
     */
    private void lookUpsHeldWhenArmed(AtomicBoolean armed, CountDownLatch lookingUp, CountDownLatch goOn) {
        f.decorateState = real -> new ForwardingSchedulerState(real) {
            @Override
            public IdempotencyRecord key(String key) {
                if (armed.compareAndSet(true, false)) {
                    lookingUp.countDown();
                    try {
                        goOn.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.key(key);
            }
        };
    }

    /** Run-1 of hub C, which is gone, its restart (the old hub's task) held at the agent until {@code release}. */
    private record Orphan(RunRecord run, Task task, RemediationEngine hubB, CountDownLatch release) {
    }

    /** Hub A and hub B started and steady (either may adopt), and hub C's run {@link Orphan}. */
    private Orphan anOrphanOfAGoneHubC() {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        hubAHoldingRestarts(entered, release);
        RunRecord run = f.storedRunOf("hub-c", "run-1", "svc-1");
        Task task = f.submittedByTheOldHub(run);
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        store.renewLease("hub-c", TTL);
        RemediationEngine b = hubB();
        pastTheTtlRenewing("hub-a", "hub-b");
        return new Orphan(run, task, b, release);
    }

    /**
     * Hub A's lease goes stale (its renewals fail for a TTL of the store's clock, its own clock moves
     * a TTL) and hub B adopts run-1 from it. Hub A's renewals still fail afterwards.
     */
    private void adoptedAwayFromAStaleHubA(RemediationEngine b) {
        store.unreachableFor("hub-a");
        pastTheTtlRenewing("hub-b");
        ticker.addAndGet(TTL.toNanos());
        assertThat(b.adoptOrphans()).isEqualTo(1);
        b.drain();
        assertThat(store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-b");
    }

    /** A cancel is answered on its run's lane: the names of the engines' lane threads. */
    private static final String ON_A_LANE = "cc-remediate-\\d+";

    /** A person's thread, named {@code person} (the store's hooks pick it out by name). */
    private static ExecutorService person() {
        return Executors.newSingleThreadExecutor(r -> new Thread(r, "person"));
    }

    private Future<RunRecord> cancelledBy(ExecutorService person) {
        return person.submit(() -> hubA.cancel(EngineFixture.P, "run-1", "ana", "stuck"));
    }

    private static void refusedAsDrivenBy(Future<RunRecord> cancel, String hub) {
        assertThatThrownBy(() -> cancel.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason())
                        .isEqualTo("RUN_ON_OTHER_HUB")).hasMessageContaining(hub);
    }

    private TaskState stateOf(Task task) {
        return f.scheduler.get(EngineFixture.P.value(), task.id()).state();
    }

    /**
     * A person's cancel of hub C's run on hub A, whose adoption won and whose take-up is held at its
     * task's look-up (hub A stalls there) until {@link #goOn}; closing it lets the take-up go on.
     */
    private record CancelHeldAtLookUp(Orphan orphan, Future<RunRecord> cancel, CountDownLatch goOn,
                                      ExecutorService person) implements AutoCloseable {
        void letGoOn() {
            goOn.countDown();
        }

        @Override
        public void close() {
            goOn.countDown();
            person.shutdownNow();
        }
    }

    private CancelHeldAtLookUp aCancelHeldAtItsTakeUpsLookUp() throws InterruptedException {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch lookingUp = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        lookUpsHeldWhenArmed(armed, lookingUp, goOn);
        Orphan o = anOrphanOfAGoneHubC();
        ExecutorService person = person();
        armed.set(true);
        CancelHeldAtLookUp held = new CancelHeldAtLookUp(o, cancelledBy(person), goOn, person);
        assertThat(lookingUp.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(store.run("run-1").orElseThrow().hubId()).as("adopted by the cancel").isEqualTo("hub-a");
        return held;
    }

    /**
     * A person's cancel of hub C's run on hub A, whose adoption is noted and its statement held before it
     * is sent until {@link #send}; closing it sends it.
     */
    private record CancelHeldBeforeSending(Orphan orphan, Future<RunRecord> cancel, CountDownLatch sending,
                                           ExecutorService person) implements AutoCloseable {
        void send() {
            sending.countDown();
        }

        @Override
        public void close() {
            sending.countDown();
            person.shutdownNow();
        }
    }

    private CancelHeldBeforeSending aCancelHeldBeforeItsAdoptionIsSent() throws InterruptedException {
        Orphan o = anOrphanOfAGoneHubC();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch send = new CountDownLatch(1);
        store.beforeAdopt = waitingOn(ON_A_LANE, held, send);
        ExecutorService person = person();
        CancelHeldBeforeSending c = new CancelHeldBeforeSending(o, cancelledBy(person), send, person);
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        return c;
    }

    /** Hub A's lease stale by its own clock only (the store's does not move: no hub may adopt from it). */
    private void staleByHubAsOwnClockOnly() {
        store.unreachableFor("hub-a");
        ticker.addAndGet(TTL.dividedBy(2).toNanos());
    }

    /** {@link #staleByHubAsOwnClockOnly}, then renewed: the renewal ending the stale spell reads the owners once. */
    private void staleByItsOwnClockThenRenewed() {
        staleByHubAsOwnClockOnly();
        int ownerReads = store.ownerReads.get();
        store.unreachableFor(null);
        hubA.renewLease();
        assertThat(store.ownerReads.get()).as("the run being adopted checked").isEqualTo(ownerReads + 1);
    }

    @Test
    void aRunAdoptedByACancelAndAdoptedAwayBeforeItsTakeUp_isGivenUpAtTheRenewal_andNothingOfItIsCancelledHere()
            throws Exception {
        Orphan o;
        try (CancelHeldAtLookUp c = aCancelHeldAtItsTakeUpsLookUp()) {
            o = c.orphan();
            // meanwhile hub A's lease goes stale and hub B adopts the run from it
            adoptedAwayFromAStaleHubA(o.hubB());
            store.unreachableFor(null);

            hubA.renewLease(); // ends the stale spell: the owners of what hub A holds are read first
            c.letGoOn();

            refusedAsDrivenBy(c.cancel(), "hub-b");
        }
        assertThat(stateOf(o.task())).as("its task not cancelled by hub A").isNotEqualTo(TaskState.CANCELLED);
        givenUpToHubBAtTheRenewal(o.run());

        finishedByHubBAlone(o.run(), o.release(), o.hubB());
        assertThat(hubA.stats().activeRuns()).isZero();
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor).containsExactly("hub:hub-a", "hub:hub-b");
    }

    @Test
    void aCancelsTakeUpOnAStaleLease_cancelsNoTaskOfARunAdoptedAwayMeanwhile_andGivesItUp() throws Exception {
        Orphan o;
        try (CancelHeldAtLookUp c = aCancelHeldAtItsTakeUpsLookUp()) {
            o = c.orphan();
            // hub A stalls after its adoption won; its lease goes stale and hub B adopts the run from it
            adoptedAwayFromAStaleHubA(o.hubB());
            assertThat(hubA.leaseFresh()).isFalse();
            // hub A's writes wait too (the database it cannot reach), so none finds the run hub B's first
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch write = new CountDownLatch(1);
            store.beforeWrite = writtenByHubAWaitingOn(writing, write);
            try {
                c.letGoOn(); // the take-up goes on before hub A renews: it reaches the run's task
                assertThat(writing.await(30, TimeUnit.SECONDS)).as("the take-up's write reached the store").isTrue();
                assertThat(stateOf(o.task())).as("its task not cancelled by hub A").isNotEqualTo(TaskState.CANCELLED);
            } finally {
                write.countDown();
            }
            // the take-up's own write finds the run hub B's: given up, nothing of it cancelled here
            refusedAsDrivenBy(c.cancel(), "hub-b");
        }
        hubA.drain();
        assertThat(stateOf(o.task())).as("its task not cancelled by hub A").isNotEqualTo(TaskState.CANCELLED);
        assertThat(audited("RUN_RELINQUISHED")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("\"to\":\"hub-b\""));

        o.release().countDown();
        await().atMost(WAIT).until(() -> store.run("run-1").orElseThrow().state().isFinished());
        assertThat(store.run("run-1").orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(r.hubId()).isEqualTo("hub-b");
        });
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.calls("sendSlack")).hasSize(1);
        assertThat(hubA.stats().activeRuns()).isZero();
    }

    /** A cancel refused for this hub's stale lease: UNAVAILABLE, reason {@code LEASE_STALE}. */
    private static void refusedForAStaleLease(ThrowingCallable cancel) {
        assertThatThrownBy(cancel).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(e.reason()).isEqualTo("LEASE_STALE");
            assertThat(e.getMessage()).contains("lease").contains("try again");
        });
    }

    @Test
    void aCancelsTakeUpOnAStaleLease_isRefused_recordsNothing_takesTheRunUp_andACancelAfterTheRenewalEndsIt()
            throws Exception {
        Orphan o;
        try (CancelHeldAtLookUp c = aCancelHeldAtItsTakeUpsLookUp()) {
            o = c.orphan();
            // hub A's renewals fail and half a TTL passes on its own clock: stale here, still fresh in the
            // store (its clock does not move), so no hub may adopt the run
            store.unreachableFor("hub-a");
            ticker.addAndGet(TTL.dividedBy(2).toNanos());
            c.letGoOn();
            refusedForAStaleLease(() -> {
                try {
                    c.cancel().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            });
        }
        hubA.drain();
        assertThat(stateOf(o.task())).as("not cancelled while the lease is stale").isNotEqualTo(TaskState.CANCELLED);
        assertThat(audited("RUN_CANCELLED")).as("nothing recorded").isEmpty();
        assertThat(hubA.stats().activeRuns()).as("taken up all the same").isEqualTo(1);
        assertThat(store.run("run-1").orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.RUNNING);
            assertThat(r.hubId()).isEqualTo("hub-a");
        });

        store.unreachableFor(null);
        hubA.renewLease();
        RunRecord answered = hubA.cancel(EngineFixture.P, "run-1", "ana", "stuck");
        o.release().countDown();
        assertThat(answered.state()).isEqualTo(RunState.CANCELLED);
        assertThat(stateOf(o.task())).as("cancelled once the lease was renewed").isEqualTo(TaskState.CANCELLED);
        assertThat(store.run("run-1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
        assertThat(f.calls("sendSlack")).isEmpty();
        assertThat(audited("RUN_CANCELLED")).hasSize(1);
        assertThat(audited("RUN_RELINQUISHED")).isEmpty();
    }

    @Test
    void aCancelsTakeUpOnAStaleLeaseWhoseLookUpFails_isRefused_recordsNoCancel_andTheRunIsTakenUpWithoutIt() {
        AtomicReference<FailingKeysState> state = new AtomicReference<>();
        f.decorateState = FailingKeysState.into(state, 0);
        Orphan o = anOrphanOfAGoneHubC();
        // hub A's lease stale by its own clock only (the store's does not move: no hub may adopt from it)
        store.unreachableFor("hub-a");
        ticker.addAndGet(TTL.dividedBy(2).toNanos());
        state.get().failNext(1); // the look-up of the run's task, at the cancel's take-up

        refusedForAStaleLease(() -> hubA.cancel(EngineFixture.P, "run-1", "ana", "stuck"));
        assertThat(audited("RUN_CANCELLED")).as("no cancel recorded").isEmpty();
        assertThat(store.run("run-1").orElseThrow().hubId()).as("adopted by the cancel").isEqualTo("hub-a");

        // renewed; the take-up is tried again: without the cancel
        store.unreachableFor(null);
        hubA.renewLease();
        // the retry is due a backoff after the take-up, on the engine's (real) clock
        timersOfHubA.advance(Duration.between(timersClockOfHubA.instant(),
                Clock.systemUTC().instant().plus(RunExecutor.RESUME_BACKOFF)));
        hubA.drain();
        assertThat(hubA.stats().activeRuns()).as("taken up").isEqualTo(1);
        o.release().countDown();
        await().atMost(WAIT).until(() -> store.run("run-1").orElseThrow().state().isFinished());
        assertThat(store.run("run-1").orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(stateOf(o.task())).isNotEqualTo(TaskState.CANCELLED);
        assertThat(audited("RUN_CANCELLED")).isEmpty();
    }

    @Test
    void aCancelOnAStaleLease_isRefused_andTheRunStoredAtCloseIsTakenUpAgainAsNotCancelled() {
        RunRecord held = heldByAStaleLease();
        store.unreachableFor(f.hubId); // its renewals fail: stale until the test says
        assertThat(held.node("act").state()).as("stored as handed out").isEqualTo(NodeState.QUEUED);
        assertThat(f.engine.holdsUntilRenewal()).isEqualTo(1);

        refusedForAStaleLease(() -> f.engine.cancel(EngineFixture.P, held.runId(), "ana", "stuck"));
        f.engine.drain();
        assertThat(audited("RUN_CANCELLED")).as("nothing recorded").isEmpty();
        assertThat(f.calls("restart")).isEmpty();

        // closed before a renewal: the held launch is dropped, its stored attempt written back
        f.stopEngineOnly();
        assertThat(store.run(held.runId()).orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.RUNNING);
            assertThat(r.node("act").state()).isEqualTo(NodeState.PENDING);
        });

        // restarted: taken up as the run it is (it was never cancelled), its node run once
        store.unreachableFor(null);
        f.startEngine();
        await().atMost(WAIT).until(() -> store.run(held.runId()).orElseThrow().state().isFinished());
        assertThat(store.run(held.runId()).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(audited("RUN_CANCELLED")).isEmpty();
    }

    @Test
    void anAutomaticRunAdoptedByACancelOnAStaleLeaseInAPausedProject_isHaltedAsTheKillSwitchHaltsRuns() {
        Orphan o = anOrphanOfAGoneHubC();
        hubA.setAutonomy(EngineFixture.P.value(), true, "ana", "incident");
        // hub A's lease stale by its own clock only (the store's does not move: no hub may adopt from it)
        store.unreachableFor("hub-a");
        ticker.addAndGet(TTL.dividedBy(2).toNanos());

        refusedForAStaleLease(() -> hubA.cancel(EngineFixture.P, "run-1", "bob", "stuck"));
        hubA.drain();
        assertThat(store.run("run-1").orElseThrow().hubId()).as("adopted by the cancel").isEqualTo("hub-a");
        assertThat(hubA.stats().activeRuns()).as("taken up").isEqualTo(1);

        store.unreachableFor(null);
        hubA.renewLease();
        o.release().countDown(); // the old hub's restart ends: the pause lets no further node start
        await().atMost(WAIT).until(() -> store.run("run-1").orElseThrow().state().isFinished());
        hubA.drain();
        assertThat(store.run("run-1").orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.CANCELLED);
            assertThat(r.error()).isEqualTo("automatic actions paused by ana: incident");
            assertThat(r.node("notify").state()).isEqualTo(NodeState.CANCELLED);
        });
        assertThat(f.calls("sendSlack")).as("no action in a paused project").isEmpty();
        assertThat(audited("RUN_CANCELLED")).as("the refused cancel recorded nothing").isEmpty();
    }

    /**
     * Hub A adopts run-1 by {@code adopting}, run on a person's thread (the adoption itself on threads
     * named as {@code on} says); the answer of its adoption held once it committed while hub A's
     * lease goes stale, hub B adopts the run from it and hub A renews, ending the stale spell: the
     * renewal gives the run up, recording nothing (hub A cannot know yet whether its adoption won).
     * Then the answer arrives; returns what {@code adopting} answers.
     */
    private <T> Future<T> answeredAfterAStallLongerThanTheTtl(Orphan o, String on, Callable<T> adopting)
            throws InterruptedException {
        try (AnswerHeld<T> held = committedWithItsAnswerHeld(on, adopting)) {
            assertThat(store.run("run-1").orElseThrow().hubId()).as("adopted by hub A").isEqualTo("hub-a");
            adoptedAwayFromAStaleHubA(o.hubB());
            store.unreachableFor(null);
            int ownerReads = store.ownerReads.get();
            hubA.renewLease(); // ends the stale spell before the answer arrives
            assertThat(store.ownerReads.get()).as("the run being adopted checked").isEqualTo(ownerReads + 1);
            assertThat(audited("RUN_RELINQUISHED")).as("its adoption not answered yet: nothing recorded").isEmpty();
            return held.answered();
        }
    }

    /** An adoption by a person's thread, committed, its answer held until this is closed. */
    private record AnswerHeld<T>(Future<T> answered, CountDownLatch answer, ExecutorService person)
            implements AutoCloseable {
        @Override
        public void close() {
            answer.countDown();
            person.shutdown();
        }
    }

    /**
     * Hub A adopts run-1 by {@code adopting}, run on a person's thread (the adoption itself on threads
     * named as {@code on} says): returned once its statement committed, its answer held.
     */
    private <T> AnswerHeld<T> committedWithItsAnswerHeld(String on, Callable<T> adopting) throws InterruptedException {
        CountDownLatch committed = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        store.afterAdopt = waitingOn(on, committed, answer);
        ExecutorService person = person();
        AnswerHeld<T> held = new AnswerHeld<>(person.submit(adopting), answer, person);
        assertThat(committed.await(30, TimeUnit.SECONDS)).isTrue();
        return held;
    }

    @Test
    void aCancelsAdoptionAnsweredAfterAStallLongerThanTheTtl_isCheckedByTheRenewalEndingIt_andCancelsNothing()
            throws Exception {
        Orphan o = anOrphanOfAGoneHubC();

        refusedAsDrivenBy(answeredAfterAStallLongerThanTheTtl(o, ON_A_LANE,
                () -> hubA.cancel(EngineFixture.P, "run-1", "ana", "stuck")), "hub-b");

        assertThat(stateOf(o.task())).as("its task not cancelled by hub A").isNotEqualTo(TaskState.CANCELLED);
        finishedByHubBAlone(o.run(), o.release(), o.hubB());
        assertThat(hubA.stats().activeRuns()).isZero();
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor)
                .as("the late answer records nothing").containsExactly("hub:hub-b");
        assertThat(audited("RUN_RELINQUISHED")).isEmpty();
    }

    @Test
    void aSweepsAdoptionAnsweredAfterAStallLongerThanTheTtl_isCheckedByTheRenewalEndingIt_andNotTakenUp()
            throws Exception {
        Orphan o = anOrphanOfAGoneHubC();

        assertThat(answeredAfterAStallLongerThanTheTtl(o, "person", hubA::adoptOrphans).get(30, TimeUnit.SECONDS))
                .as("won, answered after the give-up: not counted").isZero();

        hubA.drain();
        assertThat(hubA.stats().activeRuns()).as("not taken up").isZero();
        finishedByHubBAlone(o.run(), o.release(), o.hubB());
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor)
                .as("the late answer records nothing").containsExactly("hub:hub-b");
        assertThat(audited("RUN_RELINQUISHED")).isEmpty();
    }

    @Test
    void aRunWhoseAdoptionLosesToAnotherHub_isNotRecordedGivenUpByTheRenewalEndingAStaleSpell() throws Exception {
        Orphan o;
        try (CancelHeldBeforeSending c = aCancelHeldBeforeItsAdoptionIsSent()) {
            o = c.orphan();
            // hub B adopts the run from hub C first: hub A's adoption, noted and not sent yet, will lose
            assertThat(o.hubB().adoptOrphans()).isEqualTo(1);
            o.hubB().drain();
            // the renewal ending hub A's stale spell reads hub B as the run's owner
            staleByItsOwnClockThenRenewed();
            assertThat(audited("RUN_RELINQUISHED")).as("never hub A's: nothing given up").isEmpty();

            c.send(); // hub A's adoption is sent now, and loses
            refusedAsDrivenBy(c.cancel(), "hub-b");
        }
        assertThat(audited("RUN_RELINQUISHED")).isEmpty();
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor).containsExactly("hub:hub-b");
        assertThat(stateOf(o.task())).as("its task not cancelled by hub A").isNotEqualTo(TaskState.CANCELLED);
        finishedByHubBAlone(o.run(), o.release(), o.hubB());
        assertThat(hubA.stats().activeRuns()).isZero();
    }

    /**
     * Hub A recorded run-1 adopted, then given up to hub B at the renewal, in that order, and did not
     * take it up; hub B finishes it alone.
     */
    private void adoptedThenGivenUpByHubA(Orphan o) {
        hubA.drain();
        assertThat(f.ledger.all()).filteredOn(e -> e.actor().equals("hub:hub-a") && e.subject().equals("run:run-1"))
                .extracting(AuditEntry::action).containsExactly("RUN_ADOPTED", "RUN_RELINQUISHED");
        givenUpToHubBAtTheRenewal(o.run());
        assertThat(hubA.stats().activeRuns()).as("given up: not taken up").isZero();
        finishedByHubBAlone(o.run(), o.release(), o.hubB());
    }

    @Test
    void aRenewalGivingUpARunWhoseWinIsBeingRecorded_goesOnWhileTheRecordIsHeld_andRunAdoptedComesFirst()
            throws Exception {
        Orphan o = anOrphanOfAGoneHubC();
        // hub A's sweep wins run-1; the append of its RUN_ADOPTED is held (the ledger's database slow)
        CountDownLatch appending = new CountDownLatch(1);
        CountDownLatch append = new CountDownLatch(1);
        AtomicBoolean appendLetGo = new AtomicBoolean();
        f.ledger.beforeAppend = r -> {
            if (r.action().name().equals("RUN_ADOPTED") && r.actor().equals("hub:hub-a")) {
                appending.countDown();
                try {
                    append.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                appendLetGo.set(true);
            }
        };
        ExecutorService person = person();
        ExecutorService leaseThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "lease"));
        try {
            Future<Integer> sweep = person.submit(hubA::adoptOrphans);
            assertThat(appending.await(30, TimeUnit.SECONDS)).isTrue();
            // meanwhile hub A's lease goes stale and hub B adopts the run from it; hub A renews
            adoptedAwayFromAStaleHubA(o.hubB());
            store.unreachableFor(null);
            Future<?> renewal = leaseThread.submit(hubA::renewLease);

            renewal.get(30, TimeUnit.SECONDS);
            assertThat(appendLetGo).as("the renewal ended while the RUN_ADOPTED append was still held").isFalse();
            assertThat(hubA.leaseFresh()).as("renewed").isTrue();
            assertThat(audited("RUN_RELINQUISHED")).as("not before its RUN_ADOPTED").isEmpty();

            append.countDown();
            sweep.get(30, TimeUnit.SECONDS);
        } finally {
            append.countDown();
            person.shutdown();
            leaseThread.shutdown();
        }
        adoptedThenGivenUpByHubA(o);
    }

    /** Hub B adopts the orphan of {@code c} from hub C first: hub A's adoption, noted and not sent yet, will lose. */
    private static Orphan adoptedByHubBFirst(CancelHeldBeforeSending c) {
        Orphan o = c.orphan();
        assertThat(o.hubB().adoptOrphans()).isEqualTo(1);
        o.hubB().drain();
        return o;
    }

    /** Hub A's adoption held by {@code c} is sent, loses, and its cancel answers. */
    private static void sentAndLost(CancelHeldBeforeSending c) {
        c.send();
        await().atMost(WAIT).until(c.cancel()::isDone);
    }

    @Test
    void aRunWhoseAdoptionLosesBetweenTheRenewalsReadsOfAdoptionsAndOfHeldRuns_isNotRecordedGivenUp()
            throws Exception {
        Orphan o;
        try (CancelHeldBeforeSending c = aCancelHeldBeforeItsAdoptionIsSent()) {
            o = adoptedByHubBFirst(c);
            // between the renewal's two reads, hub A's adoption is sent and loses (its note removed)
            hubA.afterAdoptionsNoted = () -> {
                hubA.afterAdoptionsNoted = () -> { };
                sentAndLost(c);
            };
            staleByItsOwnClockThenRenewed();
            assertThat(c.cancel().isDone()).as("the adoption lost during the renewal").isTrue();
            refusedAsDrivenBy(c.cancel(), "hub-b");
        }
        assertThat(audited("RUN_RELINQUISHED")).as("never hub A's: nothing given up").isEmpty();
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor).containsExactly("hub:hub-b");
        finishedByHubBAlone(o.run(), o.release(), o.hubB());
    }

    @Test
    void aRenewalThatJudgedAnAdoptionThatLost_leavesAnotherAdoptionOfTheRunBegunSince_whichTakesItUp()
            throws Exception {
        Orphan o;
        CountDownLatch secondHeld = new CountDownLatch(1);
        CountDownLatch secondSend = new CountDownLatch(1);
        ExecutorService sweeper = person();
        AtomicReference<Future<Integer>> sweep = new AtomicReference<>();
        try (CancelHeldBeforeSending c = aCancelHeldBeforeItsAdoptionIsSent()) {
            o = adoptedByHubBFirst(c);
            // then a sweep of hub A notes a second adoption (from hub B), held before it is sent
            onceTheOwnersAreReadTheFirstLosesAndHubBIsGone(c, () -> {
                store.beforeAdopt = waitingOn("person", secondHeld, secondSend);
                sweep.set(sweeper.submit(hubA::adoptOrphans));
                try {
                    assertThat(secondHeld.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            staleByItsOwnClockThenRenewed();
            refusedAsDrivenBy(c.cancel(), "hub-b");
            assertThat(audited("RUN_RELINQUISHED")).as("the second adoption left to itself").isEmpty();

            secondSend.countDown();
            assertThat(sweep.get().get(30, TimeUnit.SECONDS)).as("won").isEqualTo(1);
        } finally {
            secondSend.countDown();
            sweeper.shutdown();
        }
        adoptedBackAndDrivenByHubA();
    }

    /**
     * Once the renewal read hub B as run-1's owner ({@code afterOwners}): hub A's first adoption (from
     * hub C), held by {@code c}, is sent and loses, hub B's lease lapses, then {@code then} runs.
     */
    private void onceTheOwnersAreReadTheFirstLosesAndHubBIsGone(CancelHeldBeforeSending c, Runnable then) {
        store.afterOwners = () -> {
            store.afterOwners = () -> { };
            sentAndLost(c);
            store.unreachableFor("hub-b");
            pastTheTtlRenewing("hub-a");
            then.run();
        };
    }

    /** Run-1 adopted by hub B, then back by hub A, which drives it, with nothing given up. */
    private void adoptedBackAndDrivenByHubA() {
        hubA.drain();
        assertThat(store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-a");
        assertThat(hubA.stats().activeRuns()).as("taken up and driven by hub A").isEqualTo(1);
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor).containsExactly("hub:hub-b", "hub:hub-a");
        assertThat(audited("RUN_RELINQUISHED")).as("nothing given up").isEmpty();
    }

    @Test
    void aRenewalThatJudgedAnAdoptionThatLost_leavesAnotherAdoptionOfTheRunWonAndTakenUpSince_drivenByThisHub()
            throws Exception {
        AtomicInteger wonSince = new AtomicInteger(-1);
        try (CancelHeldBeforeSending c = aCancelHeldBeforeItsAdoptionIsSent()) {
            adoptedByHubBFirst(c);
            // then a sweep of hub A adopts the run from hub B and takes it up, all before the renewal
            // reaches its give-up
            onceTheOwnersAreReadTheFirstLosesAndHubBIsGone(c, () -> {
                wonSince.set(hubA.adoptOrphans());
                hubA.drain();
            });
            staleByItsOwnClockThenRenewed();
            refusedAsDrivenBy(c.cancel(), "hub-b");
        }
        assertThat(wonSince).as("the second adoption won inside the renewal").hasValue(1);
        adoptedBackAndDrivenByHubA();
    }

    @Test
    void aRunJudgedUnansweredWhoseWinIsAnsweredBeforeTheGiveUp_isRecordedGivenUpAfterItsRunAdopted()
            throws Exception {
        Orphan o = anOrphanOfAGoneHubC();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean();
        try (AnswerHeld<Integer> held = committedWithItsAnswerHeld("person", hubA::adoptOrphans)) {
            adoptedAwayFromAStaleHubA(o.hubB());
            // once the renewal read hub B as the owner (its note of run-1 not answered when read): the win is
            // answered and recorded, and its take-up is held at its read of the run, the note still there
            Runnable takeUpReading = waitingOn(".*", reading, read);
            store.beforeRead = runId -> {
                if (hubA.onItsLane() && armed.compareAndSet(true, false)) {
                    takeUpReading.run();
                }
            };
            store.afterOwners = () -> {
                store.afterOwners = () -> { };
                armed.set(true);
                held.answer().countDown();
                try {
                    assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            store.unreachableFor(null);
            hubA.renewLease();
            assertThat(reading.getCount()).as("the take-up reached its read").isZero();
            read.countDown();
            held.answered().get(30, TimeUnit.SECONDS);
        } finally {
            read.countDown();
        }
        adoptedThenGivenUpByHubA(o);
    }

    /** Whether a read of the run by hub A's take-up failed ({@link #adoptedAwayBeforeATakeUpWhoseReadFails}). */
    private void theTakeUpsReadFailed(AtomicBoolean armed) {
        assertThat(armed).as("the read of hub A's take-up failed").isFalse();
    }

    /**
     * Hub A adopts run-1 by {@code adopting}, run on a person's thread (the adoption itself on threads
     * named as {@code on} says); while the answer of its adoption is held, hub A stalls (its lease still
     * fresh by its own clock), hub B adopts the run from it, and the next read of the run on one of hub
     * A's lanes (its take-up's) fails: {@code armed} is false once it did. Returns what {@code adopting}
     * answers.
     */
    private <T> Future<T> adoptedAwayBeforeATakeUpWhoseReadFails(Orphan o, String on, Callable<T> adopting,
                                                                 AtomicBoolean armed) throws InterruptedException {
        try (AnswerHeld<T> held = committedWithItsAnswerHeld(on, adopting)) {
            store.unreachableFor("hub-a");
            pastTheTtlRenewing("hub-b");
            assertThat(o.hubB().adoptOrphans()).isEqualTo(1);
            o.hubB().drain();
            assertThat(store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-b");
            assertThat(hubA.leaseFresh()).as("hub A stalled between its lease check and its take-up").isTrue();
            armed.set(true);
            store.beforeRead = runId -> {
                if (hubA.onItsLane() && armed.compareAndSet(true, false)) {
                    throw new IllegalStateException("the database cannot be reached");
                }
            };
            return held.answered();
        }
    }

    @Test
    void aCancelsTakeUpWhoseReadOfTheRunFails_leavesIt_isRefusedRunResuming_andCancelsNoTaskOfAnotherHubsRun()
            throws Exception {
        Orphan o = anOrphanOfAGoneHubC();

        AtomicBoolean armed = new AtomicBoolean();
        Future<RunRecord> cancel = adoptedAwayBeforeATakeUpWhoseReadFails(o, ON_A_LANE,
                () -> hubA.cancel(EngineFixture.P, "run-1", "ana", "stuck"), armed);
        assertThatThrownBy(() -> cancel.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.reason()).isEqualTo("RUN_RESUMING");
                    assertThat(e.getMessage()).contains("no cancel is recorded").contains("try again");
                });
        theTakeUpsReadFailed(armed);
        hubA.drain();
        assertThat(stateOf(o.task())).as("hub B's task, not cancelled by hub A").isNotEqualTo(TaskState.CANCELLED);
        assertThat(audited("RUN_CANCELLED")).as("nothing recorded").isEmpty();
        assertThat(hubA.stats().activeRuns()).as("not taken up").isZero();
        finishedByHubBAlone(o.run(), o.release(), o.hubB());
        assertThat(audited("RUN_RELINQUISHED")).as("hub A drove nothing of it").isEmpty();
    }

    @Test
    void aSweepsTakeUpWhoseReadOfTheRunFails_leavesIt_andWritesNothingOfAnotherHubsRun() throws Exception {
        Orphan o = anOrphanOfAGoneHubC();

        AtomicBoolean armed = new AtomicBoolean();
        assertThat(adoptedAwayBeforeATakeUpWhoseReadFails(o, "person", hubA::adoptOrphans, armed)
                .get(30, TimeUnit.SECONDS)).as("won").isEqualTo(1);
        hubA.drain();
        theTakeUpsReadFailed(armed);
        assertThat(hubA.stats().activeRuns()).as("not taken up").isZero();
        finishedByHubBAlone(o.run(), o.release(), o.hubB());
        assertThat(audited("RUN_RELINQUISHED")).as("hub A drove nothing of it").isEmpty();
    }

    @Test
    void aRunWhoseAdoptionIsNotSentYet_isLeftToItsTakeUpByARenewalEndingAStaleSpell_andTheCancelEndsIt()
            throws Exception {
        Orphan o;
        RunRecord answered;
        try (CancelHeldBeforeSending c = aCancelHeldBeforeItsAdoptionIsSent()) {
            o = c.orphan();
            staleByItsOwnClockThenRenewed();
            assertThat(audited("RUN_RELINQUISHED")).as("still hub C's: not given up").isEmpty();

            c.send();
            answered = c.cancel().get(30, TimeUnit.SECONDS);
        }
        o.release().countDown();
        assertThat(answered.state()).isEqualTo(RunState.CANCELLED);
        assertThat(store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-a");
        assertThat(stateOf(o.task())).isEqualTo(TaskState.CANCELLED);
        assertThat(audited("RUN_ADOPTED")).extracting(AuditEntry::actor).containsExactly("hub:hub-a");
    }

    @Test
    void aDeadlinePassingOnAStaleLease_waitsForTheRenewalUnmarked_thenTimesTheRunOutBeforeItsHeldLaunchGoes() {
        f.wiring = e -> e.leaseTicker(ticker::get);
        f.soleWriter = false;
        f.start().put(EngineFixture.RESTART_ON_RISK + "deadline: 5s\n");
        store.unreachableFor(f.hubId);
        ticker.addAndGet(TTL.dividedBy(2).toNanos());
        RunRecord held = raisedWhileTheLeaseIsStale();
        long holds = f.engine.holdsUntilRenewal();

        timers.advance(Duration.ofMinutes(1)); // past the run's deadline
        f.engine.drain();
        assertThat(f.engine.holdsUntilRenewal()).as("the deadline's halt held too").isEqualTo(holds + 1);
        assertThat(store.run(held.runId()).orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.RUNNING);
            assertThat(r.node("act").state()).as("nothing written of the halt").isEqualTo(NodeState.QUEUED);
        });

        store.unreachableFor(null);
        f.engine.renewLease();
        await().atMost(WAIT).until(() -> store.run(held.runId()).orElseThrow().state().isFinished());
        assertThat(store.run(held.runId()).orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.TIMED_OUT);
            assertThat(r.node("act").state()).isEqualTo(NodeState.CANCELLED);
        });
        assertThat(f.calls("restart")).as("its held launch never went out").isEmpty();
    }

    @Test
    void aRetryFallingDueWhileADeadlineHaltIsHeldForTheRenewal_storesNoNewAttempt_andTheRunTimesOut() {
        f.wiring = e -> e.leaseTicker(ticker::get);
        f.soleWriter = false;
        f.devops = (action, inputs) -> ActionResult.failed("BUSY", "try later", true);
        f.start().put(EngineFixture.RESTART_ON_RISK.replace("      service: $entity.id\n",
                "      service: $entity.id\n    retry: {max_attempts: 3, backoff: 1m, jitter: 0}\n") + "deadline: 30s\n");
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.calls("restart").size() == 1
                && f.onlyRun().node("act").state() == NodeState.RETRY_WAIT);
        RunRecord run = f.onlyRun();

        store.unreachableFor(f.hubId);
        ticker.addAndGet(TTL.dividedBy(2).toNanos());
        timers.advance(Duration.ofSeconds(40)); // past the deadline: its halt is held for the renewal
        f.engine.drain();
        timers.advance(Duration.ofSeconds(30)); // the retry falls due while the halt is held
        f.engine.drain();
        assertThat(store.run(run.runId()).orElseThrow().node("act")).satisfies(n -> {
            assertThat(n.state()).as("no new attempt stored behind the held halt").isEqualTo(NodeState.RETRY_WAIT);
            assertThat(n.attempts()).isEqualTo(1);
        });

        store.unreachableFor(null);
        f.engine.renewLease();
        await().atMost(WAIT).until(() -> store.run(run.runId()).orElseThrow().state().isFinished());
        assertThat(store.run(run.runId()).orElseThrow().state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(f.calls("restart")).as("the retry never went out").hasSize(1);
    }

    @Test
    void aNodeTimingOutOnAStaleLease_leavesItsTaskAlone_untilTheRenewal() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, new CountDownLatch(1));
        f.wiring = e -> e.leaseTicker(ticker::get);
        f.soleWriter = false;
        f.start().put(EngineFixture.RESTART_ON_RISK.replace("      service: $entity.id\n",
                "      service: $entity.id\n    timeout: 30s\n    retry: {max_attempts: 1}\n"));
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("the restart reached its agent").isTrue();
        await().atMost(WAIT).until(() -> !f.onlyRun().node("act").taskId().isEmpty());
        RunRecord run = f.onlyRun();
        String taskId = run.node("act").taskId();

        store.unreachableFor(f.hubId);
        ticker.addAndGet(TTL.dividedBy(2).toNanos());
        long holds = f.engine.holdsUntilRenewal();
        timers.advance(Duration.ofMinutes(1)); // past the node's timeout
        f.engine.drain();
        assertThat(f.scheduler.get(EngineFixture.P.value(), taskId).state()).as("its task not cancelled")
                .isNotEqualTo(TaskState.CANCELLED);
        assertThat(f.engine.holdsUntilRenewal()).as("the timeout waits for the renewal").isEqualTo(holds + 1);
        assertThat(store.run(run.runId()).orElseThrow().node("act").state().isInFlight()).isTrue();

        store.unreachableFor(null);
        f.engine.renewLease();
        await().atMost(WAIT).until(() -> store.run(run.runId()).orElseThrow().state().isFinished());
        assertThat(f.scheduler.get(EngineFixture.P.value(), taskId).state()).isEqualTo(TaskState.CANCELLED);
        assertThat(store.run(run.runId()).orElseThrow().node("act").error()).contains("TIMEOUT");
    }

    @Test
    void aDispatchReachingTheLaneBeforeADeadlineHaltHeldForTheRenewal_submitsNothing_andTheRunTimesOut()
            throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.devops = EngineFixture.holding(entered, release);
        f.soleWriter = false;
        f.hubId = "hub-a";
        // a lane's read of the lease, once armed, waits (the dispatch reads the lease first)
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        Runnable readOnALane = waitingOn(ON_A_LANE, reading, read);
        f.wiring = e -> e.leaseTicker(() -> {
            if (Thread.currentThread().getName().matches(ON_A_LANE) && armed.compareAndSet(true, false)) {
                readOnALane.run();
            }
            return ticker.get();
        });
        f.start().put(CrashMidBurst.WORKFLOW + "deadline: 5s\n");
        f.raise(f.prediction("svc-1", 0.93, 0.95, "restart"));
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("the restart reached its agent").isTrue();
        RunRecord run = f.onlyRun();

        // the restart ends while the lease is fresh: notify's attempt is stored, its write held
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch write = new CountDownLatch(1);
        store.beforeWrite = writtenByHubAWaitingOn(writing, write);
        try {
            release.countDown();
            assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue();
            // the lease goes stale; the run's deadline passes: its halt is held for the renewal
            store.unreachableFor("hub-a");
            ticker.addAndGet(TTL.dividedBy(2).toNanos());
            long holds = f.engine.holdsUntilRenewal();
            timers.advance(Duration.ofMinutes(1));
            f.engine.drainLanes();
            assertThat(f.engine.holdsUntilRenewal()).as("the deadline's halt held").isEqualTo(holds + 1);
            armed.set(true);
        } finally {
            write.countDown(); // committed: notify's dispatch is posted on the lane
        }
        try {
            assertThat(reading.await(30, TimeUnit.SECONDS)).as("the dispatch reads the lease").isTrue();
            store.unreachableFor(null);
            f.engine.renewLease(); // the held halt is posted on the lane, behind the dispatch
        } finally {
            read.countDown();
        }
        await().atMost(WAIT).until(() -> store.run(run.runId()).orElseThrow().state().isFinished());
        f.engine.drain();
        assertThat(store.run(run.runId()).orElseThrow()).satisfies(r -> {
            assertThat(r.state()).isEqualTo(RunState.TIMED_OUT);
            assertThat(r.node("notify").state()).isEqualTo(NodeState.CANCELLED);
            assertThat(r.node("notify").taskId()).as("never submitted").isEmpty();
        });
        assertThat(f.calls("sendSlack")).isEmpty();
    }

    @Test
    void anAdoptionThatCommitsAndIsTakenUpWhileARenewalReadsTheOwners_isLeftToThisHub_notGivenUp() throws Exception {
        Orphan o;
        try (CancelHeldBeforeSending c = aCancelHeldBeforeItsAdoptionIsSent()) {
            o = c.orphan();
            Future<RunRecord> cancel = c.cancel();
            staleByHubAsOwnClockOnly();
            // the renewal reads run-1 as hub C's; before it decides, the adoption commits and its take-up ends
            // (set before the store answers hub A's renewals again: its lease thread may renew first)
            store.afterOwners = () -> {
                store.afterOwners = () -> { };
                c.send();
                await().atMost(WAIT).until(cancel::isDone);
            };
            store.unreachableFor(null);
            hubA.renewLease();
            assertThat(cancel.isDone()).isTrue();
        }
        assertThat(audited("RUN_RELINQUISHED")).as("hub A's run: not given up").isEmpty();
        assertThat(store.run("run-1").orElseThrow().hubId()).isEqualTo("hub-a");

        RunRecord answered = hubA.cancel(EngineFixture.P, "run-1", "ana", "stuck");
        o.release().countDown();
        assertThat(answered.state()).isEqualTo(RunState.CANCELLED);
        assertThat(stateOf(o.task())).isEqualTo(TaskState.CANCELLED);
        assertThat(audited("RUN_CANCELLED")).hasSize(1);
    }

    @Test
    void leaseRenewals_goOnWhileAnAdoptionSweepIsStuck() throws InterruptedException {
        InMemoryRemediationStore realTime = new InMemoryRemediationStore();
        CountDownLatch inSweep = new CountDownLatch(1);
        CountDownLatch unblock = new CountDownLatch(1);
        try (EngineFixture g = new EngineFixture(realTime, Clock.systemUTC(), null)) {
            // renewed every 100 ms, swept every 300 ms
            g.settings = g.settings.withLeaseTtl(Duration.ofMillis(600));
            g.start();
            realTime.beforeUnfinished = waitingOn("cc-remediate-timer", inSweep, unblock);
            assertThat(inSweep.await(30, TimeUnit.SECONDS)).as("a periodic sweep is stuck").isTrue();
            int before = realTime.renewals(g.hubId);
            try {
                await().atMost(WAIT).until(() -> realTime.renewals(g.hubId) >= before + 3);
                assertThat(unblock.getCount()).as("the sweep is still stuck").isEqualTo(1);
                assertThat(g.engine.leaseFresh()).isTrue();
            } finally {
                unblock.countDown();
            }
        }
    }
}
