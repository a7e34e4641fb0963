package io.commandcenter.hub.predict.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.feedback.CountingFeedbackStore;
import io.commandcenter.hub.feedback.Feedback;
import io.commandcenter.hub.feedback.sql.JpaFeedbackStore;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.proto.v1.ExportFeedbackRequest;
import io.commandcenter.proto.v1.FeedbackRow;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code ExportFeedback} streams (H2; a real in-process gRPC transport): a row is read from the store only when the
 * client can take it, a cancelled call reads nothing more, and {@code limit} reads no row past it. Before, the whole
 * dataset was read (300 runs here) before the first row was sent.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FeedbackExportTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");
    static final int RUNS = 300;

    @TempDir
    Path dir;
    Database db;
    CountingFeedbackStore store;
    Feedback feedback;
    Server server;
    ManagedChannel channel;

    /** 300 runs of cart, a minute apart, all in one declared incident: 300 rows. */
    @BeforeEach
    void data() {
        db = Database.open(Databases.h2(dir));
        new Jpa(db.entityManagerFactory()).write(em -> em.createNativeQuery("INSERT INTO model (model_id, project_id, "
                        + "name, version, model_type, path, onnx_sha256, threshold, metrics_json, created_at) "
                        + "VALUES ('m-1', 'shop', 'service_health', '2.4.0', 'onnx', 'x', 'x', 0.8, '{}', ?)")
                .setParameter(1, Jpa.ts(T0)).executeUpdate());
        List<ModelRun> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runs.add(new ModelRun("run-" + i, SHOP, "m-1", "service", "cart", ModelRun.Kind.PREDICTION, 1,
                    "{\"features\":{\"a\":" + i + "}}", "{\"risk\":0.5}", 0.9, T0.plusSeconds(60L * i)));
        }
        new JpaPredictionRepository(db).saveRuns(runs);
        store = new CountingFeedbackStore(new JpaFeedbackStore(db));
        feedback = new Feedback(store, null, MemoryAuditSpool.trail(new InMemoryAuditLedger(), Clock.systemUTC(),
                "hub-test"), Clock.systemUTC());
        feedback.declare(SHOP, "service", "cart", T0, T0.plusSeconds(60L * RUNS), "disk full", "ana");
        store.pages.set(0);
        store.rows.set(0);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
        }
        db.close();
    }

    /** Serves {@code ExportFeedback} with the dataset read in pages of 10. */
    AtomicReference<ServerCallStreamObserver<FeedbackRow>> serve() throws Exception {
        AtomicReference<ServerCallStreamObserver<FeedbackRow>> call = new AtomicReference<>();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(ServerServiceDefinition
                .builder(PredictServiceGrpc.SERVICE_NAME)
                .addMethod(PredictServiceGrpc.getExportFeedbackMethod(), ServerCalls.asyncServerStreamingCall(
                        (ExportFeedbackRequest request, io.grpc.stub.StreamObserver<FeedbackRow> observer) -> {
                            call.set((ServerCallStreamObserver<FeedbackRow>) observer);
                            Iterator<io.commandcenter.hub.feedback.FeedbackRow> rows = feedback.rows(SHOP, null, null,
                                    null, 10);
                            new FeedbackExport(call.get(), new Iterator<>() {
                                @Override
                                public boolean hasNext() {
                                    return rows.hasNext();
                                }

                                @Override
                                public FeedbackRow next() {
                                    return PredictGrpcService.toProto(rows.next());
                                }
                            }).start();
                        }))
                .build()).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        return call;
    }

    @Test
    void theWholeExport_arrivesInOrder_andEnds() throws Exception {
        serve();
        List<FeedbackRow> rows = new ArrayList<>();
        PredictServiceGrpc.newBlockingStub(channel).exportFeedback(ExportFeedbackRequest.getDefaultInstance())
                .forEachRemaining(rows::add);
        assertThat(rows).hasSize(RUNS);
        assertThat(rows).extracting(FeedbackRow::getRunId).startsWith("run-0", "run-1", "run-2").endsWith("run-299");
        assertThat(rows).extracting(r -> r.getTime().getSeconds()).isSorted();
        assertThat(store.pages.get()).as("the (empty) page of predictions, 30 pages of 10 runs and the empty one that ends them").isEqualTo(32);
    }

    @Test
    void rowsAreReadOnlyAsTheClientTakesThem_andACancelledCallReadsNoMore() throws Exception {
        AtomicReference<ServerCallStreamObserver<FeedbackRow>> call = serve();
        CountDownLatch fifteen = new CountDownLatch(15);
        AtomicReference<ClientCallStreamObserver<ExportFeedbackRequest>> client = new AtomicReference<>();
        PredictServiceGrpc.newStub(channel).exportFeedback(ExportFeedbackRequest.getDefaultInstance(),
                new ClientResponseObserver<ExportFeedbackRequest, FeedbackRow>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ExportFeedbackRequest> stream) {
                        client.set(stream);
                        stream.disableAutoRequestWithInitial(15); // the client takes 15 rows, then stops reading
                    }

                    @Override
                    public void onNext(FeedbackRow value) {
                        fifteen.countDown();
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        assertThat(fifteen.await(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> call.get() != null && !call.get().isReady());
        // before: every row of the dataset was read before the first was sent
        assertThat(store.rows.get()).as("two pages of 10 for 15 rows taken, of 300").isEqualTo(20);

        client.get().cancel("enough", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> call.get().isCancelled());
        server.shutdown().awaitTermination(30, TimeUnit.SECONDS);
        assertThat(store.rows.get()).as("nothing read after the cancel").isEqualTo(20);
    }

    @Test
    void aLimit_readsNoRowPastIt() {
        PredictGrpcService api = new PredictGrpcService(null, new RecordRules(Clock.systemUTC(), Duration.ofMinutes(5)),
                feedback);
        List<FeedbackRow> rows = new ArrayList<>();
        api.exportFeedback(SHOP, ExportFeedbackRequest.newBuilder().setLimit(3).build()).forEachRemaining(rows::add);
        assertThat(rows).extracting(FeedbackRow::getRunId).containsExactly("run-0", "run-1", "run-2");
        assertThat(store.rows.get()).as("before: 300 rows read, 3 kept").isEqualTo(3);
    }

    /**
     * A database failing before the first row (here the runs' table gone: a real SQL error) fails the export's call
     * itself, UNAVAILABLE, so that {@code GET /api/feedback} answers 503 before its 200 and the gRPC call ends with the
     * status and no row. On the old code the call returned and the failure came with the first row, after REST's 200.
     */
    @Test
    void aDatabaseFailingBeforeTheFirstRow_failsTheCallItself() {
        new Jpa(db.entityManagerFactory()).write(em -> em.createNativeQuery("DROP TABLE model_run CASCADE")
                .executeUpdate());
        PredictGrpcService api = new PredictGrpcService(null, new RecordRules(Clock.systemUTC(), Duration.ofMinutes(5)),
                feedback);
        assertThatThrownBy(() -> api.exportFeedback(SHOP, ExportFeedbackRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
    }
}
