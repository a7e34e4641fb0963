package io.commandcenter.hub.runtime;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.metrics.HubMetrics;
import io.commandcenter.hub.metrics.MetricRegistry;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.scheduler.AgentConnection;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler's families of {@code /metrics} over a real scheduler on a hand-moved clock: queue depth
 * by project and agent type, agents by type and state, and lease expiries counted apart from the other
 * requeues (guide section 21.1).
 */
class SchedulerMetricsTest {
    /** An agent that takes work and answers only when told to. */
    static final class QuietAgent implements AgentListener {
        final List<Dispatched> work = new CopyOnWriteArrayList<>();
        AgentConnection connection;

        @Override
        public void onAssignment(Dispatched d) {
            work.add(d);
        }

        @Override
        public void onRevoked(Revocation revocation) {
        }

        @Override
        public void onClosed(CommandCenterException reason) {
        }
    }

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
    final ExecutorService network = Executors.newSingleThreadExecutor();
    final Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub-m").withBackground(false)
                    .withLease(Duration.ofSeconds(30)), new InMemorySchedulerState(clock),
            new InMemoryMesh(new InMemoryMesh.Network(network)), clock);
    final MetricRegistry registry = new MetricRegistry();
    final HubMetrics domain = new HubMetrics(registry);
    AutoCloseable subscription;

    @AfterEach
    void stop() throws Exception {
        if (subscription != null) {
            subscription.close();
        }
        scheduler.close();
        network.shutdownNow();
        network.awaitTermination(5, TimeUnit.SECONDS);
    }

    Map<String, Double> scrape() {
        Map<String, Double> out = new TreeMap<>();
        for (String l : registry.scrape().split("\n")) {
            if (!l.startsWith("#") && !l.isEmpty()) {
                int space = l.lastIndexOf(' ');
                out.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
            }
        }
        return out;
    }

    @Test
    void queueDepthIsByProjectAndAgentType_agentsByTypeAndState_andOnlyExpiredLeasesCountAsExpiries() {
        subscription = PlatformMetrics.scheduler(registry, domain, scheduler, ProjectId.of("default"), "hub-m");
        QuietAgent agent = new QuietAgent();
        agent.connection = scheduler.connect(AgentRegistration.of("quiet-1", "devops", 2, "restart"), agent);
        scheduler.submit(TaskSpec.of("alpha", "devops.restart"));
        scheduler.submit(TaskSpec.of("alpha", "devops.restart"));
        scheduler.submit(TaskSpec.of("alpha", "devops.restart").withMaxAttempts(1));
        scheduler.submit(TaskSpec.of("beta", "devops.restart"));

        Map<String, Double> queued = scrape();
        assertThat(queued).containsEntry("cc_scheduler_queue_tasks{project=\"alpha\",agent_type=\"devops\"}", 3.0)
                .containsEntry("cc_scheduler_queue_tasks{project=\"beta\",agent_type=\"devops\"}", 1.0)
                // a project the hub knows with nothing queued is a zero, not a missing series
                .containsEntry("cc_scheduler_queue_tasks{project=\"default\",agent_type=\"devops\"}", 0.0)
                // and its counters exist at 0 before its first lease, for PromQL's increase()
                .containsEntry("cc_scheduler_assignments_total{project=\"default\",agent_type=\"devops\"}", 0.0)
                .containsEntry("cc_scheduler_lease_expiries_total{project=\"default\",agent_type=\"devops\"}", 0.0)
                .containsEntry("cc_scheduler_agents{agent_type=\"devops\",state=\"connected\"}", 1.0)
                .containsEntry("cc_scheduler_agents{agent_type=\"devops\",state=\"disconnected\"}", 0.0);

        // the agent takes two tasks (its capacity); it fails one retryably: a requeue, not an expiry
        scheduler.runPending();
        await().atMost(10, TimeUnit.SECONDS).until(() -> agent.work.size() == 2);
        Dispatched failed = agent.work.stream().filter(d -> d.spec().maxAttempts() > 1).findFirst().orElseThrow();
        agent.connection.complete(failed.assignment().taskId(), failed.assignment().fencingToken(),
                TaskOutcome.FAILED, "", "busy", true);
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(scrape())
                .containsEntry("cc_scheduler_task_changes_total{project=\"" + failed.spec().project()
                        + "\",change=\"requeued\"}", 1.0)
                .containsEntry("cc_scheduler_lease_expiries_total{project=\"alpha\",agent_type=\"devops\"}", 0.0));
        scheduler.runPending();
        await().atMost(10, TimeUnit.SECONDS).until(() -> agent.work.size() == 3);

        // the agent falls silent: the hub's sweeps (each second) end its two leases once they ran out
        for (int second = 0; second < 31; second++) {
            clock.advance(Duration.ofSeconds(1));
            scheduler.sweep();
        }
        List<Dispatched> held = agent.work.stream().filter(d -> d != failed).toList();
        Map<String, Long> expiredByProject = new TreeMap<>();
        held.forEach(d -> expiredByProject.merge(d.spec().project(), 1L, Long::sum));
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            Map<String, Double> s = scrape();
            expiredByProject.forEach((project, n) -> assertThat(s).containsEntry(
                    "cc_scheduler_lease_expiries_total{project=\"" + project + "\",agent_type=\"devops\"}",
                    (double) n));
            assertThat(s.entrySet().stream().filter(e -> e.getKey().startsWith("cc_scheduler_lease_expiries_total"))
                    .mapToDouble(Map.Entry::getValue).sum()).isEqualTo(2.0);
        });
        // every task not finished is queued again (the one with a single attempt failed instead)
        Map<String, Double> after = scrape();
        double queuedNow = after.entrySet().stream().filter(e -> e.getKey().startsWith("cc_scheduler_queue_tasks"))
                .mapToDouble(Map.Entry::getValue).sum();
        long singleAttemptHeld = held.stream().filter(d -> d.spec().maxAttempts() == 1).count();
        assertThat(queuedNow).isEqualTo(4.0 - singleAttemptHeld);
    }
}
