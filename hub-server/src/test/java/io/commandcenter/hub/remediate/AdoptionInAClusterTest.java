package io.commandcenter.hub.remediate;

import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.remediate.hazelcast.ClusterOwners;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Adopting the runs of a hub that is gone (ADR 0028) with real Hazelcast members on loopback and
 * engines on one H2 database: a hub is gone when its lease in the database lapsed, by the
 * database's clock. Membership only makes hubs look sooner: two halves of a split cluster that both
 * renew their leases adopt nothing of each other, and the runs of a hub that stopped renewing are
 * adopted, each by exactly one of two racing hubs.
 */
class AdoptionInAClusterTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Short, as the database's clock cannot be set: waited out, never slept. */
    static final Duration TTL = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    Database database;
    RemediationStore shared;
    final String cluster = "adopt-" + UUID.randomUUID();
    final int portA = Ports.free();
    final int portB = Ports.free();
    final int portG = Ports.free();
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void openDatabase() {
        database = Database.open(Databases.h2(dir));
        shared = new JpaRemediationStore(database);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        database.close();
    }

    /** A member of {@code clusterName} that looks for every other test port. */
    HazelcastCluster member(String hub, int port, String clusterName) {
        List<String> all = Stream.of(portA, portB, portG).filter(p -> p != port).map(p -> "127.0.0.1:" + p).toList();
        HazelcastCluster member = HazelcastCluster.start(HazelcastSettings.embedded(hub, "127.0.0.1", port, all)
                .withClusterName(clusterName).withPartitionCount(31));
        open.add(member);
        return member;
    }

    /**
     * An engine of hub {@code hub} (not started) on its own store over the shared database, which
     * counts the lease look-ups of its hub in {@code asked}, woken by {@code member} leaving hubs.
     */
    EngineFixture engine(String hub, HazelcastCluster member, AtomicInteger asked) {
        RemediationStore own = new JpaRemediationStore(database);
        RemediationStore counting = (RemediationStore) Proxy.newProxyInstance(RemediationStore.class.getClassLoader(),
                new Class<?>[]{RemediationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("leaseLapsed")) {
                        asked.incrementAndGet();
                    }
                    try {
                        return method.invoke(own, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        EngineFixture f = new EngineFixture(counting, Clock.systemUTC(), null);
        open.add(f);
        f.hubId = hub;
        f.soleWriter = false;
        f.settings = f.settings.withLeaseTtl(TTL);
        f.wiring = engine -> open.add(ClusterOwners.watch(member.instance(), engine, TTL));
        return f;
    }

    /** The workflow, stored by an engine that is gone again. */
    void workflowStored() {
        try (EngineFixture first = new EngineFixture(shared, Clock.systemUTC(), null)) {
            first.hubId = "hub-setup";
            first.start().put(CrashMidBurst.WORKFLOW);
        }
    }

    /** A RUNNING run of {@code owner} on target {@code target}, none of its nodes started yet. */
    RunRecord storedRunOf(String owner, String target) {
        Instant now = Instant.now();
        RunRecord run = new RunRecord("run-" + target, EngineFixture.P, "burst-restart", 1, RunState.RUNNING,
                RunMode.AUTOMATIC, "prediction.created.risk", "pred-" + target, null, "service", target,
                "burst-restart:pred-" + target, null, owner, "", null, now, now, null, now.plus(Duration.ofMinutes(30)),
                List.of(NodeRecord.pending("restart_service", 0, "devops", "restart", false),
                        NodeRecord.pending("notify", 1, "notifier", "sendSlack", false)));
        assertThat(shared.create(run, Optional.empty(), Optional.empty())).isTrue();
        return run;
    }

    static List<AuditEntry> adoptions(EngineFixture f) {
        return f.ledger.all().stream().filter(e -> e.action().equals("RUN_ADOPTED")).toList();
    }

    @Test
    void theTwoHalvesOfASplitCluster_bothRenewingTheirLeases_adoptNothingOfEachOther() {
        workflowStored();
        // two members that never joined: each half sees the other as no member of its cluster
        HazelcastCluster a = member("hub-a", portA, cluster + "-left");
        HazelcastCluster b = member("hub-b", portB, cluster + "-right");
        assertThat(a.instance().getCluster().getMembers()).hasSize(1);
        assertThat(b.instance().getCluster().getMembers()).hasSize(1);
        // before the split each hub renewed its lease (until its engine here takes over), and started a run
        ScheduledExecutorService before = Executors.newSingleThreadScheduledExecutor();
        open.add(() -> before.shutdownNow());
        List.of("hub-a", "hub-b").forEach(h -> shared.renewLease(h, TTL));
        before.scheduleWithFixedDelay(() -> List.of("hub-a", "hub-b").forEach(h -> shared.renewLease(h, TTL)),
                100, 100, TimeUnit.MILLISECONDS);
        storedRunOf("hub-a", "checkout");
        storedRunOf("hub-b", "billing");
        AtomicInteger askedByA = new AtomicInteger();
        AtomicInteger askedByB = new AtomicInteger();
        EngineFixture hubA = engine("hub-a", a, askedByA);
        EngineFixture hubB = engine("hub-b", b, askedByB);
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        BiFunction<String, Map<String, String>, ActionResult> holding = (action, inputs) -> {
            entered.countDown();
            try {
                release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ActionResult.done("{}");
        };
        hubA.devops = holding;
        hubB.devops = holding;
        hubA.start();
        hubB.start();
        before.shutdownNow();
        await().atMost(WAIT).until(() -> entered.getCount() == 0); // each drives its own run

        // both sweep (every half TTL) and ask the other's lease, again and again, for several TTLs (or,
        // were the lease not the judge, one adopts the other's run: the assertions below say so)
        int asked = Math.min(askedByA.get(), askedByB.get());
        await().atMost(WAIT).until(() -> Math.min(askedByA.get(), askedByB.get()) >= asked + 6
                || !adoptions(hubA).isEmpty() || !adoptions(hubB).isEmpty());
        assertThat(hubA.engine.adoptOrphans()).as("as a member-left trigger would").isZero();
        assertThat(hubB.engine.adoptOrphans()).isZero();

        assertThat(shared.run("run-checkout").orElseThrow().hubId()).isEqualTo("hub-a");
        assertThat(shared.run("run-billing").orElseThrow().hubId()).isEqualTo("hub-b");
        assertThat(adoptions(hubA)).isEmpty();
        assertThat(adoptions(hubB)).isEmpty();
        assertThat(hubA.calls("restart")).extracting(c -> c.inputs().get("service")).containsExactly("checkout");
        assertThat(hubB.calls("restart")).extracting(c -> c.inputs().get("service")).containsExactly("billing");
        release.countDown();
        await().atMost(WAIT).until(() -> shared.run("run-checkout").orElseThrow().state().isFinished()
                && shared.run("run-billing").orElseThrow().state().isFinished());
        assertThat(hubA.calls("restart")).as("each action run once").hasSize(1);
        assertThat(hubB.calls("restart")).hasSize(1);
    }

    @Test
    void theRunsOfAHubThatLeftAndStoppedRenewing_areAdoptedOnceItsLeaseLapsed_eachByExactlyOneOfTwoHubs() {
        workflowStored();
        HazelcastCluster gone = member("hub-g", portG, cluster);
        HazelcastCluster a = member("hub-a", portA, cluster);
        HazelcastCluster b = member("hub-b", portB, cluster);
        await().atMost(WAIT).until(() -> a.instance().getCluster().getMembers().size() == 3);
        List<String> targets = IntStream.range(0, 12).mapToObj(i -> "svc-" + i).toList();
        targets.forEach(t -> storedRunOf("hub-g", t));
        shared.renewLease("hub-g", TTL); // its last renewal
        EngineFixture hubA = engine("hub-a", a, new AtomicInteger());
        EngineFixture hubB = engine("hub-b", b, new AtomicInteger());
        CompletableFuture.allOf(CompletableFuture.runAsync(hubA::start), CompletableFuture.runAsync(hubB::start))
                .join();
        open.remove(gone);
        gone.close();

        await().atMost(WAIT).until(() -> targets.stream().allMatch(t -> shared.run("run-" + t).orElseThrow()
                .state().isFinished()));
        for (String t : targets) {
            RunRecord run = shared.run("run-" + t).orElseThrow();
            assertThat(run.state()).as(t).isEqualTo(RunState.SUCCEEDED);
            assertThat(run.hubId()).as(t).isIn("hub-a", "hub-b");
        }
        List<String> restarted = Stream.concat(hubA.calls("restart").stream(), hubB.calls("restart").stream())
                .map(c -> c.inputs().get("service")).toList();
        assertThat(restarted).as("each run's action, run by one hub, once").containsExactlyInAnyOrderElementsOf(targets);
        await().atMost(WAIT).until(() -> adoptions(hubA).size() + adoptions(hubB).size() == targets.size());
        assertThat(Stream.concat(adoptions(hubA).stream(), adoptions(hubB).stream()).map(AuditEntry::subject))
                .as("one adoption recorded per run").doesNotHaveDuplicates();
        assertThat(Stream.concat(adoptions(hubA).stream(), adoptions(hubB).stream()).map(AuditEntry::detail))
                .allSatisfy(d -> assertThat(d).contains("\"from\":\"hub-g\""));
    }
}
