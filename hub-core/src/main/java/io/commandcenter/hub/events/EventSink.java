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
