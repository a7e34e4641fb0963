package io.commandcenter.scheduler;

import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.mesh.SchedulerMesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes this hub's events in batches: decisions made on any thread are queued and one thread
 * sends what has accumulated as one mesh message (one topic publish for up to
 * {@value #MAX_BATCH} events), in the order they were queued. A full queue holds producers back
 * rather than dropping events, and so does an interrupted producer. In manual mode (no thread) events are published at once,
 * and so are events published once {@link #close} has begun (a result recorded while the hub stops): none is left in a
 * queue that nothing sends.
 */
final class EventPublisher implements AutoCloseable {
    static final int MAX_BATCH = 1024;

    private final SchedulerMesh mesh;
    private final QuietLog quiet;
    private final BlockingQueue<SchedulerEvent> queue;
    private final Thread thread;
    private volatile boolean running = true;
    /** Events queued and events handed to the mesh so far (for {@link #flush}). */
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    EventPublisher(SchedulerMesh mesh, boolean background, String name, QuietLog quiet) {
        this.mesh = mesh;
        this.quiet = quiet;
        this.queue = background ? new ArrayBlockingQueue<>(65_536) : null;
        if (background) {
            thread = DaemonThreads.named(name).newThread(this::loop);
            thread.start();
        } else {
            thread = null;
        }
    }

    void publish(List<SchedulerEvent> events) {
        if (queue == null) {
            mesh.publish(events);
            return;
        }
        // an interrupt must not drop an event (the state change it reports has happened): wait on,
        // and give the caller its interrupt back afterwards
        boolean interrupted = false;
        for (SchedulerEvent e : events) {
            while (true) {
                try {
                    queue.put(e);
                    queued.incrementAndGet();
                    break;
                } catch (InterruptedException ie) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!running) {
            // closing: the thread may have ended before these were queued
            sendRemaining();
        }
    }

    /** Sends what is queued from the calling thread (the publisher closed or closing). */
    private void sendRemaining() {
        List<SchedulerEvent> batch = new ArrayList<>(MAX_BATCH);
        while (queue.drainTo(batch, MAX_BATCH) > 0) {
            send(batch);
        }
    }

    /** Hands a batch to the mesh (a failure logged, the events counted as sent either way) and empties it. */
    private void send(List<SchedulerEvent> batch) {
        try {
            mesh.publish(batch);
        } catch (RuntimeException e) {
            quiet.warn("publishing " + batch.size() + " scheduler events", e);
        } finally {
            sent.addAndGet(batch.size());
            batch.clear();
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private void loop() {
        List<SchedulerEvent> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            SchedulerEvent first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            send(batch);
        }
    }

    /**
     * Waits, at most {@code bound}, until every event queued before the call has been handed to the mesh
     * (which may deliver it asynchronously).
     *
     * @return false when the bound passed first
     */
    boolean flush(Duration bound) {
        if (queue == null) {
            return true;
        }
        long target = queued.get();
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (this) {
            while (sent.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !thread.isAlive()) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Publishes what is queued, then stops; events published from now on are sent by their publisher. */
    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!thread.isAlive()) {
                // a thread still held by the mesh sends the rest itself when it returns, and the close does not wait
                sendRemaining();
            }
        }
    }
}
