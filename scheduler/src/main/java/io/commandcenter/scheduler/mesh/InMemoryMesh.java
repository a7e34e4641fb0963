package io.commandcenter.scheduler.mesh;

import io.commandcenter.scheduler.events.SchedulerEvent;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The hubs of one process, talking through a shared {@link Network}. Each hub's scheduler gets its
 * own {@code InMemoryMesh} over the network. Deliveries run on the network's executor, in order
 * when it is single-threaded; a direct executor ({@code Runnable::run}) makes them synchronous for
 * deterministic tests.
 */
public final class InMemoryMesh implements SchedulerMesh {
    private static final System.Logger LOG = System.getLogger(InMemoryMesh.class.getName());

    private final Network network;

    /** What the hubs of one process share. */
    public static final class Network {
        private final Executor executor;
        private final CopyOnWriteArrayList<Consumer<List<SchedulerEvent>>> events = new CopyOnWriteArrayList<>();
        private final ConcurrentHashMap<String, CopyOnWriteArrayList<Consumer<List<AgentMessage>>>> inboxes =
                new ConcurrentHashMap<>();
        private final CopyOnWriteArrayList<Consumer<String>> peerListeners = new CopyOnWriteArrayList<>();

        public Network(Executor executor) {
            this.executor = executor;
        }

        /** Tells every hub that a peer left (what a cluster's membership service would do). */
        public void peerLost(String peerId) {
            for (Consumer<String> listener : peerListeners) {
                executor.execute(() -> safely(() -> listener.accept(peerId)));
            }
        }
    }

    public InMemoryMesh(Network network) {
        this.network = network;
    }

    @Override
    public void publish(List<SchedulerEvent> events) {
        List<SchedulerEvent> batch = List.copyOf(events);
        for (Consumer<List<SchedulerEvent>> listener : network.events) {
            network.executor.execute(() -> safely(() -> listener.accept(batch)));
        }
    }

    @Override
    public AutoCloseable subscribeEvents(Consumer<List<SchedulerEvent>> listener) {
        network.events.add(listener);
        return () -> network.events.remove(listener);
    }

    @Override
    public void send(String hubId, List<AgentMessage> messages) {
        List<AgentMessage> batch = List.copyOf(messages);
        for (Consumer<List<AgentMessage>> listener : network.inboxes.getOrDefault(hubId, new CopyOnWriteArrayList<>())) {
            network.executor.execute(() -> safely(() -> listener.accept(batch)));
        }
    }

    @Override
    public AutoCloseable receive(String hubId, Consumer<List<AgentMessage>> listener) {
        network.inboxes.computeIfAbsent(hubId, h -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> network.inboxes.get(hubId).remove(listener);
    }

    @Override
    public AutoCloseable onPeerLost(Consumer<String> listener) {
        network.peerListeners.add(listener);
        return () -> network.peerListeners.remove(listener);
    }

    private static void safely(Runnable runnable) {
        try {
            runnable.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a mesh listener failed", e);
        }
    }

    @Override
    public void close() {
        // the network belongs to whoever made it
    }
}
