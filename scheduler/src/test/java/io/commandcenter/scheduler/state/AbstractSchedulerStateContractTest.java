package io.commandcenter.scheduler.state;

import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.Enqueued;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.targets.GateOp;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.testing.Backend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link SchedulerState} port itself: atomicity under concurrency from several hubs, the
 * gates, the keys, the weights. Run against the in-memory state and a Hazelcast cluster.
 */
public abstract class AbstractSchedulerStateContractTest {
    static final PoolConfig CONFIG = PoolConfig.DEFAULT;
    static final long NOW = 1_000_000;

    protected abstract Backend backend();

    @BeforeEach
    void clean() {
        backend().reset();
    }

    @Test
    void concurrentEnqueuesAndDispatchesFromTwoHubs_assignEveryTaskExactlyOnce_withUniqueTokens() throws Exception {
        SchedulerState a = backend().state(0);
        SchedulerState b = backend().state(1);
        a.pool("devops", CONFIG, new PoolOps.Register(AgentRegistration.of("big", "devops", 1024, "restart"), "hub-0",
                a.peerId(), "s-1", NOW));
        List<Dispatched> assigned = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            SchedulerState s = t % 2 == 0 ? a : b;
            int thread = t;
            futures.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 100; i++) {
                    s.pool("devops", CONFIG, new PoolOps.Enqueue("t-" + thread + "-" + i,
                            TaskSpec.of("p" + i % 3, "devops.restart"), "hub-0", 1, 1, false, NOW));
                }
                return null;
            }));
        }
        for (int t = 0; t < 2; t++) {
            SchedulerState s = t == 0 ? a : b;
            int thread = t;
            futures.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 300; i++) {
                    assigned.addAll(s.pool("devops", CONFIG, new PoolOps.Dispatch("d-" + thread + "-" + i,
                            "hub-" + thread, 8, NOW)));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assigned.addAll(a.pool("devops", CONFIG, new PoolOps.Dispatch("d-last", "hub-0", 1000, NOW)));

        Set<String> tasks = ConcurrentHashMap.newKeySet();
        Set<Long> tokens = ConcurrentHashMap.newKeySet();
        for (Dispatched d : assigned) {
            assertThat(tasks.add(d.assignment().taskId())).as("assigned once: %s", d.assignment().taskId()).isTrue();
            assertThat(tokens.add(d.assignment().fencingToken())).isTrue();
        }
        assertThat(tasks).hasSize(400);
    }

    @Test
    void aRetriedDispatch_returnsTheSameDecisions_insteadOfMakingNewOnes() {
        SchedulerState s = backend().state(0);
        s.pool("devops", CONFIG, new PoolOps.Register(AgentRegistration.of("a", "devops", 10, "restart"), "hub-0",
                s.peerId(), "s-1", NOW));
        for (int i = 0; i < 5; i++) {
            s.pool("devops", CONFIG, new PoolOps.Enqueue("t-" + i, TaskSpec.of("p", "devops.restart"), "hub-0", 1, 1,
                    false, NOW));
        }

        List<Dispatched> first = s.pool("devops", CONFIG, new PoolOps.Dispatch("d-1", "hub-0", 2, NOW));
        List<Dispatched> retried = s.pool("devops", CONFIG, new PoolOps.Dispatch("d-1", "hub-0", 2, NOW));
        List<Dispatched> next = s.pool("devops", CONFIG, new PoolOps.Dispatch("d-2", "hub-0", 2, NOW));

        assertThat(retried).isEqualTo(first);
        assertThat(next).hasSize(2).doesNotContainAnyElementsOf(first);
    }

    @Test
    void anOperationOnAPoolThatDoesNotExist_answersAbsent_andCreatesNothing() {
        SchedulerState s = backend().state(1);

        assertThat(s.pool("ghost", CONFIG, new PoolOps.Dispatch("d", "hub-1", 5, NOW))).isEmpty();
        assertThat(s.pool("ghost", CONFIG, new PoolOps.GetTask("p", "t-1"))).isNull();
        assertThat(s.agentTypes()).doesNotContain("ghost");
    }

    @Test
    void manyHubsReservingOneKeyAtOnce_exactlyOneWins() throws Exception {
        List<IdempotencyRecord> winners = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            SchedulerState s = backend().state(t % 2);
            IdempotencyRecord mine = new IdempotencyRecord("t-" + t, "devops", "f", false);
            futures.add(pool.submit(() -> {
                go.await();
                if (s.reserveKey("p\u0000k", mine, 60_000) == null) {
                    winners.add(mine);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(winners).hasSize(1);
        assertThat(backend().state(1).reserveKey("p\u0000k", new IdempotencyRecord("x", "devops", "f", false), 60_000))
                .isEqualTo(winners.get(0));
    }

    @Test
    void aTargetGate_hasOneHolder_handsOverInArrivalOrder_andIsDeletedWhenEmpty() {
        SchedulerState a = backend().state(0);
        SchedulerState b = backend().state(1);

        assertThat(a.gate("p/service/api", new GateOp(GateOp.Kind.ACQUIRE, "t-1", "devops")).acquired()).isTrue();
        assertThat(b.gate("p/service/api", new GateOp(GateOp.Kind.ACQUIRE, "t-2", "k8s")).acquired()).isFalse();
        assertThat(a.gate("p/service/api", new GateOp(GateOp.Kind.ACQUIRE, "t-3", "devops")).acquired()).isFalse();
        assertThat(b.gate("p/service/api", new GateOp(GateOp.Kind.ACQUIRE, "t-2", "k8s")).acquired())
                .as("asking again changes nothing").isFalse();

        var next = b.gate("p/service/api", new GateOp(GateOp.Kind.RELEASE, "t-1", "devops")).nextHolder();
        var again = a.gate("p/service/api", new GateOp(GateOp.Kind.RELEASE, "t-1", "devops")).nextHolder();
        var last = a.gate("p/service/api", new GateOp(GateOp.Kind.RELEASE, "t-2", "k8s")).nextHolder();
        var none = a.gate("p/service/api", new GateOp(GateOp.Kind.RELEASE, "t-3", "devops")).nextHolder();

        assertThat(next.taskId()).isEqualTo("t-2");
        assertThat(next.agentType()).isEqualTo("k8s");
        assertThat(again).as("releasing twice hands over once").isNull();
        assertThat(last.taskId()).isEqualTo("t-3");
        assertThat(none).isNull();
        assertThat(b.gate("p/service/api", new GateOp(GateOp.Kind.ACQUIRE, "t-4", "devops")).acquired())
                .as("the emptied gate is free").isTrue();
    }

    @Test
    void weightsSetOnOneHub_reachEveryHub() {
        backend().state(0).setWeight("payments", 5);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(backend().state(1).weight("payments", 1)).isEqualTo(5));
        assertThat(backend().state(1).weight("billing", 1)).isEqualTo(1);
    }

    @Test
    void aStaleWeightHint_neverOverridesAWeightThePoolWasGiven() {
        SchedulerState s = backend().state(0);
        s.pool("devops", CONFIG, new PoolOps.Register(AgentRegistration.of("a", "devops", 1, "restart"), "hub-0",
                s.peerId(), "s", NOW));
        s.pool("devops", CONFIG, new PoolOps.SetWeight("one", 1));
        s.pool("devops", CONFIG, new PoolOps.SetWeight("five", 5));
        for (int i = 0; i < 60; i++) {
            // a hub with a stale replica of the weights sends 1 for everybody
            s.pool("devops", CONFIG, new PoolOps.Enqueue("t-one-" + i, TaskSpec.of("one", "devops.restart"), "hub-1",
                    1, 1, false, NOW));
            s.pool("devops", CONFIG, new PoolOps.Enqueue("t-five-" + i, TaskSpec.of("five", "devops.restart"), "hub-1",
                    1, 1, false, NOW));
        }
        s.pool("devops", CONFIG, new PoolOps.Register(AgentRegistration.of("a", "devops", 60, "restart"), "hub-0",
                s.peerId(), "s2", NOW));

        List<Dispatched> served = s.pool("devops", CONFIG, new PoolOps.Dispatch("d", "hub-0", 60, NOW));

        assertThat(served.stream().filter(d -> d.assignment().project().equals("five")).count()).isEqualTo(50);
    }

    @Test
    void operationsOnAllPools_reachEachPool() {
        SchedulerState s = backend().state(0);
        for (String type : List.of("devops", "notifier")) {
            Enqueued e = s.pool(type, CONFIG, new PoolOps.Register(AgentRegistration.of("a", type, 1, "x"), "hub-0",
                    s.peerId(), "s", NOW)) == null ? null : s.pool(type, CONFIG, new PoolOps.Enqueue("t-" + type,
                    TaskSpec.of("p", type + ".x"), "hub-0", 1, 1, false, NOW));
            assertThat(e.status()).isEqualTo(Enqueued.Status.CREATED);
        }

        assertThat(backend().state(1).pools(CONFIG, new PoolOps.GetTask("p", "t-notifier")))
                .containsOnlyKeys("notifier");
        assertThat(backend().state(1).agentTypes()).containsExactly("devops", "notifier");
    }
}
