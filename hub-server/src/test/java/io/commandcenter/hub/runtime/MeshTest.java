package io.commandcenter.hub.runtime;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.scheduler.SchedulerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The mesh's built-in agents heartbeat on threads of their own, and none is left once the mesh closes. */
class MeshTest {
    @TempDir
    Path dir;
    /** In the agents' ids and their threads' names: no other test's hub has it. */
    final String hub = "hub-mesh-" + Long.toHexString(System.nanoTime());

    @Test
    void eachBuiltInAgent_heartbeatsOnAThreadNamedAfterIt_andNoneIsAliveAfterClose() {
        HubSettings settings = HubSettings.defaults(dir, 0).withHubId(hub)
                .withScheduler(SchedulerSettings.defaults(hub), Optional.empty());
        ExecutorService delivery = Executors.newSingleThreadExecutor();
        try {
            Mesh mesh = Mesh.start(settings, new EventBus(hub, Clock.systemUTC(), delivery, 16), Optional.empty(),
                    Clock.systemUTC());
            assertThat(heartbeatThreads()).containsExactlyInAnyOrder("cc-heartbeat-devops:" + hub,
                    "cc-heartbeat-notifier:" + hub);
            assertThat(feedThreads()).containsExactlyInAnyOrder("cc-mesh-feed-health-" + hub,
                    "cc-mesh-feed-anticipation-" + hub);

            mesh.close();

            // close returned once every heartbeat executor had terminated; a worker thread may still be exiting
            await("the heartbeat threads ended").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(heartbeatThreads()).isEmpty());
            await("the feeds' threads ended").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(feedThreads()).isEmpty());
        } finally {
            delivery.shutdownNow();
        }
    }

    List<String> feedThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("cc-mesh-feed-") && n.endsWith("-" + hub)).toList();
    }

    List<String> heartbeatThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("cc-heartbeat-") && n.endsWith(":" + hub)).toList();
    }
}
