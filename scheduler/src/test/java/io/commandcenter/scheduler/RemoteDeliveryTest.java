package io.commandcenter.scheduler;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.mesh.AgentMessage;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.mesh.SchedulerMesh;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.SchedulerState;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.testing.MutableClock;
import io.commandcenter.scheduler.testing.TestAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Three hubs of one process over one state: hub-d dispatches to agents held by hub-a and hub-b. */
class RemoteDeliveryTest {
    final MutableClock clock = new MutableClock();
    final InMemorySchedulerState state = new InMemorySchedulerState(clock);
    final InMemoryMesh.Network network = new InMemoryMesh.Network(Runnable::run);
    final List<Scheduler> hubs = new ArrayList<>();

    @AfterEach
    void stop() {
        hubs.forEach(Scheduler::close);
    }

    Scheduler hub(String id, SchedulerMesh mesh) {
        return hub(id, state, mesh);
    }

    Scheduler hub(String id, SchedulerState state, SchedulerMesh mesh) {
        Scheduler s = Scheduler.start(SchedulerSettings.defaults(id).withBackground(false), state, mesh, clock);
        hubs.add(s);
        return s;
    }

    @Test
    void anInboxThatCannotBeReached_costsOnlyItsOwnHubsAssignments() {
        Scheduler a = hub("hub-a", new InMemoryMesh(network));
        Scheduler b = hub("hub-b", new InMemoryMesh(network));
        // hub-d's sends to hub-a fail (its inbox topic cannot be reached); hub-b's go through
        Scheduler d = hub("hub-d", new FailingSends(new InMemoryMesh(network), "hub-a"));
        TestAgent onA = TestAgent.connect(a, AgentRegistration.of("agent-a", "devops", 1, "restart"));
        TestAgent onB = TestAgent.connect(b, AgentRegistration.of("agent-b", "devops", 1, "restart"));

        d.submit(TaskSpec.of("p", "devops.restart"));
        d.submit(TaskSpec.of("p", "devops.restart"));
        d.runPending();

        assertThat(onA.received).isEmpty();
        // before: hub-a's failure ended the delivery, and hub-b (after it in order) never heard of its task
        assertThat(onB.received).singleElement()
                .satisfies(w -> assertThat(w.assignment().agentId()).isEqualTo("agent-b"));
    }

    @Test
    void aLocalDecisionWhoseGiveBackFails_costsOnlyItself() {
        Scheduler b = hub("hub-b", new InMemoryMesh(network));
        // hub-d's give-backs meet a pool that cannot be reached (its owner is being replaced)
        Scheduler d = hub("hub-d", new ForwardingSchedulerState(state) {
            @Override
            public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
                if (op instanceof PoolOps.ReturnLease) {
                    throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the pool's owner left", null);
                }
                return super.pool(agentType, config, op);
            }
        }, new InMemoryMesh(network));
        // an agent on hub-d that refuses what it is given: its decision is given back
        d.connect(AgentRegistration.of("agent-d", "devops", 1, "restart"), new AgentListener() {
            @Override
            public void onAssignment(Dispatched work) {
                throw new IllegalStateException("stream full");
            }

            @Override
            public void onRevoked(Revocation revocation) {
            }

            @Override
            public void onClosed(CommandCenterException reason) {
            }
        });
        TestAgent onB = TestAgent.connect(b, AgentRegistration.of("agent-b", "devops", 1, "restart"));

        d.submit(TaskSpec.of("p", "devops.restart"));
        d.submit(TaskSpec.of("p", "devops.restart"));
        d.runPending();

        // before: the failed give-back ended the delivery, and hub-b's agent never heard of its task
        assertThat(onB.received).singleElement()
                .satisfies(w -> assertThat(w.assignment().agentId()).isEqualTo("agent-b"));
    }

    @Test
    void aDecisionFromAnotherHubWhoseGiveBackFails_costsOnlyItself_notTheRestOfItsMessage() {
        // hub-b's give-backs meet a pool that cannot be reached (its owner is being replaced)
        Scheduler b = hub("hub-b", new ForwardingSchedulerState(state) {
            @Override
            public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
                if (op instanceof PoolOps.ReturnLease) {
                    throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the pool's owner left", null);
                }
                return super.pool(agentType, config, op);
            }
        }, new InMemoryMesh(network));
        Scheduler d = hub("hub-d", new InMemoryMesh(network));
        // two agents on hub-b: the first refuses what it is given (its decision is given back), the second takes it
        List<String> refused = new ArrayList<>();
        b.connect(AgentRegistration.of("agent-b1", "devops", 1, "restart"), new AgentListener() {
            @Override
            public void onAssignment(Dispatched work) {
                refused.add(work.assignment().taskId());
                throw new IllegalStateException("stream full");
            }

            @Override
            public void onRevoked(Revocation revocation) {
            }

            @Override
            public void onClosed(CommandCenterException reason) {
            }
        });
        TestAgent onB = TestAgent.connect(b, AgentRegistration.of("agent-b2", "devops", 1, "restart"));

        d.submit(TaskSpec.of("p", "devops.restart"));
        d.submit(TaskSpec.of("p", "devops.restart"));
        d.runPending();

        // both decisions went to hub-b in one message, the refused one first
        assertThat(refused).hasSize(1);
        // before: its failed give-back ended the message, and agent-b2 never heard of its task
        assertThat(onB.received).singleElement()
                .satisfies(w -> assertThat(w.assignment().agentId()).isEqualTo("agent-b2"));
    }

    /** A real in-memory mesh whose sends to one hub fail, as a topic publish does when it cannot be reached. */
    record FailingSends(SchedulerMesh real, String unreachableHub) implements SchedulerMesh {
        @Override
        public void publish(List<SchedulerEvent> events) {
            real.publish(events);
        }

        @Override
        public AutoCloseable subscribeEvents(Consumer<List<SchedulerEvent>> listener) {
            return real.subscribeEvents(listener);
        }

        @Override
        public void send(String hubId, List<AgentMessage> messages) {
            if (hubId.equals(unreachableHub)) {
                throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "inbox of " + hubId + " unreachable", null);
            }
            real.send(hubId, messages);
        }

        @Override
        public AutoCloseable receive(String hubId, Consumer<List<AgentMessage>> listener) {
            return real.receive(hubId, listener);
        }

        @Override
        public AutoCloseable onPeerLost(Consumer<String> listener) {
            return real.onPeerLost(listener);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
