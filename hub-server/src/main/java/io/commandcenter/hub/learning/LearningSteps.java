package io.commandcenter.hub.learning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Stops the learning loop's work cooperatively. A learning step reads and writes the embedded
 * database, and H2 answers a thread interrupted inside a file operation by closing its database
 * (the next start recovers it, as after a kill), so the loop's work is never interrupted: it checks
 * {@link #checkpoint} at safe points — between pages of telemetry, between series replayed, before
 * each scoring batch, between the training's stages — and, once {@link #stop} has begun, ends there
 * with {@link Cancelled}; so does a step whose task was revoked (a person cancelled its run: the
 * revocation signal given to {@link #enter}). {@link #stop} waits a bounded time for the steps under way
 * to reach one. Thread-safe.
 */
final class LearningSteps {
    /**
     * Thrown at a safe point once the loop is stopping or the step's task was revoked; the step reports it
     * as {@code LEARNING_CANCELLED}.
     */
    static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled(String why, String where) {
            super(why + ": the learning work stopped " + where + ", before it finished; nothing of it was kept", null,
                    false, false);
        }
    }

    private static final String CLOSING = "the hub is closing";
    private static final String REVOKED = "the task was revoked (its run cancelled, or its agent disconnected)";

    private volatile boolean stopping;
    /** The steps under way, each with what it is (for the log when one does not stop in time). */
    private final Map<Object, String> running = new LinkedHashMap<>();
    /** The revocation signal of the step running on this thread, if any. */
    private final ThreadLocal<BooleanSupplier> revoked = new ThreadLocal<>();

    /**
     * Registers a step about to run; false once stopping (it must not start).
     *
     * @param token identifies the step until {@link #exit}
     */
    boolean enter(Object token, String what) {
        return enter(token, what, () -> false);
    }

    /**
     * Registers a step about to run on this thread; false once stopping (it must not start).
     *
     * @param token   identifies the step until {@link #exit}, called on the same thread
     * @param revoked the step's task was revoked: its checkpoints end it too
     */
    synchronized boolean enter(Object token, String what, BooleanSupplier revoked) {
        if (stopping) {
            return false;
        }
        running.put(token, what);
        this.revoked.set(revoked);
        return true;
    }

    /** The step on this thread is over (whatever its result). */
    synchronized void exit(Object token) {
        revoked.remove();
        running.remove(token);
        notifyAll();
    }

    /**
     * Ends the caller's work with {@link Cancelled} if the loop is stopping, or if the step running on this
     * thread had its task revoked; otherwise returns at once.
     */
    void checkpoint(String where) {
        if (stopping) {
            throw new Cancelled(CLOSING, where);
        }
        BooleanSupplier r = revoked.get();
        if (r != null && r.getAsBoolean()) {
            throw new Cancelled(REVOKED, where);
        }
    }

    boolean stopping() {
        return stopping;
    }

    /**
     * Refuses new steps, signals the running ones to stop at their next safe point, and waits up to
     * {@code bound} for them to end. Never interrupts.
     *
     * @return what is still running after the bound (empty: every step ended)
     */
    synchronized List<String> stop(Duration bound) {
        stopping = true;
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        while (!running.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return new ArrayList<>(running.values());
    }

    /** Steps under way now. */
    synchronized int running() {
        return running.size();
    }
}
