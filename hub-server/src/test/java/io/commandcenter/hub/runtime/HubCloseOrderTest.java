package io.commandcenter.hub.runtime;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.PredictionRepository;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.hub.telemetry.sql.SqlTelemetryStore;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Series;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The close order of a hub (guide 14.21): the ingest pipeline and the predictive engine close before the mesh,
 * whose close beside a cluster member that does not answer can take {@code cc.hazelcast.shutdown-wait} + 25 s.
 * With the mesh's close held (the hub's {@code beforeMeshClose} seam, on a latch), what the hub accepted is in
 * the database already: the ingest records that were queued behind a held writer, and the engine's open
 * aggregates of model runs; and a record handed in then is refused, not accepted to be lost. Against the order
 * before (mesh first) the last two fail at the seam: nothing aggregated is stored, and the record is accepted.
 *
 * <p>No aggregate may close on its own before the hub does (it would be stored whatever the close order): the
 * engine closes them on its clock's window boundaries. So the hub's aggregate window is an hour and its clock
 * runs from the start of an hour ({@link #fromAnHoursStart}); the test ends within its 3-minute timeout, long
 * before the next boundary.
 */
class HubCloseOrderTest {
    static final ProjectId PROJECT = ProjectId.of("closing");

    @TempDir
    Path dir;
    Hub hub;
    ManagedChannel channel;
    Thread closing;
    final Clock clock = fromAnHoursStart();
    final CountDownLatch meshCloseReached = new CountDownLatch(1);
    final CountDownLatch releaseMeshClose = new CountDownLatch(1);

    @AfterEach
    void stop() throws InterruptedException {
        releaseMeshClose.countDown();
        if (channel != null) {
            channel.shutdownNow();
        }
        if (closing != null) {
            closing.join(TimeUnit.MINUTES.toMillis(2));
        } else if (hub != null) {
            hub.close();
        }
    }

    /**
     * Delivers the bus's health events on the ingest writer's own thread and holds the first delivery until the
     * bus closes, so the writer stops after its first batch and what is handed in next stays queued.
     */
    static final class HeldWriter implements EventSink {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch busClosed = new CountDownLatch(1);

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void deliver(Event event) {
            holding.countDown();
            try {
                busClosed.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void dropped(long count, long total, Instant since) {
        }

        @Override
        public void closed() {
            busClosed.countDown();
        }
    }

    CompletableFuture<TelemetryStore.Outcome> record(String id, Instant time) {
        return hub.pipeline().record(PROJECT, new HealthSampleRecord(id, "queued", time, 1.0, 100.0, 0.001, null, null,
                Map.of()), TraceContext.newRoot(new SplittableRandom(1)));
    }

    /** The system clock moved back to the start of the current hour: the next hour starts an hour after now. */
    static Clock fromAnHoursStart() {
        Instant now = Instant.now();
        return Clock.offset(Clock.systemUTC(), Duration.between(now, now.truncatedTo(ChronoUnit.HOURS)));
    }

    /** The hub's settings with the engine's runs aggregated by the hour. */
    HubSettings hourlyAggregates() {
        HubSettings settings = HubSettings.defaults(dir, 0);
        PredictiveEngine.Settings p = settings.predict();
        return settings.withPredict(new PredictiveEngine.Settings(p.enabled(), p.bufferSize(), p.batchSize(),
                p.flushInterval(), p.cooldown(), p.maxEntities(), Duration.ofHours(1), p.championRefresh()));
    }

    /** The hub's {@code beforeMeshClose}: says the close got there, and holds it until the test lets go. */
    void holdMeshClose() {
        meshCloseReached.countDown();
        try {
            releaseMeshClose.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<ModelRun> aggregates() {
        return new JpaPredictionRepository(hub.database()).listRuns(PROJECT, new PredictionRepository.RunQuery(
                "checkout", ModelRun.Kind.AGGREGATE, null, null, 1000, null, null));
    }

    List<StoredSample> queuedSamplesStored() {
        return new SqlTelemetryStore(hub.database(), clock).listHealthSamples(PROJECT,
                new SampleQuery("queued", null, null, 100, null, false));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void queuedRecordsAndOpenAggregates_areStored_beforeTheMeshCloses_andLaterRecordsAreRefused() throws Exception {
        hub = Hub.start(hourlyAggregates(), clock, this::holdMeshClose);
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
        // steady samples: scored, nothing raised, so every run waits in the engine's open aggregate of this hour
        Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), PROJECT.value()),
                Series.degrading("checkout", 60, 0, clock.instant().truncatedTo(ChronoUnit.SECONDS), 7)).join();
        hub.engine().sync();
        assertThat(hub.engine().stats().runs()).as("the engine scored the samples").isPositive();
        assertThat(aggregates()).as("its aggregates are still open, in memory").isEmpty();

        HeldWriter held = new HeldWriter();
        hub.bus().subscribeEveryProjectOnPublisher(SubjectPattern.parse("hub.health"), 16, held, 1);
        Instant t0 = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<CompletableFuture<TelemetryStore.Outcome>> accepted = new ArrayList<>();
        accepted.add(record("q-0", t0));
        assertThat(held.holding.await(30, TimeUnit.SECONDS)).as("the writer holds in its first publication").isTrue();
        for (int i = 1; i <= 4; i++) {
            accepted.add(record("q-" + i, t0.plusSeconds(i)));
        }
        assertThat(hub.pipeline().queued()).as("accepted, not written").isEqualTo(4);
        assertThat(accepted.subList(1, 5)).noneMatch(CompletableFuture::isDone);

        Hub stopping = hub;
        closing = new Thread(stopping::close, "test-hub-close");
        closing.start();
        assertThat(meshCloseReached.await(2, TimeUnit.MINUTES)).as("the close reaches the mesh").isTrue();

        // the mesh's close is held here: a hub killed now keeps what follows
        assertThat(queuedSamplesStored()).extracting(s -> s.sample().recordId())
                .containsExactlyInAnyOrder("q-0", "q-1", "q-2", "q-3", "q-4");
        for (CompletableFuture<TelemetryStore.Outcome> f : accepted) {
            assertThat(f).isCompletedWithValue(TelemetryStore.Outcome.STORED);
        }
        assertThat(aggregates()).as("the engine's open aggregates are stored").isNotEmpty()
                .allSatisfy(r -> assertThat(r.runs()).isPositive());
        CompletableFuture<TelemetryStore.Outcome> late = record("late", t0.plusSeconds(10));
        assertThat(late).as("a record handed in now is refused, so nothing accepted waits through the mesh's close")
                .isCompletedExceptionally();
        ExecutionException refusal = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
                late::get);
        assertThat(((CommandCenterException) refusal.getCause()).reason()).isEqualTo("SHUTTING_DOWN");

        releaseMeshClose.countDown();
        closing.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(closing.isAlive()).as("the close ends once the mesh's close is let go").isFalse();
        hub = null;
    }

    /**
     * A step of the close that fails (here the one before the mesh) is logged and thrown at the end, and the steps
     * after it still run: the mesh, and the database last. Before, the close stopped at the failure and left the
     * database's pool and JPA open.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aStepOfTheCloseThatFails_leavesTheNextStepsToRun_theDatabaseLast_andIsThrownAtTheEnd() {
        hub = Hub.start(HubSettings.defaults(dir, 0), clock, () -> {
            throw new IllegalStateException("a close that fails");
        });
        Hub stopping = hub;
        hub = null;
        try (io.commandcenter.hub.testing.LogCapture log = io.commandcenter.hub.testing.LogCapture.start()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(stopping::close)
                    .isInstanceOf(IllegalStateException.class).hasMessage("a close that fails");
            // not "hub … stopped" at INFO as if all went well (the old last line)
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARNING").contains("stopped; 1 of its"
                    + " closing steps failed"));
            assertThat(log.lines()).noneSatisfy(l -> assertThat(l).isEqualTo("INFO io.commandcenter.hub.runtime.Hub: hub "
                    + stopping.settings().hubId() + " stopped"));
        }
        assertThat(((com.zaxxer.hikari.HikariDataSource) stopping.database().dataSource()).isClosed())
                .as("the database's pool is closed").isTrue();
        assertThat(stopping.database().entityManagerFactory().isOpen()).as("and JPA").isFalse();
    }
}
