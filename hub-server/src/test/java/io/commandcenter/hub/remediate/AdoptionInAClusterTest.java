package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.remediate.hazelcast.ClusterOwners;
import io.commandcenter.hub.testing.FreePorts;
import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Adopting the runs of a hub that left the cluster (ADR 0028), with real Hazelcast members on
 * loopback and engines on one store: hubs configured with peers (never sole writers) adopt only the
 * runs of a hub that was a member and is one no longer, each run by exactly one of them, and never
 * the runs of a live member.
 */
class AdoptionInAClusterTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    final InMemoryRemediationStore shared = new InMemoryRemediationStore();
    final String cluster = "adopt-" + UUID.randomUUID();
    final int portA = FreePorts.belowEphemeral();
    final int portB = FreePorts.belowEphemeral();
    final int portG = FreePorts.belowEphemeral();
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    HazelcastCluster member(String hub, int port) {
        List<String> all = Stream.of(portA, portB, portG).filter(p -> p != port).map(p -> "127.0.0.1:" + p).toList();
        HazelcastCluster member = HazelcastCluster.start(HazelcastSettings.embedded(hub, "127.0.0.1", port, all)
                .withClusterName(cluster).withPartitionCount(31));
        open.add(member);
        return member;
    }

    /** An engine of hub {@code hub} on the shared store, adopting from {@code owners} (not started). */
    EngineFixture engine(String hub, ClusterOwners owners) {
        EngineFixture f = new EngineFixture(shared, Clock.systemUTC(), null);
        open.add(f);
        f.hubId = hub;
        f.soleWriter = false;
        f.wiring = engine -> engine.adoptingFrom(owners.attach(engine));
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

    ClusterOwners owners(HazelcastCluster member) {
        ClusterOwners owners = ClusterOwners.of(member.instance());
        open.add(owners);
        return owners;
    }

    @Test
    void twoHubsStartingAtOnce_adoptEachRunOfAHubThatLeft_exactlyOnce() {
        workflowStored();
        HazelcastCluster gone = member("hub-g", portG);
        HazelcastCluster a = member("hub-a", portA);
        HazelcastCluster b = member("hub-b", portB);
        await().atMost(WAIT).until(() -> a.instance().getCluster().getMembers().size() == 3);
        ClusterOwners ownersA = owners(a);
        ClusterOwners ownersB = owners(b);
        List<String> targets = IntStream.range(0, 12).mapToObj(i -> "svc-" + i).toList();
        targets.forEach(t -> storedRunOf("hub-g", t));
        open.remove(gone);
        gone.close();
        await().atMost(WAIT).until(() -> a.instance().getCluster().getMembers().size() == 2
                && b.instance().getCluster().getMembers().size() == 2);
        EngineFixture hubA = engine("hub-a", ownersA);
        EngineFixture hubB = engine("hub-b", ownersB);

        CompletableFuture.allOf(CompletableFuture.runAsync(hubA::start), CompletableFuture.runAsync(hubB::start))
                .join();

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
    }

    @Test
    void aLiveMembersRun_isNotAdopted_andIsAdoptedOnceItsHubLeftTheCluster() {
        workflowStored();
        HazelcastCluster a = member("hub-a", portA);
        HazelcastCluster b = member("hub-b", portB);
        await().atMost(WAIT).until(() -> a.instance().getCluster().getMembers().size() == 2);
        ClusterOwners ownersB = owners(b);
        storedRunOf("hub-b", "checkout");
        ClusterOwners ownersA = owners(a);
        EngineFixture hubA = engine("hub-a", ownersA);
        hubA.start();
        hubA.engine.drain();

        assertThat(ownersA.gone("hub-b")).as("a live member").isFalse();
        assertThat(ownersA.gone("hub-client")).as("a hub never seen as a member (a client hub)").isFalse();
        assertThat(shared.run("run-checkout").orElseThrow().hubId()).as("hub B is a live member").isEqualTo("hub-b");
        assertThat(hubA.engine.adoptOrphans()).isZero();
        assertThat(hubA.calls("restart")).isEmpty();

        open.remove(ownersB);
        ownersB.close();
        open.remove(b);
        b.close(); // hub B stops: its member leaves, and hub A hears of it

        await().atMost(WAIT).until(() -> shared.run("run-checkout").orElseThrow().state().isFinished());
        RunRecord run = shared.run("run-checkout").orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.hubId()).isEqualTo("hub-a");
        assertThat(hubA.calls("restart")).hasSize(1);
        assertThat(ownersA.gone("hub-b")).as("seen as a member, a member no longer").isTrue();
    }
}
