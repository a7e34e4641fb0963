package io.commandcenter.scheduler.capacity;

import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.PredictionCause;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.testing.MutableClock;
import io.commandcenter.scheduler.testing.TestAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spike-anticipation rule at work (seed 4.1): two confident predictions that a service will
 * need restarting make the scheduler hold two devops slots back from routine work, so the
 * remediation tasks, when they come, start at once instead of queueing behind the routine backlog.
 */
class SpikeAnticipationTest {
    static final Capability RESTART = Capability.parse("devops.restart", "capability");

    final MutableClock clock = new MutableClock();
    Scheduler scheduler;
    final List<TestAgent> agents = new ArrayList<>();

    @AfterEach
    void stop() {
        scheduler.close();
    }

    void start(AnticipationRule rule) {
        scheduler = Scheduler.start(SchedulerSettings.defaults("hub").withBackground(false).withAnticipation(rule),
                new InMemorySchedulerState(clock), new InMemoryMesh(new InMemoryMesh.Network(Runnable::run)), clock);
        for (int i = 0; i < 2; i++) {
            agents.add(TestAgent.connect(scheduler, AgentRegistration.of("devops-" + i, "devops", 2, "restart")));
        }
        for (int i = 0; i < 20; i++) {
            scheduler.submit(TaskSpec.of("batch", "devops.restart").withWorkflow("nightly-cleanup"));
        }
    }

    List<Dispatched> received() {
        List<Dispatched> all = new ArrayList<>();
        agents.forEach(a -> all.addAll(a.drain()));
        return all;
    }

    @Test
    void predictedRemediation_findsFreeSlotsWaiting_andStartsWithoutQueueing() {
        start(AnticipationRule.DEFAULT);
        scheduler.anticipate("pred-1", RESTART, 0.95, 0.95, Duration.ofMinutes(10));
        scheduler.anticipate("pred-2", RESTART, 0.9, 0.9, Duration.ofMinutes(10));

        scheduler.runPending();
        List<Dispatched> routine = received();
        int reserved = scheduler.agents("batch", "devops").pools().get(0).reserved();
        clock.advance(Duration.ofSeconds(5));
        Task remediation = scheduler.submit(TaskSpec.of("shop", "devops.restart")
                .withPrediction(new PredictionCause("pred-1", 0.95, 0.95))).task();
        scheduler.runPending();
        List<Dispatched> next = received();

        assertThat(routine).as("routine work leaves 0.95*0.95 + 0.9*0.9 = 1.71 → 2 slots free").hasSize(2);
        assertThat(reserved).isEqualTo(2);
        assertThat(next).singleElement().satisfies(d -> {
            assertThat(d.assignment().taskId()).isEqualTo(remediation.id());
            assertThat(d.assignment().queueDelay()).isZero();
            assertThat(d.assignment().usedReserve()).isTrue();
        });
    }

    @Test
    void withoutAnticipation_theSameRemediationWaitsBehindRoutineWork() {
        start(AnticipationRule.OFF);

        scheduler.runPending();
        List<Dispatched> routine = received();
        scheduler.submit(TaskSpec.of("shop", "devops.restart").withPrediction(new PredictionCause("pred-1", 0.95, 0.95)));
        scheduler.runPending();

        assertThat(routine).hasSize(4);
        assertThat(received()).as("every slot is busy with routine work").isEmpty();
    }

    @Test
    void theReservationEndsWithThePredictionsHorizon() {
        start(AnticipationRule.DEFAULT);
        scheduler.anticipate("pred-1", RESTART, 0.95, 0.95, Duration.ofMinutes(1));
        scheduler.runPending();
        assertThat(received()).hasSize(3);

        clock.advance(Duration.ofMinutes(2));
        scheduler.submit(TaskSpec.of("batch", "devops.restart"));
        scheduler.runPending();

        assertThat(received()).hasSize(1);
    }
}
