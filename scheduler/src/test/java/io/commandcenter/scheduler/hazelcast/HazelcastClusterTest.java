package io.commandcenter.scheduler.hazelcast;

import io.commandcenter.scheduler.AgentConnection;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;
import io.commandcenter.scheduler.testing.EventLog;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hubs on a real Hazelcast cluster on loopback, each scheduler running on its own threads with
 * the real clock: work crosses hubs, and a member killed mid-work loses nothing and runs nothing
 * twice.
 */
class HazelcastClusterTest {
    final List<HazelcastCluster> instances = new ArrayList<>();
    final List<Scheduler> hubs = new ArrayList<>();
    final ScheduledExecutorService workers = Executors.newScheduledThreadPool(4);

    @AfterEach
    void stop() {
        closeAll(hubs);
        workers.shutdownNow();
        instances.forEach(i -> i.instance().getLifecycleService().terminate());
    }

    /** Closes every hub, also those whose member is gone already. */
    static void closeAll(List<Scheduler> hubs) {
        hubs.forEach(h -> {
            try {
                h.close();
            } catch (RuntimeException ignored) {
                // its member is gone
            }
        });
    }

    /** Three members (hub-a, hub-b, hub-c) listing each other one by one; {@code clients}: they accept clients. */
    List<HazelcastCluster> members(String cluster, boolean clients) {
        List<Integer> ports = List.of(Ports.free(), Ports.free(), Ports.free());
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        List<HazelcastCluster> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HazelcastCluster member = HazelcastCluster.start(HazelcastSettings.embedded("hub-" + "abc".charAt(i),
                    "127.0.0.1", ports.get(i), addresses).withClusterName(cluster).withPartitionCount(31)
                    .withClients(clients));
            instances.add(member);
            members.add(member);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> members.get(0).memberCount() == 3);
        return members;
    }

    Scheduler scheduler(String hubId, HazelcastCluster on, Duration lease) {
        Scheduler s = Scheduler.start(SchedulerSettings.defaults(hubId).withLease(lease)
                .withSweepInterval(Duration.ofMillis(200)), on.state(), on.mesh(), Clock.systemUTC());
        hubs.add(s);
        return s;
    }

    /** An agent that runs each task for a while, then reports success; it can die mid-work. */
    final class WorkingAgent implements AgentListener {
        final Map<String, List<String>> executions;
        final String name;
        final long millis;
        final AtomicInteger running = new AtomicInteger();
        final List<String> refused = new CopyOnWriteArrayList<>();
        final Set<LeaseRef> revoked = ConcurrentHashMap.newKeySet();
        volatile boolean dead;
        AgentConnection connection;

        WorkingAgent(String name, long millis, Map<String, List<String>> executions) {
            this.name = name;
            this.millis = millis;
            this.executions = executions;
        }

        @Override
        public void onAssignment(Dispatched work) {
            workers.schedule(() -> {
                running.incrementAndGet();
                try {
                    LeaseRef lease = new LeaseRef(work.assignment().taskId(), work.assignment().fencingToken());
                    if (dead || revoked.contains(lease)) {
                        return;
                    }
                    executions.computeIfAbsent(work.assignment().taskId(), t -> new CopyOnWriteArrayList<>())
                            .add(name);
                    connection.complete(work.assignment().taskId(), work.assignment().fencingToken(),
                            TaskOutcome.SUCCEEDED, "", "", false);
                } catch (CommandCenterException e) {
                    refused.add(work.assignment().taskId() + ":" + e.reason());
                } finally {
                    running.decrementAndGet();
                }
            }, millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onRevoked(Revocation revocation) {
        }

        @Override
        public void onClosed(CommandCenterException reason) {
        }
    }

    WorkingAgent agent(Scheduler hub, String name, int capacity, long millis, Map<String, List<String>> executions) {
        WorkingAgent agent = new WorkingAgent(name, millis, executions);
        agent.connection = hub.connect(AgentRegistration.of(name, "devops", capacity, "restart"), agent);
        // like a real agent, it keeps the leases it holds alive (a loaded machine may start a task late)
        long every = agent.connection.heartbeatInterval().toMillis();
        workers.scheduleWithFixedDelay(() -> {
            if (agent.dead) {
                return;
            }
            try {
                agent.connection.heartbeat().forEach(r -> agent.revoked.add(r.lease()));
            } catch (RuntimeException e) {
                // its hub's member is gone; the leases expire into the queue
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return agent;
    }

    @Test
    void aTaskSubmittedOnHubA_runsOnTheAgentConnectedToHubC_alsoFromAHubThatJoinedAsAClient() {
        List<HazelcastCluster> members = members("cluster-" + UUID.randomUUID(), true);
        HazelcastCluster client = HazelcastCluster.start(HazelcastSettings.client("hub-d",
                List.of(members.get(0).settings().host() + ":" + members.get(0).settings().port()))
                .withClusterName(members.get(0).settings().clusterName()));
        instances.add(client);
        Scheduler a = scheduler("hub-a", members.get(0), Duration.ofSeconds(30));
        scheduler("hub-b", members.get(1), Duration.ofSeconds(30));
        Scheduler c = scheduler("hub-c", members.get(2), Duration.ofSeconds(30));
        Scheduler d = scheduler("hub-d", client, Duration.ofSeconds(30));
        EventLog onB = new EventLog();
        hubs.get(1).subscribe(onB);
        Map<String, List<String>> executions = new ConcurrentHashMap<>();
        agent(c, "only-agent", 2, 1, executions);

        Task fromA = a.submit(TaskSpec.of("payments", "devops.restart")).task();
        Task fromD = d.submit(TaskSpec.of("payments", "devops.restart")).task();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(a.get("payments", fromA.id()).state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(d.get("payments", fromD.id()).state()).isEqualTo(TaskState.SUCCEEDED);
        });
        assertThat(executions).containsOnlyKeys(fromA.id(), fromD.id())
                .allSatisfy((task, by) -> assertThat(by).containsExactly("only-agent"));
        assertThat(a.get("payments", fromA.id()).assignment().agentHub()).isEqualTo("hub-c");
        // a subscriber on hub B sees both decisions, whichever hub made them
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(onB.assignments())
                .extracting(e -> e.assignment().taskId()).contains(fromA.id(), fromD.id()));
        assertThat(onB.assignments()).extracting(e -> e.assignment().decidedByHub())
                .isSubsetOf("hub-a", "hub-b", "hub-c", "hub-d");
    }

    @Test
    void killingTheMemberThatOwnsTheQueue_whileTasksAreQueuedAndLeased_losesNothing_runsNothingTwice() {
        List<HazelcastCluster> members = members("cluster-" + UUID.randomUUID(), false);
        Duration lease = Duration.ofSeconds(2);
        Scheduler[] schedulers = {scheduler("hub-a", members.get(0), lease), scheduler("hub-b", members.get(1), lease),
                scheduler("hub-c", members.get(2), lease)};
        Map<String, List<String>> executions = new ConcurrentHashMap<>();
        List<List<WorkingAgent>> agentsByHub = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            List<WorkingAgent> agents = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                agents.add(agent(schedulers[h], "agent-" + h + "-" + i, 2, 50, executions));
            }
            agentsByHub.add(agents);
        }
        // the member owning the pool of agent type "devops" holds the queue and the leases
        var owner = members.get(0).instance().getPartitionService().getPartition("devops").getOwner();
        int victim = -1;
        for (int h = 0; h < 3; h++) {
            if (members.get(h).instance().getCluster().getLocalMember().equals(owner)) {
                victim = h;
            }
        }
        assertThat(victim).as("a member owns the pool").isNotNegative();
        int doomed = victim;
        int submitter = (victim + 1) % 3;
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 360; i++) {
            submitted.add(schedulers[(victim + 1 + i % 2) % 3].submit(TaskSpec.of("p" + i % 3, "devops.restart"))
                    .task().id());
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> executions.size() >= 40);

        // the dead member's agents stop at a clean point: whatever they ran has been reported
        agentsByHub.get(victim).forEach(a -> a.dead = true);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> agentsByHub.get(doomed).stream().allMatch(a -> a.running.get() == 0));
        AtomicInteger doneBeforeKill = new AtomicInteger(executions.size());
        members.get(victim).instance().getLifecycleService().terminate();
        long killedAt = System.nanoTime();

        Scheduler survivor = schedulers[submitter];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (String id : submitted) {
                assertThat(survivor.get("p" + submitted.indexOf(id) % 3, id).state()).as(id)
                        .isEqualTo(TaskState.SUCCEEDED);
            }
        });
        long resumedMillis = (System.nanoTime() - killedAt) / 1_000_000;

        assertThat(doneBeforeKill.get()).as("work left at the kill").isLessThan(submitted.size());
        assertThat(executions.keySet()).as("nothing lost").containsExactlyInAnyOrderElementsOf(submitted);
        assertThat(executions).allSatisfy((task, by) -> assertThat(by).as("executions of %s", task).hasSize(1));
        assertThat(submitted).as("leases the dead member's agents held were run again by survivors")
                .anySatisfy(id -> {
                    Task t = survivor.get("p" + submitted.indexOf(id) % 3, id);
                    assertThat(t.attempt()).isGreaterThan(1);
                    assertThat(t.result().agentId()).doesNotStartWith("agent-" + doomed + "-");
                });
        System.out.printf("cluster kill: %d of %d tasks done before the kill, all done %d ms after it%n",
                doneBeforeKill.get(), submitted.size(), resumedMillis);
    }
}
