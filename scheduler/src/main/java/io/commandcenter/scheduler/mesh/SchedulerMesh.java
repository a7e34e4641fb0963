package io.commandcenter.scheduler.mesh;

import io.commandcenter.scheduler.events.SchedulerEvent;

import java.util.List;
import java.util.function.Consumer;

/**
 * How the hubs of a cluster talk: events to all of them, agent messages to one of them, and news
 * of a member that left. Implementations: {@code InMemoryMesh} (hubs of one process) and
 * {@code HazelcastSchedulerMesh} (topics of the cluster).
 *
 * <p>Delivery is best effort and unacknowledged: a message to a hub that dies is lost. The
 * scheduler never depends on it for correctness — an undelivered assignment's lease expires and
 * its task is queued again — only for speed.
 */
public interface SchedulerMesh extends AutoCloseable {

    /** Publishes events to every hub, this one included. Never blocks on slow subscribers. */
    void publish(List<SchedulerEvent> events);

    /** Receives every hub's events, in batches as published. */
    AutoCloseable subscribeEvents(Consumer<List<SchedulerEvent>> listener);

    /** Sends messages to the agents of one hub. */
    void send(String hubId, List<AgentMessage> messages);

    /** Receives the messages sent to this hub's agents. */
    AutoCloseable receive(String hubId, Consumer<List<AgentMessage>> listener);

    /** Hears of cluster peers (ids as {@code SchedulerState.peerId()}) that left. */
    AutoCloseable onPeerLost(Consumer<String> listener);

    @Override
    void close();
}
