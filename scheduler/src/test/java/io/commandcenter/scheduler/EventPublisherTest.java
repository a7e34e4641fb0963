package io.commandcenter.scheduler;

import io.commandcenter.scheduler.events.Delegation;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventPublisherTest {
    final ExecutorService meshThread = Executors.newSingleThreadExecutor();
    final InMemoryMesh mesh = new InMemoryMesh(new InMemoryMesh.Network(meshThread));
    final EventPublisher publisher = new EventPublisher(mesh, true, "test-events",
            new QuietLog(System.getLogger(EventPublisherTest.class.getName()), Duration.ofSeconds(30)));

    @AfterEach
    void stop() {
        publisher.close();
        meshThread.shutdownNow();
    }

    @Test
    void anInterruptedProducer_stillHasItsEventsPublished_andGetsItsInterruptBack() {
        List<SchedulerEvent> heard = new CopyOnWriteArrayList<>();
        mesh.subscribeEvents(heard::addAll);
        List<SchedulerEvent> events = List.of(delegated("t-1"), delegated("t-2"));

        Thread.currentThread().interrupt();
        publisher.publish(events);
        boolean stillInterrupted = Thread.interrupted();

        assertThat(stillInterrupted).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(heard).containsExactlyElementsOf(events));
    }

    @Test
    void anEventPublishedAfterClose_isStillHandedToTheMesh() {
        List<SchedulerEvent> heard = new CopyOnWriteArrayList<>();
        mesh.subscribeEvents(heard::addAll);
        publisher.publish(List.of(delegated("t-1")));
        publisher.close();

        // a result recorded while the hub stops: before, it was queued for a thread that had ended
        publisher.publish(List.of(delegated("t-2")));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(heard).containsExactly(delegated("t-1"), delegated("t-2")));
        assertThat(publisher.flush(Duration.ofSeconds(1))).isTrue();
    }

    static SchedulerEvent delegated(String taskId) {
        return new SchedulerEvent.TaskDelegated(new Delegation(taskId, "p", "devops.restart", "hub-a", "hub-b", "hub-m",
                Instant.parse("2026-12-07T00:00:00Z"), 3, 1));
    }
}
