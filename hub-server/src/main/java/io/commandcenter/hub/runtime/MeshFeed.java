package io.commandcenter.hub.runtime;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.Subscription;
import io.commandcenter.scheduler.DaemonThreads;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One feed from the hub's bus to the scheduler (agents' health, anticipation), delivered on a thread of
 * its own: a delivery that blocks (on a pool of a lost member) holds back only its own feed. One thread
 * keeps the feed's events in the order the bus delivers them.
 */
final class MeshFeed {
    private final Subscription subscription;
    private final ExecutorService delivery;

    private MeshFeed(Subscription subscription, ExecutorService delivery) {
        this.subscription = subscription;
        this.delivery = delivery;
    }

    /** Subscribes {@code sink} to {@code subjects} of every project, delivered on a thread called {@code threadName}. */
    static MeshFeed start(EventBus bus, String subjects, EventSink sink, String threadName) {
        ThreadPoolExecutor delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named(threadName));
        delivery.prestartCoreThread(); // in a thread dump from the start, not from the first event
        try {
            return new MeshFeed(bus.subscribeEveryProject(SubjectPattern.parse(subjects), 1024, sink, delivery),
                    delivery);
        } catch (RuntimeException e) {
            delivery.shutdownNow();
            throw e;
        }
    }

    /**
     * Ends the subscription, then interrupts a delivery in progress; {@link #awaitStopped} waits for its thread.
     * In that order: a publish after the close no longer hands the feed a drain.
     */
    void stop() {
        subscription.close();
        delivery.shutdownNow();
    }

    /**
     * Waits, at most {@code bound}, until the feed's thread has ended (after {@link #stop}); a delivery blocked on
     * the cluster's state ends when the cluster closes.
     *
     * @return false when the bound passed first
     */
    boolean awaitStopped(Duration bound) {
        try {
            return delivery.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
