package io.commandcenter.scheduler;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.state.SchedulerState;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Built-in agents' heartbeats (ADR 0029): each agent heartbeats on its own thread, so one held by a pool
 * that cannot be reached holds back no other agent's; and a heartbeat that returns later than one
 * interval after it was sent is followed at once by the next. The scheduler runs in manual mode on a
 * hand-moved clock: leases expire only when the test moves the clock and sweeps.
 */
class BuiltInAgentHeartbeatTest {
    private static final AtomicInteger TESTS = new AtomicInteger();
    /** This test's hub, in its agents' ids: a heartbeat thread of an earlier test's agent has another name. */
    final String hub = "hub" + TESTS.incrementAndGet();
    final MutableClock clock = new MutableClock();
    final HeldHeartbeats state = new HeldHeartbeats(new InMemorySchedulerState(clock));
    final ExecutorService actions = Executors.newCachedThreadPool();
    final CountDownLatch finish = new CountDownLatch(1);
    final List<BuiltInAgent> agents = new ArrayList<>();
    Scheduler scheduler;

    @AfterEach
    void stop() {
        finish.countDown();
        state.release(false);
        agents.forEach(BuiltInAgent::close);
        agents.forEach(a -> assertThat(a.awaitStopped(Duration.ofSeconds(10))).isTrue());
        if (scheduler != null) {
            scheduler.close();
        }
        actions.shutdownNow();
    }

    Scheduler scheduler(Duration lease) {
        scheduler = Scheduler.start(SchedulerSettings.defaults(hub).withBackground(false).withLease(lease), state,
                new InMemoryMesh(new InMemoryMesh.Network(Runnable::run)), clock);
        return scheduler;
    }

    /** An agent of {@code type} whose action runs until the test lets it finish. */
    BuiltInAgent.RevocableAction untilFinished() {
        return (work, revoked) -> {
            finish.await();
            return "";
        };
    }

    BuiltInAgent start(String type, String action) {
        BuiltInAgent agent = BuiltInAgent.start(scheduler, AgentRegistration.of(type + ":" + hub, type, 1, action),
                untilFinished(), actions, true);
        agents.add(agent);
        return agent;
    }

    /**
     * A devops agent heartbeating on {@code timer}, which the test runs by hand, its heartbeats timed by the
     * hand clock (lease 30 s: heartbeats every 10 s), holding the task returned.
     */
    Task leasedToAnAgentOn(HandTimer timer) {
        scheduler(Duration.ofSeconds(30));
        agents.add(BuiltInAgent.start(scheduler, AgentRegistration.of("devops:" + hub, "devops", 1, "restart"),
                untilFinished(), actions, true, timer, () -> TimeUnit.MILLISECONDS.toNanos(clock.millis())));
        Task task = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();
        scheduler.runPending();
        return task;
    }

