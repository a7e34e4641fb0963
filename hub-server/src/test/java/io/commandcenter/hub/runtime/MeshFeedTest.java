package io.commandcenter.hub.runtime;

import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.InProcessSink;
import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Each of the mesh's feeds is delivered on a thread of its own: one that blocks holds back no other. */
class MeshFeedTest {
    static final ProjectId PROJECT = ProjectId.of("alpha");
    static final TraceContext TRACE = TraceContext.newRoot(new SplittableRandom(1));

    final String hub = "hub-feed-" + Long.toHexString(System.nanoTime());
    final ExecutorService busDelivery = Executors.newSingleThreadExecutor();
    final EventBus bus = new EventBus(hub, Clock.systemUTC(), busDelivery, 16);
    /** The health feed's delivery waits on it. */
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch healthBlocked = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        busDelivery.shutdownNow();
    }

    @Test
    void aDeliveryBlockedOnOneFeed_holdsBackNoOtherFeed_whichKeepsItsOrder_onThreadsNamedAfterEach()
            throws InterruptedException {
        List<String> healthThreads = new CopyOnWriteArrayList<>();
        MeshFeed health = MeshFeed.start(bus, AgentHealthFeed.SUBJECTS, new Sink(event -> {
            healthThreads.add(Thread.currentThread().getName());
            healthBlocked.countDown();
            awaitUninterruptibly(release);
        }), "cc-mesh-feed-health-" + hub);
        List<String> predictions = new CopyOnWriteArrayList<>();
        List<String> predictionThreads = new CopyOnWriteArrayList<>();
        CountDownLatch threePredictions = new CountDownLatch(3);
        MeshFeed anticipation = MeshFeed.start(bus, "prediction.created", new Sink(event -> {
            predictions.add(event.payload().toJson());
            predictionThreads.add(Thread.currentThread().getName());
            threePredictions.countDown();
        }), "cc-mesh-feed-anticipation-" + hub);
        try {
            bus.publish(PROJECT, AgentHealthFeed.SUBJECTS, TRACE, payload("h1"));
            assertThat(healthBlocked.await(10, TimeUnit.SECONDS)).as("the health feed's delivery started").isTrue();

            for (String p : List.of("p1", "p2", "p3")) {
                bus.publish(PROJECT, "prediction.created", TRACE, payload(p));
            }

            // on one thread shared by both feeds (before session 14) the predictions wait behind the health sample
            assertThat(threePredictions.await(10, TimeUnit.SECONDS))
                    .as("the predictions arrived while the health feed's delivery was blocked").isTrue();
            assertThat(healthBlocked.getCount()).isZero();
            assertThat(release.getCount()).as("the health delivery still blocked").isOne();
            assertThat(predictions).containsExactly("p1", "p2", "p3");
            assertThat(predictionThreads).containsOnly("cc-mesh-feed-anticipation-" + hub);
            assertThat(healthThreads).containsExactly("cc-mesh-feed-health-" + hub);
        } finally {
            release.countDown();
            health.stop();
            anticipation.stop();
        }
        assertThat(health.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(anticipation.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void stop_interruptsADeliveryInProgress_andAwaitStoppedReportsAThreadThatDoesNotEndInTime()
            throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        MeshFeed interruptible = MeshFeed.start(bus, "prediction.created", new Sink(event -> {
            healthBlocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }), "cc-mesh-feed-interruptible-" + hub);
        CountDownLatch stubbornBlocked = new CountDownLatch(1);
        MeshFeed stubborn = MeshFeed.start(bus, AgentHealthFeed.SUBJECTS, new Sink(event -> {
            stubbornBlocked.countDown();
            awaitUninterruptibly(release);
        }), "cc-mesh-feed-stubborn-" + hub);
        bus.publish(PROJECT, "prediction.created", TRACE, payload("p1"));
        bus.publish(PROJECT, AgentHealthFeed.SUBJECTS, TRACE, payload("h1"));
        assertThat(healthBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stubbornBlocked.await(10, TimeUnit.SECONDS)).isTrue();

        interruptible.stop();
        stubborn.stop();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the delivery in progress was interrupted").isTrue();
        assertThat(interruptible.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(stubborn.awaitStopped(Duration.ofMillis(1))).as("a delivery that ignores the interrupt").isFalse();
        release.countDown();
        assertThat(stubborn.awaitStopped(Duration.ofSeconds(10))).isTrue();
    }

    /** A delivery that does not stop for an interrupt: waits for the latch through any. */
    static void awaitUninterruptibly(CountDownLatch latch) {
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException ignored) {
                // waits on
            }
        }
    }

    static Payload payload(String text) {
        return new Text(text);
    }

    record Text(String toJson) implements Payload {
        @Override
        public String type() {
            return "test.Text";
        }
    }

    static final class Sink extends InProcessSink {
        private final java.util.function.Consumer<Event> body;

        Sink(java.util.function.Consumer<Event> body) {
            super("test events");
            this.body = body;
        }

        @Override
        protected void handle(Event event) {
            body.accept(event);
        }
    }
}
