package io.commandcenter.hub.runtime;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.hub.agents.HubAgents;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.testing.LogCapture;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link Mesh#close} while a built-in agent's heartbeat is held on its pool's owner, another member (two hubs'
 * meshes, real Hazelcast members in one JVM). The agent of type {@code holder} on the closing hub holds a lease
 * (its action waits), so it heartbeats every second (lease 3 s); the pool's owner is found from the partition table.
 * The members wait 10 s for a hand-over at close ({@code cc.hazelcast.shutdown-wait}; the hub's default is 60 s).
 * Each test may take longer than the module's 60 s default (its own waits are up to 60 s and 30 s).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MeshLostMemberTest {
    /** The owner's partition thread waits on it ({@link Freeze}); the holder's action too. */
    static volatile CountDownLatch thaw;
    static volatile CountDownLatch frozen;
    static volatile CountDownLatch holding;

    @TempDir
    Path dir;
    final String run = Long.toHexString(System.nanoTime());
    final ExecutorService delivery = Executors.newFixedThreadPool(2);
    final List<Mesh> meshes = new ArrayList<>();
    Mesh owner;
    Mesh closing;
    /** Set when {@link #closing}'s close starts: the tear-down closes it otherwise. */
    final AtomicBoolean closeStarted = new AtomicBoolean();
    String heartbeat;

    @BeforeEach
    void cluster() {
        thaw = new CountDownLatch(1);
        frozen = new CountDownLatch(1);
        holding = new CountDownLatch(1);
        String cluster = "lost-" + UUID.randomUUID();
        List<String> members = List.of("127.0.0.1:" + Ports.free(), "127.0.0.1:" + Ports.free());
        Mesh a = mesh("hub-la-" + run, cluster, members.get(0), members);
        Mesh b = mesh("hub-lb-" + run, cluster, members.get(1), members);
        await("two members, partitions in place").atMost(Duration.ofSeconds(30))
                .until(() -> a.cluster().orElseThrow().memberCount() == 2 && hz(a).getPartitionService().isClusterSafe());
        boolean aOwns = hz(a).getPartitionService().getPartition("holder").getOwner().localMember();
        owner = aOwns ? a : b;
        closing = aOwns ? b : a;
        heartbeat = "cc-heartbeat-holder:" + (aOwns ? "hub-lb-" : "hub-la-") + run;
    }

    @AfterEach
    void tearDown() {
        thaw.countDown();
        for (Mesh m : meshes) {
            if (m != closing || !closeStarted.get()) {
                m.close();
            }
        }
        delivery.shutdownNow();
    }

    @Test
    void close_whileTheOwnerDoesNotAnswer_returns_andEndsTheHeldHeartbeat() throws InterruptedException {
        Thread beating = heldHeartbeat();

        CountDownLatch closed = new CountDownLatch(1);
        try (LogCapture log = LogCapture.start()) {
            Thread closer = new Thread(() -> {
                closeTheClosingHub();
                closed.countDown();
            }, "mesh-closer-" + run);
            closer.start();

            // without a bound on the agents' disconnects (before session 14) close waits on the owner's pool until
            // Hazelcast gives up on the call, and then on the graceful shutdown's hand-over (600 s by Hazelcast's
            // default)
            assertThat(closed.await(60, TimeUnit.SECONDS)).as("close returned").isTrue();
            assertThat(log.lines()).as("the member left while partitions were not safe: an ERROR says so")
                    .anyMatch(line -> line.startsWith("SEVERE " + HazelcastCluster.class.getName())
                            && line.contains("cc_hazelcast_partitions_unsafe"));
        }
        assertThat(thaw.getCount()).as("the owner still does not answer").isOne();
        // Mesh.close waits 5 s at most for the heartbeat thread; under load it may end later
        await("the heartbeat no longer waits on the pool").atMost(Duration.ofSeconds(30))
                .until(() -> !inPoolCall(beating));
        beating.join(30_000);
        assertThat(beating.isAlive()).as("the heartbeat thread ended").isFalse();
    }

    /**
     * A member terminated (its connections closed) is dropped by Hazelcast at once, and the held heartbeat is
     * applied on the promoted backup before any close: a lost member that holds a heartbeat through the close is
     * one that keeps its connections open without answering (the test above).
     */
    @Test
    void anOwnerTerminated_releasesTheHeldHeartbeatByItself_andCloseEndsItsThread() throws InterruptedException {
        Thread beating = heldHeartbeat();

        hz(owner).getLifecycleService().terminate();

        await("the held heartbeat returned").atMost(Duration.ofSeconds(30)).until(() -> !inPoolCall(beating));
        assertThat(closing.cluster().orElseThrow().memberCount()).isOne();
        closeTheClosingHub();
        beating.join(30_000);
        assertThat(beating.isAlive()).as("the heartbeat thread ended").isFalse();
    }

    void closeTheClosingHub() {
        closeStarted.set(true);
        closing.close();
    }

    /** The closing hub's holder agent holds a lease; its owner's partition thread waits: the next heartbeat is held. */
    Thread heldHeartbeat() throws InterruptedException {
        closing.scheduler().submit(TaskSpec.of("default", "holder.hold").withPlacement(Placement.ORIGIN_HUB));
        assertThat(holding.await(30, TimeUnit.SECONDS)).as("the closing hub's holder runs the task").isTrue();
        hz(owner).getMap("cc-test-freeze").submitToKey("holder", new Freeze());
        assertThat(frozen.await(30, TimeUnit.SECONDS)).as("the owner's partition thread waits").isTrue();
        Thread beating = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(heartbeat))
                .findFirst().orElseThrow();
        await("a heartbeat held on the pool").atMost(Duration.ofSeconds(30)).until(() -> inPoolCall(beating));
        return beating;
    }

    Mesh mesh(String id, String cluster, String member, List<String> members) {
        int port = Integer.parseInt(member.substring(member.indexOf(':') + 1));
        HubSettings settings = HubSettings.defaults(dir.resolve(id), 0).withHubId(id)
                .withScheduler(SchedulerSettings.defaults(id).withLease(Duration.ofSeconds(3)), Optional.of(
                        HazelcastSettings.embedded(id, "127.0.0.1", port, members).withClusterName(cluster)
                                .withShutdownWait(Duration.ofSeconds(10))));
        HubAgents.Agent holder = new HubAgents.Agent("holder", Set.of("hold"), (task, action, inputs) -> {
            holding.countDown();
            try {
                thaw.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ActionResult.done("");
        }, 1);
        Mesh mesh = Mesh.start(settings, new EventBus(id, Clock.systemUTC(), delivery, 16), Optional.empty(),
                Clock.systemUTC(), List.of(holder));
        meshes.add(mesh);
        return mesh;
    }

    static HazelcastInstance hz(Mesh mesh) {
        return mesh.cluster().orElseThrow().instance();
    }

    static boolean inPoolCall(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getMethodName().equals("pool")
                && f.getClassName().endsWith(".HazelcastSchedulerState"));
    }

    /** Holds the partition thread it runs on (on the pool's owner: the pool's key) until {@link #thaw}. */
    static final class Freeze implements EntryProcessor<Object, Object, Object> {
        @Override
        public Object process(Map.Entry<Object, Object> entry) {
            frozen.countDown();
            try {
                thaw.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public EntryProcessor<Object, Object, Object> getBackupProcessor() {
            return null;
        }
    }
}
