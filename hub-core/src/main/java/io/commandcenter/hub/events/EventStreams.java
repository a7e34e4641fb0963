package io.commandcenter.hub.events;

import io.commandcenter.hub.project.ProjectId;

import java.util.concurrent.Executor;

/**
 * Live event streams for outside subscribers (SSE, a console): a subscription to one project's
 * events with the hub's buffer size, so every transport gives a subscriber the same room.
 */
public final class EventStreams {
    private final EventBus bus;
    private final int bufferSize;

    public EventStreams(EventBus bus, int bufferSize) {
        this.bus = bus;
        this.bufferSize = bufferSize;
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
