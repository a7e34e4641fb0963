package io.commandcenter.scheduler;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.state.ForwardingSchedulerState;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SchedulerStartTest {

    @Test
    void aStartThatFails_leavesNoThreadRunning() {
        // the state answers the subscriptions' set-up but not the pools' listing (a cluster not reachable yet)
        ForwardingSchedulerState unreachable = new ForwardingSchedulerState(new InMemorySchedulerState(Clock.systemUTC())) {
            @Override
            public Set<String> agentTypes() {
                throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "no member answers", null);
            }
        };

        assertThatThrownBy(() -> Scheduler.start(SchedulerSettings.defaults("hub-failing"), unreachable,
                new InMemoryMesh(new InMemoryMesh.Network(Runnable::run)), Clock.systemUTC()))
                .isInstanceOf(CommandCenterException.class).hasMessageContaining("no member answers");

        // before: its dispatch, event and maintenance threads ran on, and the mesh still delivered to it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.isAlive() && t.getName().endsWith("-hub-failing")).isEmpty());
    }
}
