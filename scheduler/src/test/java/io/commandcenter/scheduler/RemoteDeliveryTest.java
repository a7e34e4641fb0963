package io.commandcenter.scheduler;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.mesh.AgentMessage;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.mesh.SchedulerMesh;
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
