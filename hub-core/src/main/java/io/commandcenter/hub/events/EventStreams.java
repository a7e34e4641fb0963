package io.commandcenter.hub.events;

import io.commandcenter.hub.project.ProjectId;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Live event streams for outside subscribers (SSE, a console): a subscription to one project's
 * events with the hub's buffer size, so every transport gives a subscriber the same room.
 */
public final class EventStreams {
    private final EventBus bus;
    private final int bufferSize;
    private final Duration heartbeat;

    /** Streams with a heartbeat every second. */
    public EventStreams(EventBus bus, int bufferSize) {
        this(bus, bufferSize, Duration.ofSeconds(1));
    }

    /**
     * @param heartbeat how often a stream whose transport needs one (SSE) is sent a heartbeat, so a
     *                  client that went away is noticed, and its subscription released, this soon
     */
    public EventStreams(EventBus bus, int bufferSize, Duration heartbeat) {
        this.bus = bus;
        this.bufferSize = bufferSize;
        this.heartbeat = heartbeat;
    }

    /** How often a stream is sent a heartbeat. */
    public Duration heartbeat() {
        return heartbeat;
    }

    /**
     * Subscribes {@code sink} to the project's events matching {@code pattern}, delivered on
     * {@code executor}.
     *
     * @throws io.commandcenter.common.error.CommandCenterException EXHAUSTED when the hub has as many
     *         subscribers as it allows; UNAVAILABLE when it is shutting down
     */
    public Subscription subscribe(ProjectId project, SubjectPattern pattern, EventSink sink, Executor executor) {
        return bus.subscribe(project, pattern, bufferSize, sink, executor);
    }
}
