package io.commandcenter.hub.events;

import java.lang.System.Logger.Level;
import java.time.Instant;

/**
 * A sink for a consumer inside the hub ({@link EventBus#subscribeEveryProject}): always ready,
 * nothing to close when the bus ends it, and events dropped because it fell behind are logged once
 * per notice as a warning naming what was skipped. An event the consumer fails to handle is logged
 * and the consumer keeps its subscription (the bus ends a sink that throws, and nothing inside the
 * hub would subscribe again: one bad event would silence the consumer until a restart). Subclasses
 * implement {@link #handle}.
 */
public abstract class InProcessSink implements EventSink {
    private final System.Logger log = System.getLogger(getClass().getName());
    private final String skipped;

    /** @param skipped what a dropped event means to this consumer, e.g. {@code agent health samples} */
    protected InProcessSink(String skipped) {
        this.skipped = skipped;
    }

    /** What the consumer does with one event; a throw is logged and {@link #failed counted}, never fatal. */
    protected abstract void handle(Event event);

    @Override
    public final void deliver(Event event) {
        try {
            handle(event);
        } catch (RuntimeException e) {
            failed(event, e);
            log.log(Level.ERROR, "event " + event.id() + " on " + event.subject() + " could not be handled", e);
        }
    }

    /** Called when {@link #handle} threw for an event (counting it, say); by default nothing more than the log. */
    protected void failed(Event event, RuntimeException e) {
    }

    @Override
    public final boolean isReady() {
        return true;
    }

    @Override
    public void dropped(long count, long total, Instant since) {
        log.log(Level.WARNING, "{0} {1} skipped since {2}: the feed fell behind", count, skipped, since);
    }

    @Override
    public void closed() {
    }
}