    @Test
    void aHeartbeatHeldOnOnePool_holdsBackNoOtherAgentsHeartbeats_andTheirLeasesStayAlive() throws Exception {
        scheduler(Duration.ofMillis(300)); // heartbeats every 100 ms of real time; leases expire by the hand clock
        Duration interval = Duration.ofMillis(100);
        start("devops", "restart");
        start("notifier", "sendSlack");
        state.hold("devops"); // the devops pool's member is lost: its heartbeats wait
        Task restart = scheduler.submit(TaskSpec.of("p", "devops.restart")).task();
        Task notify = scheduler.submit(TaskSpec.of("p", "notifier.sendSlack")).task();
        scheduler.runPending();
        assertThat(state.entered.await(10, TimeUnit.SECONDS)).as("the devops agent's heartbeat is held").isTrue();

        // six intervals, two leases, pass while it stays held: the notifier's heartbeats go on each interval
        for (int i = 0; i < 6; i++) {
            int before = state.applied("notifier");
            await().atMost(Duration.ofSeconds(10)).until(() -> state.applied("notifier") > before);
            clock.advance(interval);
            scheduler.sweep();
        }

        assertThat(state.waiting()).as("the devops heartbeat is still held").isEqualTo(1);
        assertThat(scheduler.get("p", notify.id()).state()).isEqualTo(TaskState.ASSIGNED);
        assertThat(state.revocations("notifier")).isEmpty();
        finish.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.get("p", notify.id()).state()
                == TaskState.SUCCEEDED);
        assertThat(scheduler.get("p", notify.id()).attempt()).as("ran once").isEqualTo(1);
        assertThat(scheduler.get("p", restart.id()).state()).as("the held agent's lease ran out on the same clock")
                .isEqualTo(TaskState.QUEUED);
    }

    /**
     * ADR 0029's interleaving, with the held heartbeat failing: heard at 0, last operation at 9.9 s, the
     * heartbeat sent at 10 s held until 55 s; the sweep applied first moves the lease to 65.1 s, and the held
     * heartbeat then fails, extending nothing. The next one goes at once (sent one interval later, at 65 s, it
     * would race a sweep at 65.1 s) and a sweep at 65.2 s finds the lease alive.
     */
    @Test
    void aHeartbeatReturningLaterThanAnInterval_isFollowedAtOnce_andOneOnTime_anIntervalAfterItWasSent()
            throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(10);
        HandTimer timer = new HandTimer();
        Task task = leasedToAnAgentOn(timer);
        Scheduled held = timer.take();
        assertThat(held.delayNanos()).as("the first one interval after the start").isEqualTo(interval);

        clock.advance(Duration.ofMillis(9_900));
        scheduler.sweep(); // the last operation before the pause
        clock.advance(Duration.ofMillis(100));
        state.hold("devops");
        CompletableFuture<Void> beat = CompletableFuture.runAsync(held.command());
        assertThat(state.entered.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(45));
        scheduler.sweep(); // reachable again: a sweep is applied first and moves the lease
        state.release(true); // the held heartbeat fails
        beat.get(10, TimeUnit.SECONDS);

        Scheduled next = timer.take();
        assertThat(next.delayNanos()).as("held 45 s: the next heartbeat at once").isZero();
        next.command().run();
        clock.advance(Duration.ofMillis(10_200));
        scheduler.sweep();
        assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.ASSIGNED);
        assertThat(state.revocations("devops")).isEmpty();

        Scheduled onTime = timer.take();
        assertThat(onTime.delayNanos()).as("a heartbeat that took no time: the next one interval later")
                .isEqualTo(interval);
        state.hold("devops");
        CompletableFuture<Void> slow = CompletableFuture.runAsync(onTime.command());
        assertThat(state.entered.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(4));
        state.release(false);
        slow.get(10, TimeUnit.SECONDS);
        assertThat(timer.take().delayNanos()).as("one that took 4 s: the next one interval after it was sent")
                .isEqualTo(TimeUnit.SECONDS.toNanos(6));
        assertThat(scheduler.get("p", task.id()).attempt()).isEqualTo(1);
    }

    /**
     * A fixed-delay timer drops a periodic task that threw: the agent's heartbeats would stop for good. A failure
     * that repeats every interval is logged once (with its stack trace), not each time.
     */
    @Test
    void aHeartbeatThatFailsUnexpectedly_isFollowedByTheNextOne_andLoggedOnce() throws Exception {
        HandTimer timer = new HandTimer();
        Task task = leasedToAnAgentOn(timer);
        Error missing = new NoClassDefFoundError("a class below the state's port");
        List<LogRecord> warnings = warningsWhile(() -> {
            state.failNext(missing); // an Error, not a RuntimeException
            timer.take().command().run();
            state.failNext(new IllegalStateException("a bug below the state's port"));
            timer.take().command().run();
        });

        Scheduled next = timer.take();
        assertThat(next.delayNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        next.command().run();
        assertThat(state.applied("devops")).as("the next heartbeat reached the pool").isEqualTo(1);
        assertThat(scheduler.get("p", task.id()).state()).isEqualTo(TaskState.ASSIGNED);
        assertThat(warnings).as("two failures in a row, one warning").singleElement().satisfies(r -> {
            assertThat(r.getMessage()).isEqualTo("heartbeat of agent devops:" + hub + " failed");
            assertThat(r.getThrown()).isSameAs(missing);
        });
    }

    @Test
    void aVirtualMachineErrorInAHeartbeat_isRethrown_andTheNextHeartbeatIsStillScheduled() throws Exception {
        HandTimer timer = new HandTimer();
        leasedToAnAgentOn(timer);
        StackOverflowError fatal = new StackOverflowError();
        state.failNext(fatal);

        assertThatThrownBy(() -> timer.take().command().run()).isSameAs(fatal);

        assertThat(timer.take().delayNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
    }

    /** The WARNING records {@link BuiltInAgent} logs while {@code body} runs. */
    static List<LogRecord> warningsWhile(ThrowingRunnable body) throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(BuiltInAgent.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            body.run();
        } finally {
            logger.removeHandler(handler);
        }
        return records;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void closingAnAgent_endsItsHeartbeatThread_andThreadsAreNamedAfterTheirAgent() {
        scheduler(Duration.ofSeconds(30));
        BuiltInAgent devops = start("devops", "restart");
        start("notifier", "sendSlack");
        assertThat(heartbeatThreads()).containsExactlyInAnyOrder("cc-heartbeat-devops:" + hub,
                "cc-heartbeat-notifier:" + hub);

        devops.close();

        assertThat(devops.awaitStopped(Duration.ofSeconds(10))).isTrue();
        // the executor has terminated; its worker thread may still be on its way out
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heartbeatThreads())
                .containsExactly("cc-heartbeat-notifier:" + hub));
    }

    /** The names of this test's agents' live heartbeat threads. */
    List<String> heartbeatThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("cc-heartbeat-") && n.endsWith(":" + hub)).toList();
    }

    /** One heartbeat the agent scheduled: what runs and after how long. */
    record Scheduled(Runnable command, long delayNanos) {
    }

    /**
     * A timer the test runs by hand: each {@code schedule} is recorded (and never runs by itself); the test
     * takes it and runs its command on a thread of its choosing.
     */
    static final class HandTimer extends ScheduledThreadPoolExecutor {
        private final BlockingQueue<Scheduled> scheduled = new LinkedBlockingQueue<>();

        HandTimer() {
            super(1);
            setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            scheduled.add(new Scheduled(command, unit.toNanos(delay)));
            return super.schedule(() -> { }, 1, TimeUnit.DAYS); // cancelled with the agent, never run
        }

        Scheduled take() throws InterruptedException {
            Scheduled s = scheduled.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("a heartbeat was scheduled").isNotNull();
            return s;
        }
    }

    /**
     * A real state whose heartbeats to one pool can be held, as Hazelcast holds the invocations sent to a
     * partition whose owner is lost, and released to be applied, or to fail; counts the heartbeats applied
     * to each pool and the revocations they returned.
     */
    static final class HeldHeartbeats extends ForwardingSchedulerState {
        volatile CountDownLatch entered = new CountDownLatch(1);
        private final Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
        private final Map<String, List<Revocation>> revocations = new ConcurrentHashMap<>();
        private String heldType;
        private CountDownLatch go = new CountDownLatch(0);
        private boolean fail;
        private int waiting;
        private Throwable failNext;

        HeldHeartbeats(SchedulerState real) {
            super(real);
        }

        synchronized void hold(String agentType) {
            heldType = agentType;
            go = new CountDownLatch(1);
            entered = new CountDownLatch(1);
        }

        /** Lets the held heartbeats through: applied, or failing as a state that could not be reached. */
        void release(boolean failing) {
            CountDownLatch open;
            synchronized (this) {
                heldType = null;
                fail = failing;
                open = go;
            }
            open.countDown();
        }

        /** The next heartbeat to any pool throws {@code failure} (a RuntimeException or an Error). */
        synchronized void failNext(Throwable failure) {
            failNext = failure;
        }

        synchronized int waiting() {
            return waiting;
        }

        int applied(String agentType) {
            return applied.computeIfAbsent(agentType, t -> new AtomicInteger()).get();
        }

        List<Revocation> revocations(String agentType) {
            return revocations.getOrDefault(agentType, List.of());
        }

        @Override
        public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
            if (!(op instanceof PoolOps.Heartbeat)) {
                return real.pool(agentType, config, op);
            }
            CountDownLatch wait;
            boolean failing;
            synchronized (this) {
                Throwable failure = failNext;
                failNext = null;
                if (failure instanceof Error error) {
                    throw error;
                }
                if (failure != null) {
                    throw (RuntimeException) failure;
                }
                wait = agentType.equals(heldType) ? go : null;
                if (wait != null) {
                    waiting++;
                }
            }
            if (wait != null) {
                entered.countDown();
                try {
                    wait.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "interrupted while held", e);
                } finally {
                    synchronized (this) {
                        waiting--;
                    }
                }
            }
            synchronized (this) {
                failing = wait != null && fail;
            }
            if (failing) {
                throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the pool's member was lost", null);
            }
            R result = real.pool(agentType, config, op);
            if (result instanceof List<?> revoked) {
                revoked.forEach(r -> revocations.computeIfAbsent(agentType, t -> new CopyOnWriteArrayList<>())
                        .add((Revocation) r));
            }
            applied.computeIfAbsent(agentType, t -> new AtomicInteger()).incrementAndGet();
            return result;
        }
    }
}
