package io.commandcenter.hub.remediate;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.remediate.hazelcast.ClusterSolitude;
import io.commandcenter.hub.workflow.SeedWorkflows;
import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The decision facts of hubs that are embedded Hazelcast members (ADR 0027), with real members on
 * loopback and two engines on one store: a member alone decides from memory; once a second member
 * has joined both read the store at every decision, so each sees the runs and the pauses the other
 * stored; alone again, the first reads every target once and decides from memory again. Store reads
 * are counted by a store that forwards every call to the shared one.
 */
class SoleWriterInAClusterTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    final InMemoryRemediationStore shared = new InMemoryRemediationStore();
    final String cluster = "sole-" + UUID.randomUUID();
    final int portA = Ports.free();
    final int portB = Ports.free();
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Held while closed: the run journal's batch writes wait for it (see the join test). */
    volatile CountDownLatch writes = new CountDownLatch(0);

    /** The store as one hub sees it: every call forwarded to {@link #shared}, counted by method name. */
    RemediationStore counting(RemediationStore store, Map<String, AtomicInteger> calls) {
        return (RemediationStore) Proxy.newProxyInstance(RemediationStore.class.getClassLoader(),
                new Class<?>[]{RemediationStore.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    if (method.getName().startsWith("write") && !writes.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("writes held for 30 s");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static int count(Map<String, AtomicInteger> calls, String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** A hub: its Hazelcast member (listing the other's port), its engine wired as Hub wires it. */
    record Hub(HazelcastCluster member, EngineFixture f, ClusterSolitude solitude) implements AutoCloseable {
        @Override
        public void close() {
            solitude.close();
            f.close();
            member.close();
        }
    }

    Hub hub(String id, int port, int other, Map<String, AtomicInteger> calls) {
        HazelcastCluster member = HazelcastCluster.start(HazelcastSettings.embedded(id, "127.0.0.1", port,
                List.of("127.0.0.1:" + other)).withClusterName(cluster).withPartitionCount(31));
        EngineFixture f = new EngineFixture(counting(shared, calls), Clock.systemUTC(), null);
        ClusterSolitude solitude = ClusterSolitude.of(member.instance());
        Hub hub = new Hub(member, f, solitude);
        open.add(hub);
        f.wiring = engine -> {
            engine.soleWriterWhile(solitude.attach(engine));
            assertThat(solitude.awaitAcknowledged(WAIT)).as("members that did not acknowledge the join").isEmpty();
        };
        f.start();
        return hub;
    }

    RunRecord decided(EngineFixture f, PredictionRecord p) {
        await().atMost(WAIT).until(() -> shared.runs(EngineFixture.P, new RunStore.RunQuery(null, null, null, 1000,
                null, null)).stream().anyMatch(r -> p.id().equals(r.predictionId())));
        f.engine.drain();
        return f.runs().stream().filter(r -> p.id().equals(r.predictionId())).findFirst().orElseThrow();
    }

    @Test
    void aLoneMemberDecidesFromMemory_twoMembersReadTheStoreAndSeeEachOthersRunsAndPauses_aloneAgainItRereadsOnce()
            throws Exception {
        Map<String, AtomicInteger> readsA = new ConcurrentHashMap<>();
        EngineFixture a = hub("hub-a", portA, portB, readsA).f();
        a.put(SeedWorkflows.AUTO_RESTART);

        // alone: no count and no switch read from the store at a decision, the start's read only
        assertThat(a.engine.isSoleWriter()).isTrue();
        for (String target : List.of("checkout", "cart", "api")) {
            RunRecord run = decided(a, a.raise(a.prediction(target, 0.93, 0.95, "restart")));
            assertThat(run.mode()).isEqualTo(RunMode.AUTOMATIC);
            await().atMost(WAIT).until(() -> a.store.run(run.runId()).orElseThrow().state().isFinished());
        }
        assertThat(count(readsA, "targetCounts")).as("counts read from the store while alone").isZero();
        assertThat(count(readsA, "autonomies")).as("the project's switches read once").isEqualTo(1);
        assertThat(a.engine.targetFactLoads()).as("every target read once, at start").isEqualTo(1);

        // a second member joins: its engine starts once hub A has acknowledged, so A reads the store already
        Map<String, AtomicInteger> readsB = new ConcurrentHashMap<>();
        Hub hubB = hub("hub-b", portB, portA, readsB);
        EngineFixture b = hubB.f();
        assertThat(a.engine.isSoleWriter()).as("hub A with a second member").isFalse();
        assertThat(b.engine.isSoleWriter()).as("hub B with a second member").isFalse();

        // a pause set on hub B holds for hub A's next decision; hub B's own run on checkout awaits approval
        b.engine.setAutonomy(EngineFixture.P.value(), true, "ana", "incident");
        RunRecord paused = decided(a, a.raise(a.prediction("search", 0.93, 0.95, "restart")));
        assertThat(paused.state()).isEqualTo(RunState.AWAITING_APPROVAL);
        RunRecord waiting = decided(b, b.raise(b.prediction("checkout", 0.93, 0.95, "restart")));
        assertThat(waiting.state()).isEqualTo(RunState.AWAITING_APPROVAL);
        b.engine.setAutonomy(EngineFixture.P.value(), false, "ana", "over");
        assertThat(count(readsB, "targetCounts")).as("hub B read the store for its decisions").isPositive();

        // hub B's run on checkout is active there: hub A's next decision on checkout counts it
        int countsBefore = count(readsA, "targetCounts");
        RunRecord refused = decided(a, a.raise(a.prediction("checkout", 0.93, 0.95, "restart")));
        assertThat(refused.state()).isEqualTo(RunState.SKIPPED);
        assertThat(refused.error()).contains("already active on the target (per_target 1)");
        assertThat(count(readsA, "targetCounts")).as("hub A read the store for it").isGreaterThan(countsBefore);

        // hub B leaves, its run on checkout unfinished in the store: hub A reads every target once
        long loads = a.engine.targetFactLoads();
        open.remove(hubB);
        hubB.close();
        await().atMost(WAIT).until(() -> a.engine.isSoleWriter());
        assertThat(a.engine.targetFactLoads()).as("every target read again, once").isEqualTo(loads + 1);

        int countsAlone = count(readsA, "targetCounts");
        RunRecord stillBusy = decided(a, a.raise(a.prediction("checkout", 0.93, 0.95, "restart")));
        assertThat(stillBusy.state()).as("hub B's run, read again, counts").isEqualTo(RunState.SKIPPED);
        RunRecord free = decided(a, a.raise(a.prediction("cart", 0.93, 0.95, "restart")));
        assertThat(free.mode()).isEqualTo(RunMode.AUTOMATIC);
        assertThat(free.state()).isNotEqualTo(RunState.SKIPPED);
        assertThat(count(readsA, "targetCounts")).as("counts read from the store, alone again").isEqualTo(countsAlone);
    }

    @Test
    void aJoiningHubIsAcknowledged_onlyOnceTheRunsTheMemberDecidedFromMemoryAreStored() {
        Hub hubA = hub("hub-a", portA, portB, new ConcurrentHashMap<>());
        EngineFixture a = hubA.f();
        a.put(SeedWorkflows.AUTO_RESTART);
        assertThat(a.engine.isSoleWriter()).isTrue();
        // a decision from memory whose run is not stored yet: the journal's commit waits
        writes = new CountDownLatch(1);
        PredictionRecord p = a.raise(a.prediction("checkout", 0.93, 0.95, "restart"));

        HazelcastCluster memberB = HazelcastCluster.start(HazelcastSettings.embedded("hub-b", "127.0.0.1", portB,
                List.of("127.0.0.1:" + portA)).withClusterName(cluster).withPartitionCount(31));
        open.add(memberB);
        ClusterSolitude solitudeB = ClusterSolitude.of(memberB.instance());
        open.add(solitudeB);
        UUID memberA = hubA.member().instance().getCluster().getLocalMember().getUuid();

        assertThat(solitudeB.awaitAcknowledged(Duration.ofMillis(500))).as("not acknowledged while the run waits")
                .containsExactly(memberA);
        await().atMost(WAIT).until(() -> !a.engine.isSoleWriter()); // hub A saw the join
        writes.countDown();
        assertThat(solitudeB.awaitAcknowledged(WAIT)).as("acknowledged once it is stored").isEmpty();
        assertThat(shared.runs(EngineFixture.P, new RunStore.RunQuery(null, null, null, 10, null, null)))
                .as("the run decided from memory, stored before the acknowledgement")
                .anyMatch(r -> p.id().equals(r.predictionId()));
    }
}
