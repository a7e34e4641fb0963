package io.commandcenter.hub.events;

import java.lang.System.Logger.Level;
import java.time.Instant;

/**
 * A sink for a consumer inside the hub ({@link EventBus#subscribeEveryProject}): always ready,
 * nothing to close when the bus ends it, and events dropped because it fell behind are logged once
 * per notice as a warning naming what was skipped. Subclasses implement {@link #deliver}.
 */
public abstract class InProcessSink implements EventSink {
    private final System.Logger log = System.getLogger(getClass().getName());
    private final String skipped;

    /** @param skipped what a dropped event means to this consumer, e.g. {@code agent health samples} */
    protected InProcessSink(String skipped) {
        this.skipped = skipped;
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
