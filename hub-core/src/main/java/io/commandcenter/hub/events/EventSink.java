package io.commandcenter.hub.events;

import java.time.Instant;

/**
 * Where a subscription delivers: a gRPC stream, an SSE connection. Called from one thread at a
 * time per subscription, in publication order. A sink that is not {@link #isReady() ready} is not
 * called; it calls {@link Subscription#signal()} when it becomes ready again.
 */
public interface EventSink {

    /** Whether the transport can take another message now without buffering further. */
    boolean isReady();

    /** Delivers one event. */
    void deliver(Event event);

    /**
     * Most events this sink takes in one {@link #deliver(java.util.List)} call; 1 (the default): the
     * subscription calls {@link #deliver(Event)} for each event.
     */
    default int maxBatch() {
        return 1;
    }

    /** Delivers several events, oldest first (only when {@link #maxBatch()} is above 1; at most that many). */
    default void deliver(java.util.List<Event> events) {
        events.forEach(this::deliver);
    }

    /**
     * Tells the subscriber that {@code count} events were dropped because it did not keep up.
     *
     * @param count drops since the previous notice
     * @param total drops since the subscription started
     * @param since when the first of these drops happened
     */
    void dropped(long count, long total, Instant since);

    /** The subscription ended on the hub's side (shutdown); the sink should close its stream. */
    void closed();
}
