package io.commandcenter.scheduler;

import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.task.TaskOutcome;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * An agent built into the hub, on the same port as remote ones: registers through
 * {@link Scheduler#connect}, runs each assigned task's {@link Action} on an executor, heartbeats
 * its leases every {@link AgentConnection#heartbeatInterval()} while they run, reports each
 * outcome with the lease's fencing token, and interrupts an action whose lease was revoked — unless
 * it was started not {@code interruptible}: an action that may be inside an embedded database, which
 * answers an interrupt by closing its file, is left to finish (its result is then refused); a
 * {@link RevocableAction} is told of the revocation and can stop at its next safe point. An Error
 * thrown by an action is reported as a failure (not retryable) like any exception. A result the
 * state fails to take ({@code STATE_UNAVAILABLE}) is sent again, {@value #REPORT_ATTEMPTS} times in all
 * while the lease is held. A lease whose result was not recorded (refused, the state failing every
 * time, or the action interrupted without a revocation) is no longer heartbeated: it expires and its
 * task is queued again.
 *
 * <p>Each agent heartbeats on a thread of its own ({@code cc-heartbeat-<agent id>}, a daemon), so a
 * heartbeat blocked on a pool that cannot be reached (up to a minute, while Hazelcast finds a lost
 * member) holds back no other agent's. A heartbeat is sent one interval after the previous one was
 * sent, or at once when the previous one returned later than that. {@link #close} stops the thread;
 * {@link #awaitStopped} waits until it has ended.
 *
 * <pre>
 * BuiltInAgent devops = BuiltInAgent.start(scheduler,
 *         AgentRegistration.of("devops-builtin", "devops", 4, "restart", "scale").withProjects(Set.of("*")),
 *         work -> devopsActions.run(work.spec().capability().action(), work.spec().inputsJson()),
 *         executor);
 * </pre>
 */
public final class BuiltInAgent implements AgentListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BuiltInAgent.class.getName());
    /** How many times a result the state failed to take is sent in all. */
    static final int REPORT_ATTEMPTS = 3;
    /** The wait before the first resend of a result; each next one waits this much longer. */
    static final long REPORT_BACKOFF_MILLIS = 200;

    /** What the agent does with a task. */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs the task.
         *
         * @return its output as a JSON object, or "" for none
         * @throws Failure a failure to report (retryable or not)
         * @throws Exception any other failure, reported as not retryable
         */
        String run(Dispatched work) throws Exception;
    }

    /**
     * What the agent does with a task, told when the task's lease is revoked (its run cancelled, the
     * agent closed): an action that is not interruptible checks {@code revoked} at its safe points and
     * stops there.
     */
    @FunctionalInterface
    public interface RevocableAction {
        /**
         * Runs the task.
         *
         * @param revoked true from the moment the task's lease is revoked; its result is refused then
         * @return its output as a JSON object, or "" for none
         * @throws Failure a failure to report (retryable or not)
         * @throws Exception any other failure, reported as not retryable
         */
        String run(Dispatched work, BooleanSupplier revoked) throws Exception;
    }

    /** A failure an action reports, possibly retryable. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        public Failure(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final RevocableAction action;
    private final ExecutorService executor;
    private final boolean interruptible;
    /** This agent's alone: sends its heartbeats. */
    private final ScheduledExecutorService heartbeats;
    /** Reads the time a heartbeat took (System.nanoTime but in tests). */
    private final LongSupplier nanoTime;
    /** A heartbeat that fails unexpectedly fails every interval: logged once per 30 s, with the count. */
    private final QuietLog quiet = new QuietLog(LOG, Duration.ofSeconds(30));
    private final Map<LeaseRef, Run> running = new ConcurrentHashMap<>();
    /** Notified whenever an action's run ends ({@link #awaitIdle}). */
    private final Object idle = new Object();
    private volatile AgentConnection connection;
    /** Guards {@link #next} and {@link #stopped}. */
    private final Object beats = new Object();
    private volatile long everyNanos;
    private ScheduledFuture<?> next;
    private boolean stopped;

    /**
     * One assignment on this agent. A revocation interrupts its thread only while the action runs:
     * once the action has returned, its outcome is reported whatever arrives. (A heartbeat sent with
     * a lease whose result is being reported gets LEASE_NOT_HELD back for it; interrupting the
     * reporting thread then could drop the task's event: guide 14.14.)
     */
    private static final class Run {
        private final boolean interruptible;
        private Thread thread;
        private boolean revoked;

        Run(boolean interruptible) {
            this.interruptible = interruptible;
        }

        /** Marks the action started on this thread; false when it was revoked before it started. */
        synchronized boolean start() {
            if (revoked) {
                return false;
            }
            thread = Thread.currentThread();
            return true;
        }

        /** Whether the lease was revoked (the action's signal to stop). */
        synchronized boolean revoked() {
            return revoked;
        }

        synchronized void revoke() {
            revoked = true;
            if (thread != null && interruptible) {
                thread.interrupt();
            }
        }

        /** The action is over: later revocations leave the thread alone, and one that came late is forgotten. */
        synchronized void finish() {
            thread = null;
            Thread.interrupted();
        }
    }

    private BuiltInAgent(RevocableAction action, ExecutorService executor, boolean interruptible,
                         ScheduledExecutorService heartbeats, LongSupplier nanoTime) {
        this.action = action;
        this.executor = executor;
        this.interruptible = interruptible;
        this.heartbeats = heartbeats;
        this.nanoTime = nanoTime;
    }

    /**
     * Connects the agent and starts heartbeating on its own thread.
     *
     * @param executor runs the actions (its size bounds how many run at once; match the capacity)
     */
    public static BuiltInAgent start(Scheduler scheduler, AgentRegistration registration, Action action,
                                     ExecutorService executor) {
        return start(scheduler, registration, action, executor, true);
    }

    /**
     * Connects the agent and starts heartbeating.
     *
     * @param interruptible false: a revoked lease, or {@link #close}, never interrupts a running action; it
     *                      runs to its end (stop it another way), and its result is refused if the lease is gone
     */
    public static BuiltInAgent start(Scheduler scheduler, AgentRegistration registration, Action action,
                                     ExecutorService executor, boolean interruptible) {
        return start(scheduler, registration, (RevocableAction) (work, revoked) -> action.run(work), executor,
                interruptible);
    }

    /**
     * Connects the agent and starts heartbeating; each action is told when its lease is revoked.
     *
     * @param interruptible false: a revoked lease, or {@link #close}, never interrupts a running action; it
     *                      is told through its {@code revoked} signal and runs until it stops, its result refused
     */
    public static BuiltInAgent start(Scheduler scheduler, AgentRegistration registration, RevocableAction action,
                                     ExecutorService executor, boolean interruptible) {
        return start(scheduler, registration, action, executor, interruptible,
                heartbeatThread("cc-heartbeat-" + registration.agentId()), System::nanoTime);
    }

    /**
     * Connects the agent and starts heartbeating on {@code heartbeats}, which it owns from now on (and
     * shuts down on close); {@code nanoTime} reads how long a heartbeat took. Tests hand in their own.
     */
    static BuiltInAgent start(Scheduler scheduler, AgentRegistration registration, RevocableAction action,
                              ExecutorService executor, boolean interruptible, ScheduledExecutorService heartbeats,
                              LongSupplier nanoTime) {
        BuiltInAgent agent = new BuiltInAgent(action, executor, interruptible, heartbeats, nanoTime);
        try {
            synchronized (agent) {
                agent.connection = scheduler.connect(registration, agent);
                agent.everyNanos = Math.max(1, agent.connection.heartbeatInterval().toNanos());
                agent.scheduleHeartbeat(agent.everyNanos);
            }
        } catch (RuntimeException e) {
            heartbeats.shutdownNow();
            throw e;
        }
        return agent;
    }

    /** One daemon thread; a heartbeat still waiting when it is shut down is dropped, not sent. */
    private static ScheduledExecutorService heartbeatThread(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(name));
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    public AgentConnection connection() {
        return connection;
    }

    @Override
    public void onAssignment(Dispatched work) {
        LeaseRef lease = work.assignment().lease();
        Run run = new Run(interruptible);
        running.put(lease, run);
        try {
            executor.execute(() -> run(work, lease, run));
        } catch (RuntimeException e) {
            running.remove(lease, run);
            throw e;
        }
    }

    private void run(Dispatched work, LeaseRef lease, Run run) {
        try {
            if (!run.start()) {
                return;
            }
            AgentConnection c = awaitConnection();
            String output = null;
            Throwable failure = null;
            try {
                output = action.run(work, run::revoked);
            } catch (Exception | Error e) {
                failure = e;
            } finally {
                run.finish();
            }
            if (failure instanceof VirtualMachineError fatal) {
                // nothing is reported in a JVM that may not go on; the lease is left to expire (finally, below)
                LOG.log(Level.ERROR, "task " + lease.taskId() + " of agent " + c.agentId() + " failed", fatal);
                throw fatal;
            }
            if (failure instanceof InterruptedException) {
                // revoked while it ran: the lease is gone, nothing to report. Interrupted otherwise (an
                // executor shut down): it did not finish; its lease is left to expire (finally, below)
                return;
            }
            try {
                if (failure == null) {
                    complete(c, lease, TaskOutcome.SUCCEEDED, output, "", false);
                } else if (failure instanceof Failure f) {
                    report(c, lease, f.getMessage(), f.retryable());
                } else {
                    report(c, lease, failure.toString(), false);
                }
            } catch (CommandCenterException e) {
                LOG.log(Level.WARNING, "result of task {0} not recorded: {1}", lease.taskId(), e.getMessage());
            }
        } finally {
            // a lease whose result was not recorded (refused, the state failing, no result at all) is no
            // longer extended by this agent's heartbeats: it expires and its task is queued again
            AgentConnection c = connection;
            if (c != null) {
                c.abandon(lease);
            }
            running.remove(lease, run);
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /**
     * Waits, at most {@code bound}, until no action of this agent runs or is being reported (a hub
     * closing: the results of actions it asked to stop reach the scheduler before it disconnects).
     *
     * @return false when the bound passed first
     */
    public boolean awaitIdle(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (idle) {
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void report(AgentConnection c, LeaseRef lease, String error, boolean retryable) {
        try {
            complete(c, lease, TaskOutcome.FAILED, "",
                    error == null ? "" : error.length() > 4096 ? error.substring(0, 4096) : error, retryable);
        } catch (CommandCenterException e) {
            LOG.log(Level.WARNING, "failure of task {0} not recorded: {1}", lease.taskId(), e.getMessage());
        }
    }

    /**
     * Reports a result, sent again (up to {@value #REPORT_ATTEMPTS} times in all, {@value #REPORT_BACKOFF_MILLIS}
     * ms more apart each time) when the state failed to take it ({@code STATE_UNAVAILABLE}) while the session
     * still holds the lease (heartbeated meanwhile): a resend of a result already taken is taken again without
     * effect, and one transient failure no longer makes the action run twice.
     */
    private static void complete(AgentConnection c, LeaseRef lease, TaskOutcome outcome, String output, String error,
                                 boolean retryable) {
        for (int attempt = 1; ; attempt++) {
            try {
                c.complete(lease.taskId(), lease.fencingToken(), outcome, output, error, retryable);
                return;
            } catch (CommandCenterException e) {
                if (attempt >= REPORT_ATTEMPTS || !"STATE_UNAVAILABLE".equals(e.reason()) || c.isClosed()
                        || !c.leases().contains(lease)) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "result of task {0} not taken ({1}); sent again", lease.taskId(), e.getMessage());
                try {
                    Thread.sleep(REPORT_BACKOFF_MILLIS * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The connection is set right after connect returns; an assignment may arrive just before. */
    private synchronized AgentConnection awaitConnection() {
        return connection;
    }

    private void scheduleHeartbeat(long delayNanos) {
        synchronized (beats) {
            if (stopped) {
                return;
            }
            try {
                next = heartbeats.schedule(this::beat, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // shut down meanwhile
            }
        }
    }

    /**
     * Sends one heartbeat, then schedules the next one interval after this one was sent: at once when
     * this one took longer (held by a pool that could not be reached; a lease that a sweep applied
     * before it moved may have only one interval left, and this heartbeat may have failed).
     */
    private void beat() {
        long sent = nanoTime.getAsLong();
        try {
            heartbeat();
        } catch (Throwable e) {
            // not the state's own failure (those are CommandCenterException, logged below): say so, and go on.
            // A VirtualMachineError is logged every time, not quietened: rethrown, it only completes this one-shot
            // task's future, which nobody reads
            if (e instanceof VirtualMachineError fatal) {
                LOG.log(Level.ERROR, "heartbeat of agent " + connection.agentId() + " failed", fatal);
                throw fatal;
            }
            if (!stopped()) {
                quiet.warn("heartbeat of agent " + connection.agentId(), e);
            }
        } finally {
            long took = nanoTime.getAsLong() - sent;
            scheduleHeartbeat(Math.min(everyNanos, Math.max(0, everyNanos - took)));
        }
    }

    private void heartbeat() {
        AgentConnection c = connection;
        if (c == null || c.isClosed() || c.leases().isEmpty()) {
            return;
        }
        try {
            for (Revocation r : c.heartbeat()) {
                onRevoked(r);
            }
        } catch (CommandCenterException e) {
            LOG.log(Level.DEBUG, "heartbeat failed: {0}", e.getMessage());
        }
    }

    @Override
    public void onRevoked(Revocation revocation) {
        Run run = running.remove(revocation.lease());
        if (run != null) {
            run.revoke();
        }
    }

    @Override
    public void onClosed(CommandCenterException reason) {
        stopHeartbeats();
        running.values().forEach(Run::revoke);
    }

    private boolean stopped() {
        synchronized (beats) {
            return stopped;
        }
    }

    /** No heartbeat is sent from now on; the heartbeat thread ends once one in progress returns. */
    private void stopHeartbeats() {
        synchronized (beats) {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        // never interrupts: this may run on the heartbeat thread itself (a heartbeat that closed the session)
        heartbeats.shutdown();
    }

    /**
     * Stops heartbeating (a heartbeat in progress is left to return, not interrupted), interrupts running
     * actions (when interruptible) and disconnects (their leases expire into the queue). Returns without
     * waiting for the heartbeat thread: a heartbeat blocked on a pool that cannot be reached ends when the
     * state it waits on does ({@link #awaitStopped}); an interrupt would not end it sooner (Hazelcast's
     * calls wait through one).
     */
    @Override
    public void close() {
        onClosed(null);
        AgentConnection c = connection;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Waits, at most {@code bound}, until the heartbeat thread has ended (after {@link #close}).
     *
     * @return false when the bound passed first
     */
    public boolean awaitStopped(Duration bound) {
        try {
            return heartbeats.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
