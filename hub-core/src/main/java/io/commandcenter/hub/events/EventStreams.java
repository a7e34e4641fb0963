package io.commandcenter.hub.events;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.Authenticator;
import io.commandcenter.hub.security.OpenStreams;
import io.commandcenter.hub.security.Principal;

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
    /** Where streams are registered to end with their key; null: they do not. */
    private final Authenticator keys;
    private final OpenStreams unkeyed = new OpenStreams();

    /** Streams with a heartbeat every second. */
    public EventStreams(EventBus bus, int bufferSize) {
        this(bus, bufferSize, Duration.ofSeconds(1));
    }

    /**
     * @param heartbeat how often a stream whose transport needs one (SSE) is sent a heartbeat, so a
     *                  client that went away is noticed, and its subscription released, this soon
     */
    public EventStreams(EventBus bus, int bufferSize, Duration heartbeat) {
        this(bus, bufferSize, heartbeat, null);
    }

    /**
     * @param keys where each stream is registered to end when its key is revoked or expires
     *             ({@link Authenticator#openStream}); null: streams do not end with their key
     */
    public EventStreams(EventBus bus, int bufferSize, Duration heartbeat, Authenticator keys) {
        this.bus = bus;
        this.bufferSize = bufferSize;
        this.heartbeat = heartbeat;
        this.keys = keys;
    }

    /**
     * Registers a stream of {@code who}, ended through {@code ending} when its key is revoked or expires
     * ({@code KEY_REVOKED}, {@code KEY_EXPIRED}) or its identity provider's token expires ({@code TOKEN_EXPIRED}).
     *
     * @return close it when the stream ends on its own
     * @throws io.commandcenter.common.error.CommandCenterException UNAUTHENTICATED {@code KEY_REVOKED}
     *         when the key was revoked since the request was authenticated
     */
    public OpenStreams.Registration openStream(Principal who, OpenStreams.Ending ending) {
        return keys == null ? unkeyed.open(who.keyId(), null, ending) : keys.openStream(who, ending);
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
