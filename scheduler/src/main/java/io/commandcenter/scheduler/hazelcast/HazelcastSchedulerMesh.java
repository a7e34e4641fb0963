package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.mesh.AgentMessage;
import io.commandcenter.scheduler.mesh.SchedulerMesh;
import io.commandcenter.scheduler.wire.Wire;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The hubs of a Hazelcast cluster talking: events on one topic ({@value Configs#EVENTS}) that every
 * hub subscribes to, so a subscriber on any hub sees every hub's decisions; agent messages on one
 * inbox topic per hub; peer loss from the membership service (members) and the client service
 * (clients connected to this member). Messages are encoded batches ({@code byte[]}).
 */
public final class HazelcastSchedulerMesh implements SchedulerMesh {
    private static final System.Logger LOG = System.getLogger(HazelcastSchedulerMesh.class.getName());

    private final HazelcastInstance instance;
    private final ITopic<byte[]> events;

    public HazelcastSchedulerMesh(HazelcastInstance instance) {
        this.instance = instance;
        this.events = instance.getTopic(Configs.EVENTS);
    }

    @Override
    public void publish(List<SchedulerEvent> batch) {
        byte[] bytes = Wire.encode(out -> out.list(batch, SchedulerEvent::write));
        HazelcastSchedulerState.call(() -> {
            events.publish(bytes);
            return null;
        });
    }

    @Override
    public AutoCloseable subscribeEvents(Consumer<List<SchedulerEvent>> listener) {
        UUID id = events.addMessageListener(m -> safely(() -> listener.accept(
                Wire.decode(m.getMessageObject(), in -> in.list(SchedulerEvent::read)))));
        return () -> events.removeMessageListener(id);
    }

    @Override
    public void send(String hubId, List<AgentMessage> messages) {
        byte[] bytes = Wire.encode(out -> out.list(messages, AgentMessage::write));
        HazelcastSchedulerState.call(() -> {
            instance.<byte[]>getTopic(Configs.INBOX_PREFIX + hubId).publish(bytes);
            return null;
        });
    }

    @Override
    public AutoCloseable receive(String hubId, Consumer<List<AgentMessage>> listener) {
        ITopic<byte[]> inbox = instance.getTopic(Configs.INBOX_PREFIX + hubId);
        UUID id = inbox.addMessageListener(m -> safely(() -> listener.accept(
                Wire.decode(m.getMessageObject(), in -> in.list(AgentMessage::read)))));
        return () -> inbox.removeMessageListener(id);
    }

    @Override
    public AutoCloseable onPeerLost(Consumer<String> listener) {
        UUID members = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                safely(() -> listener.accept(event.getMember().getUuid().toString()));
            }
        });
        UUID clients = null;
        try {
            clients = instance.getClientService().addClientListener(new ClientListener() {
                @Override
                public void clientConnected(Client client) {
                }

                @Override
                public void clientDisconnected(Client client) {
                    safely(() -> listener.accept(client.getUuid().toString()));
                }
            });
        } catch (UnsupportedOperationException e) {
            // a client instance has no client service: members report clients that leave
        }
        UUID clientsId = clients;
        return () -> {
            instance.getCluster().removeMembershipListener(members);
            if (clientsId != null) {
                instance.getClientService().removeClientListener(clientsId);
            }
        };
    }

    private static void safely(Runnable runnable) {
        try {
            runnable.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a scheduler mesh listener failed", e);
        }
    }

    /** Nothing to close: the instance belongs to {@link HazelcastCluster}. */
    @Override
    public void close() {
    }
}
