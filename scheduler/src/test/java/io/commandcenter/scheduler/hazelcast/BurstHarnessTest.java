package io.commandcenter.scheduler.hazelcast;

import io.commandcenter.scheduler.BuiltInAgent;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.PredictionCause;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.testing.Ports;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reproduction harness, run by hand ({@code -Dcc.burst.rounds=N}, optionally {@code cc.burst.size},
 * {@code cc.burst.lease} and {@code cc.burst.wait} in ms): the remediation benchmark's scheduler-only
 * path on one embedded member — bursts of probes, each a restart (exclusive target) then, on its
 * SUCCEEDED event, a notification — counting the probes not finished in time, dumping their tasks
 * (state, lease, result, runs, events heard), and failing when any was lost. A short lease means
 * frequent heartbeats, which is what made a task's event go missing before the fix (guide 14.14).
 */
@EnabledIfSystemProperty(named = "cc.burst.rounds", matches = "\\d+")
class BurstHarnessTest {

    static final class Probe {
        final String target;
        volatile String restartTask;
        volatile String notifyTask;
        volatile boolean done;

        Probe(String target) {
            this.target = target;
        }
    }

    @Test
    void bursts() {
        int rounds = Integer.getInteger("cc.burst.rounds");
        int burst = Integer.getInteger("cc.burst.size", 1000);
        long waitMillis = Long.getLong("cc.burst.wait", 20_000);
        HazelcastCluster member = HazelcastCluster.start(HazelcastSettings.embedded("hub-local", "127.0.0.1",
                Ports.free(), List.of()).withClusterName("burst-" + UUID.randomUUID()));
        ExecutorService lanes = Executors.newFixedThreadPool(4);
        ExecutorService devopsThreads = Executors.newFixedThreadPool(4);
        ExecutorService notifierThreads = Executors.newFixedThreadPool(4);
        Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub-local").withLease(
                Duration.ofMillis(Long.getLong("cc.burst.lease", 30_000))), member.state(), member.mesh(),
                Clock.systemUTC());
        Map<String, Probe> probes = new ConcurrentHashMap<>();
        Map<String, List<String>> events = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        try {
            BuiltInAgent.Action action = work -> {
                runs.computeIfAbsent(work.assignment().taskId(), t -> new AtomicInteger()).incrementAndGet();
                return "";
            };
            BuiltInAgent devops = BuiltInAgent.start(scheduler, new AgentRegistration("devops:hub-local", "devops",
                    Set.of("restart"), Map.of(), 4, Set.of(AgentRegistration.ALL_PROJECTS),
                    AgentRegistration.HUB_OWNER), action, devopsThreads);
            BuiltInAgent notifier = BuiltInAgent.start(scheduler, new AgentRegistration("notifier:hub-local",
                    "notifier", Set.of("sendSlack"), Map.of(), 4, Set.of(AgentRegistration.ALL_PROJECTS),
                    AgentRegistration.HUB_OWNER), action, notifierThreads);
            scheduler.subscribe(event -> {
                if (!(event instanceof SchedulerEvent.TaskChanged changed)) {
                    return;
                }
                Task task = changed.task();
                events.computeIfAbsent(task.id(), t -> new CopyOnWriteArrayList<>()).add(task.state() + "/"
                        + changed.change());
                if (!task.state().isTerminal()) {
                    return;
                }
                Probe p = probes.get(task.spec().target().id());
                if (p == null) {
                    return;
                }
                if ("restart_service".equals(task.spec().nodeId())) {
                    lanes.execute(() -> p.notifyTask = submit(scheduler, p, task.spec().workflowRunId(), "notify"));
                } else {
                    p.done = true;
                }
            });
            int lostTotal = 0;
            for (int r = 0; r < rounds; r++) {
                List<Probe> ps = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    Probe p = new Probe("r" + r + "-" + i);
                    probes.put(p.target, p);
                    ps.add(p);
                }
                long t0 = System.nanoTime();
                for (Probe p : ps) {
                    p.restartTask = submit(scheduler, p, "base-" + UUID.randomUUID(), "restart_service");
                }
                try {
                    await().atMost(Duration.ofMillis(waitMillis)).pollInterval(Duration.ofMillis(5))
                            .until(() -> ps.stream().allMatch(p -> p.done));
                } catch (ConditionTimeoutException e) {
                    // the probes not done are counted and shown below
                }
                List<Probe> lost = ps.stream().filter(p -> !p.done).toList();
                lostTotal += lost.size();
                System.out.printf("round %d: %d probes in %.2f s, lost %d%n", r, burst,
                        (System.nanoTime() - t0) / 1e9, lost.size());
                for (Probe p : lost) {
                    for (String id : new String[]{p.restartTask, p.notifyTask}) {
                        if (id == null) {
                            System.out.println("  " + p.target + ": no task id");
                            continue;
                        }
                        Task t = scheduler.get("bench", id);
                        System.out.println("  " + p.target + " " + t.spec().nodeId() + " " + id + ": " + t.state()
                                + " reason=" + t.stateReason() + " attempt=" + t.attempt() + " lease="
                                + (t.assignment() == null ? null : t.assignment().agentId() + "#"
                                + t.assignment().fencingToken() + " until " + t.assignment().leaseExpiresAt())
                                + " result=" + t.result() + " runs=" + runs.get(id) + " events=" + events.get(id));
                    }
                }
            }
            System.out.println("lost in all: " + lostTotal);
            assertThat(lostTotal).isZero();
            devops.close();
            notifier.close();
        } finally {
            scheduler.close();
            lanes.shutdownNow();
            devopsThreads.shutdownNow();
            notifierThreads.shutdownNow();
            member.instance().getLifecycleService().terminate();
        }
    }

    static String submit(Scheduler scheduler, Probe p, String runId, String node) {
        boolean restart = "restart_service".equals(node);
        TaskSpec spec = new TaskSpec("bench", restart ? new Capability("devops", "restart")
                : new Capability("notifier", "sendSlack"), "wf", runId, node, "{\"service\":\"" + p.target + "\"}",
                1.0, 5, new PredictionCause(UUID.randomUUID().toString(), 0.93, 0.95),
                new TargetRef("service", p.target), restart, runId + ":" + node + ":1", Map.of(), Placement.DEFAULT,
                1);
        return scheduler.submit(spec).task().id();
    }
}
