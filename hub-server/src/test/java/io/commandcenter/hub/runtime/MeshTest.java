package io.commandcenter.hub.runtime;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.scheduler.SchedulerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** The mesh's built-in agents heartbeat on threads of their own, and none is left once the mesh closes. */
class MeshTest {
    @TempDir
    Path dir;

    @Test
    void eachBuiltInAgent_heartbeatsOnAThreadNamedAfterIt_andNoneIsAliveAfterClose() {
        HubSettings settings = HubSettings.defaults(dir, 0).withHubId("hub-m")
                .withScheduler(SchedulerSettings.defaults("hub-m"), Optional.empty());
        ExecutorService delivery = Executors.newSingleThreadExecutor();
        try {
            Mesh mesh = Mesh.start(settings, new EventBus("hub-m", Clock.systemUTC(), delivery, 16), Optional.empty(),
                    Clock.systemUTC());
            assertThat(heartbeatThreads()).containsExactlyInAnyOrder("cc-heartbeat-devops:hub-m",
                    "cc-heartbeat-notifier:hub-m");

            mesh.close();

            assertThat(heartbeatThreads()).as("close returned after the heartbeat threads ended").isEmpty();
        } finally {
            delivery.shutdownNow();
        }
    }

    static List<String> heartbeatThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("cc-heartbeat-") && n.endsWith(":hub-m")).toList();
    }
}
