package io.commandcenter.hub.telemetry.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.InFlightShares;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.testing.Answers;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.MemoryTelemetryStore;
import io.commandcenter.proto.v1.AuditResult;
import io.commandcenter.proto.v1.ComplianceResult;
import io.commandcenter.proto.v1.ComplianceStatus;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.IngestStreamRequest;
import io.commandcenter.proto.v1.IngestStreamResponse;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.ListHealthSamplesResponse;
import io.commandcenter.proto.v1.Severity;
import io.commandcenter.proto.v1.TaskRecord;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.WorkflowRunRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.commandcenter.hub.testing.Records.request;
import static io.commandcenter.hub.testing.Records.sample;
import static io.commandcenter.hub.testing.Records.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TelemetryGrpcServiceTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final MemoryTelemetryStore store = new MemoryTelemetryStore();
    GrpcFixture grpc = new GrpcFixture(store, CLOCK);

    @AfterEach
    void close() throws InterruptedException {
        store.release();
        grpc.close();
    }

    CompletableFuture<IngestResponse> ingest(String project, List<IngestRequest> requests) {
        return Ingest.call(grpc.telemetryAsync(project), requests);
    }

    static List<IngestRequest> samples(int n, String service) {
        List<IngestRequest> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(request(sample(service + "-" + i, service, NOW.minusSeconds(n - i), i)));
        }
        return requests;
    }

    static StatusRuntimeException failure(CompletableFuture<?> future) {
        return Ingest.failure(future);
    }

    static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).as("rich status").isNotNull();
        return status.getDetailsList().stream().filter(a -> a.is(type)).findFirst().map(a -> {
            try {
                return a.unpack(type);
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        }).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + status));
    }

    @Test
    void ingest_validRecordsOfEveryKind_storesThemAll_andAnswersTheCounts() {
        List<IngestRequest> requests = new ArrayList<>(samples(3, "api"));
        requests.add(IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setAuditResult(
                AuditResult.newBuilder().setRecordId("a-1").setTarget(EntityRef.newBuilder().setKind("service").setId("api"))
                        .setSuite("cis").setStatusValue(2).setTime(ts(NOW))
                        .addResults(ComplianceResult.newBuilder().setControlId("1.1")
                                .setStatus(ComplianceStatus.COMPLIANCE_STATUS_NON_COMPLIANT)
                                .setSeverity(Severity.SEVERITY_HIGH)))).build());
        requests.add(IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setTask(
                TaskRecord.newBuilder().setRecordId("t-1").setTaskId("9").setName("devops.restart").setStatusValue(1)
                        .setStartTime(ts(NOW)).setExecutionTime(com.google.protobuf.Duration.newBuilder().setSeconds(2))))
                .build());
        requests.add(IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setWorkflowRun(
                WorkflowRunRecord.newBuilder().setRecordId("w-1").setRunId("r").setWorkflow("auto-restart")
                        .setStatusValue(1).setStartTime(ts(NOW.minusSeconds(5))).setEndTime(ts(NOW)))).build());

        IngestResponse response = ingest("alpha", requests).join();

        assertThat(response.getReceived()).isEqualTo(6);
        assertThat(response.getAccepted()).isEqualTo(6);
        assertThat(response.getRejected()).isZero();
        assertThat(store.stored(ProjectId.of("alpha"))).hasSize(6);
    }

    @Test
    void ingest_withoutProjectHeader_goesToTheDefaultProject() {
        ingest(null, samples(2, "api")).join();

        assertThat(store.stored(GrpcFixture.DEFAULT_PROJECT)).hasSize(2);
    }

    @Test
    void ingest_resendingTheSameRecords_storesNothingTwice() {
        ingest("alpha", samples(5, "api")).join();

        IngestResponse again = ingest("alpha", samples(5, "api")).join();

        assertThat(again.getAccepted()).isZero();
        assertThat(again.getDuplicates()).isEqualTo(5);
        assertThat(store.stored(ProjectId.of("alpha"))).hasSize(5);
    }

    /** One bad record among good ones: INVALID_ARGUMENT naming record and field, the rest stored. */
    void assertRejected(Consumer<HealthSample.Builder> spoil, String field, String reason) {
        List<IngestRequest> requests = samples(3, "api");
        HealthSample.Builder bad = sample("bad-1", "api", NOW.minusSeconds(1), 5);
        spoil.accept(bad);
        requests.add(1, request(bad));

        StatusRuntimeException e = failure(ingest("alpha", requests));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("records[1]." + field);
        BadRequest bad400 = detail(e, BadRequest.class);
        assertThat(bad400.getFieldViolationsList()).anySatisfy(v -> {
            assertThat(v.getField()).isEqualTo("records[1]." + field);
            assertThat(v.getReason()).isEqualTo(reason);
        });
        assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("RECORDS_REJECTED");
        IngestResponse partial = detail(e, IngestResponse.class);
        assertThat(partial.getAccepted()).isEqualTo(3);
        assertThat(partial.getRejected()).isEqualTo(1);
        assertThat(partial.getRejections(0).getRecordId()).isEqualTo(bad.getRecordId());
        assertThat(store.stored(ProjectId.of("alpha"))).extracting(r -> r.recordId())
                .containsExactlyInAnyOrder("api-0", "api-1", "api-2");
    }

    @Test
    void ingest_missingService_isRejected() {
        assertRejected(s -> s.clearService(), "health_sample.service", "REQUIRED");
    }

    @Test
    void ingest_nanLatency_isRejected() {
        assertRejected(s -> s.setLatencyMs(Double.NaN), "health_sample.latency_ms", "NOT_FINITE");
    }

    @Test
    void ingest_infiniteMetric_isRejected() {
        assertRejected(s -> s.putMetrics("queue", Double.POSITIVE_INFINITY), "health_sample.metrics[queue]",
                "NOT_FINITE");
    }

    @Test
    void ingest_timestampFarInTheFuture_isRejected() {
        assertRejected(s -> s.setTime(ts(NOW.plusSeconds(3600))), "health_sample.time", "IN_FUTURE");
    }

    @Test
    void ingest_missingTimestamp_isRejected() {
        assertRejected(s -> s.clearTime(), "health_sample.time", "REQUIRED");
    }

    @Test
    void ingest_percentageWhereAFractionBelongs_isRejected() {
        assertRejected(s -> s.setCpu(45), "health_sample.cpu", "OUT_OF_RANGE");
    }

    @Test
    void ingest_negativeLatency_isRejected() {
        assertRejected(s -> s.setLatencyMs(-1), "health_sample.latency_ms", "OUT_OF_RANGE");
    }

    @Test
    void ingest_sampleWithoutAnyMeasurement_isRejected() {
        assertRejected(s -> s.clearLatencyMs().clearErrorRate(), "health_sample", "REQUIRED");
    }

    @Test
    void ingest_badServiceName_isRejected() {
        assertRejected(s -> s.setService("has spaces;rm -rf"), "health_sample.service", "BAD_FORMAT");
    }

    @Test
    void ingest_overlongRecordId_isRejected() {
        assertRejected(s -> s.setRecordId("x".repeat(129)), "health_sample.record_id", "TOO_LONG");
    }

    @Test
    void ingest_unknownEnumValue_isRejectedAsUnknownEnum() {
        IngestRequest audit = IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setAuditResult(
                AuditResult.newBuilder().setRecordId("a-9").setTarget(EntityRef.newBuilder().setKind("service").setId("api"))
                        .setSuite("cis").setStatusValue(99).setTime(ts(NOW)))).build();

        StatusRuntimeException e = failure(ingest("alpha", List.of(audit)));

        assertThat(detail(e, BadRequest.class).getFieldViolationsList()).singleElement().satisfies(v -> {
            assertThat(v.getField()).isEqualTo("records[0].audit_result.status");
            assertThat(v.getReason()).isEqualTo("UNKNOWN_ENUM");
        });
    }

    @Test
    void ingest_unspecifiedEnum_andUnspecifiedNestedEnum_areRejected() {
        IngestRequest audit = IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setAuditResult(
                AuditResult.newBuilder().setTarget(EntityRef.newBuilder().setKind("service").setId("api"))
                        .setSuite("cis").setTime(ts(NOW))
                        .addResults(ComplianceResult.newBuilder().setControlId("1")
                                .setStatus(ComplianceStatus.COMPLIANCE_STATUS_COMPLIANT)))).build();

        StatusRuntimeException e = failure(ingest("alpha", List.of(audit)));

        assertThat(detail(e, BadRequest.class).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .containsExactlyInAnyOrder("records[0].audit_result.status",
                        "records[0].audit_result.results[0].severity");
    }

    @Test
    void ingest_emptyRecord_isRejected() {
        StatusRuntimeException e = failure(ingest("alpha", List.of(IngestRequest.getDefaultInstance())));

        assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("records[0].kind");
    }

    @Test
    void ingest_taskWithNegativeExecutionTime_isRejected() {
        IngestRequest task = IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setTask(
                TaskRecord.newBuilder().setTaskId("9").setName("x").setStatusValue(1).setStartTime(ts(NOW))
                        .setExecutionTime(com.google.protobuf.Duration.newBuilder().setSeconds(-5)))).build();

        StatusRuntimeException e = failure(ingest("alpha", List.of(task)));

        assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField())
                .isEqualTo("records[0].task.execution_time");
    }

    @Test
    void ingest_runEndingBeforeItStarted_isRejected() {
        IngestRequest run = IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setWorkflowRun(
                WorkflowRunRecord.newBuilder().setRunId("r").setWorkflow("w").setStatusValue(2)
                        .setStartTime(ts(NOW)).setEndTime(ts(NOW.minusSeconds(1))))).build();

        StatusRuntimeException e = failure(ingest("alpha", List.of(run)));

        assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField())
                .isEqualTo("records[0].workflow_run.end_time");
    }

    @Test
    void ingest_malformedProjectHeader_isRefusedBeforeAnythingIsStored() {
        StatusRuntimeException e = failure(ingest("Not A Project!", samples(2, "api")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("INVALID_PROJECT");
        assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("x-cc-project");
        assertThat(store.writeCount()).isZero();
    }

    @Test
    void ingest_whenTheStoreFails_answersUnavailable_andAResendStoresEverything() {
        store.failNextWrites(1);

        StatusRuntimeException e = failure(ingest("alpha", samples(3, "api")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("STORE_UNAVAILABLE");
        IngestResponse retry = ingest("alpha", samples(3, "api")).join();
        assertThat(retry.getAccepted()).isEqualTo(3);
    }

    @Test
    void ingest_moreStreamsThanAllowed_isRefusedWithResourceExhausted() throws Exception {
        grpc.close();
        grpc = new GrpcFixture(store, CLOCK, 16, 1, 16, 4);
        store.block();
        CompletableFuture<IngestResponse> first = ingest("alpha", samples(1, "api"));
        store.awaitBlockedWriter();

        StatusRuntimeException e = failure(ingest("alpha", samples(1, "db")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("TOO_MANY_STREAMS");
        store.release();
        assertThat(first.get(5, TimeUnit.SECONDS).getAccepted()).isEqualTo(1);
    }

    @Test
    void ingest_aClientFasterThanTheStore_isHeldBackByFlowControl_andLosesNothing() throws Exception {
        grpc.close();
        int window = 32;
        grpc = new GrpcFixture(store, CLOCK, window, 4, 16, 4);
        store.block();
        int total = 2_000;
        List<IngestRequest> requests = samples(total, "api");
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<ClientCallStreamObserver<IngestRequest>> callRef = new CompletableFuture<>();
        CompletableFuture<IngestResponse> result = Ingest.flowControlled(grpc.telemetryAsync("alpha"), requests, sent,
                callRef::complete);
        int heldBatch = store.awaitBlockedWriter();
        ClientCallStreamObserver<IngestRequest> call = callRef.get();

        // The store is stuck: the hub stops asking for records, and the client's transport stops being ready.
        await().atMost(5, TimeUnit.SECONDS).until(() -> !call.isReady());
        int sentWhileBlocked = sent.get();
        assertThat(sentWhileBlocked).isLessThan(total);
        assertThat(heldBatch + grpc.pipeline.queued()).isLessThanOrEqualTo(window);

        store.release();
        IngestResponse response = result.get(10, TimeUnit.SECONDS);
        assertThat(response.getAccepted()).isEqualTo(total);
        assertThat(store.stored(ProjectId.of("alpha"))).hasSize(total);
    }

    @Test
    void ingest_manyStreamsFasterThanTheStore_holdAtMostTheHubWideBound_andLoseNothing() throws Exception {
        grpc.close();
        int window = 32;
        int bound = 48; // four streams of 32 would hold 128
        grpc = new GrpcFixture(store, CLOCK, window, 4, 16, 4, new InFlightShares(bound));
        ProjectId alpha = ProjectId.of("alpha");
        int perStream = 5_000;
        List<CompletableFuture<IngestResponse>> results = new ArrayList<>();
        List<ClientCallStreamObserver<IngestRequest>> calls = new CopyOnWriteArrayList<>();
        for (int s = 0; s < 4; s++) {
            List<IngestRequest> requests = samples(perStream, "svc-" + s);
            AtomicInteger sent = new AtomicInteger();
            results.add(Ingest.flowControlled(grpc.telemetryAsync("alpha"), requests, sent, calls::add));
        }
        // once every stream is open and has settled records beyond its first grant (given before the
        // others opened), the store stops: what the hub holds is then within the bound
        await().atMost(30, TimeUnit.SECONDS).pollInterval(java.time.Duration.ofMillis(1))
                .until(() -> grpc.pipeline.shares().openStreams(alpha) == 4 && store.stored(alpha).size() >= 600);
        store.block();
        int heldBatch = store.awaitBlockedWriter();
        await().atMost(5, TimeUnit.SECONDS).until(() -> calls.stream().noneMatch(ClientCallStreamObserver::isReady));
        assertThat(store.stored(alpha).size()).as("the streams were still sending").isLessThan(4 * perStream);
        assertThat(heldBatch + grpc.pipeline.queued()).isLessThanOrEqualTo(bound).isGreaterThan(0);

        store.release();
        for (CompletableFuture<IngestResponse> result : results) {
            assertThat(result.get(30, TimeUnit.SECONDS).getAccepted()).isEqualTo(perStream);
        }
        assertThat(store.stored(alpha)).hasSize(4 * perStream);
        await().atMost(5, TimeUnit.SECONDS).until(() -> grpc.pipeline.shares().openStreams(alpha) == 0);
    }

    @Test
    void ingestStream_acknowledgesPrefixesAsTheyCommit_andReportsRejectionsWithoutFailing() {
        List<IngestStreamResponse> acks = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<IngestStreamRequest> stream = grpc.telemetryAsync("alpha").ingestStream(new StreamObserver<>() {
            @Override
            public void onNext(IngestStreamResponse value) {
                acks.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        List<IngestRequest> requests = samples(50, "api");
        for (int i = 0; i < requests.size(); i++) {
            TelemetryRecord record = requests.get(i).getRecord();
            if (i == 10) {
                record = record.toBuilder().setHealthSample(record.getHealthSample().toBuilder()
                        .setLatencyMs(Double.NaN)).build();
            }
            stream.onNext(IngestStreamRequest.newBuilder().setRecord(record).build());
        }
        stream.onCompleted();

        done.join();
        IngestStreamResponse last = acks.get(acks.size() - 1);
        assertThat(last.getSettledThrough()).isEqualTo(49);
        assertThat(last.getAccepted()).isEqualTo(49);
        assertThat(last.getRejected()).isEqualTo(1);
        assertThat(acks).extracting(IngestStreamResponse::getSettledThrough).isSorted();
        assertThat(acks.stream().flatMap(a -> a.getRejectionsList().stream()).toList()).singleElement()
                .satisfies(r -> {
                    assertThat(r.getIndex()).isEqualTo(10);
                    assertThat(r.getField()).isEqualTo("health_sample.latency_ms");
                });
    }

    /**
     * A client that sends and never reads its acks: every empty record is refused (kind REQUIRED) and
     * acknowledged at once; the hub asks for more only while the call takes answers, so it stops reading
     * instead of piling acks up (before the fix each rejection asked for the next record: 10,000 sent).
     * Reading the acks again lets the same stream go on, and nothing is lost.
     */
    @Test
    void ingestStream_aClientThatDoesNotReadItsAcks_stopsBeingRead_andGoesOnOnceItReads() throws Exception {
        java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
        CompletableFuture<ClientCallStreamObserver<IngestStreamRequest>> callRef = new CompletableFuture<>();
        Answers<IngestStreamRequest, IngestStreamResponse> acks = new Answers<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<IngestStreamRequest> call) {
                call.disableAutoRequestWithInitial(1); // reads one ack, then none
                call.setOnReadyHandler(ready::release);
                callRef.complete(call);
            }
        };
        grpc.telemetryAsync("alpha").ingestStream(acks);
        ClientCallStreamObserver<IngestStreamRequest> call = callRef.get(5, TimeUnit.SECONDS);
        int limit = 10_000;
        int sent = 0;
        while (sent < limit) {
            if (call.isReady()) {
                call.onNext(IngestStreamRequest.getDefaultInstance());
                sent++;
            } else if (!ready.tryAcquire(2, TimeUnit.SECONDS)) {
                break; // the hub stopped asking for records
            }
        }
        assertThat(sent).as("records the hub read from a client that reads no acks")
                .isGreaterThan(0).isLessThan(limit);
        assertThat(acks.answers).hasSize(1);

        call.request(Integer.MAX_VALUE);
        List<IngestRequest> valid = samples(5, "api");
        for (IngestRequest request : valid) {
            while (!call.isReady()) {
                assertThat(ready.tryAcquire(5, TimeUnit.SECONDS)).as("ready again once the acks are read").isTrue();
            }
            call.onNext(IngestStreamRequest.newBuilder().setRecord(request.getRecord()).build());
        }
        call.onCompleted();
        acks.done.get(10, TimeUnit.SECONDS);
        assertThat(acks.last().getRejected()).isEqualTo(sent);
        assertThat(acks.last().getAccepted()).isEqualTo(5);
        assertThat(acks.last().getSettledThrough()).isEqualTo(sent + 4);
        assertThat(store.stored(ProjectId.of("alpha"))).hasSize(5);
    }

    @Test
    void listHealthSamples_pagesNewestFirst_andFiltersByService() {
        ingest("alpha", samples(5, "api")).join();
        ingest("alpha", samples(2, "db")).join();

        ListHealthSamplesResponse first = grpc.telemetry("alpha").listHealthSamples(
                ListHealthSamplesRequest.newBuilder().setService("api").setPageSize(3).build());
        ListHealthSamplesResponse second = grpc.telemetry("alpha").listHealthSamples(
                ListHealthSamplesRequest.newBuilder().setService("api").setPageSize(3)
                        .setPageToken(first.getNextPageToken()).build());

        assertThat(first.getSamplesList()).extracting(HealthSample::getRecordId).containsExactly("api-4", "api-3", "api-2");
        assertThat(second.getSamplesList()).extracting(HealthSample::getRecordId).containsExactly("api-1", "api-0");
        assertThat(second.getNextPageToken()).isEmpty();
        assertThat(first.getSamples(0).hasReceivedTime()).isTrue();
    }

    @Test
    void listHealthSamples_neverShowsAnotherProjectsData() {
        ingest("alpha", samples(3, "api")).join();

        ListHealthSamplesResponse beta = grpc.telemetry("beta").listHealthSamples(ListHealthSamplesRequest.getDefaultInstance());
        ListHealthSamplesResponse alpha = grpc.telemetry("alpha").listHealthSamples(ListHealthSamplesRequest.getDefaultInstance());

        assertThat(beta.getSamplesList()).isEmpty();
        assertThat(alpha.getSamplesList()).hasSize(3);
    }

    void assertListRefused(ListHealthSamplesRequest request, String field, String reason) {
        assertThatThrownBy(() -> grpc.telemetry("alpha").listHealthSamples(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField()).isEqualTo(field);
                    assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo(reason);
                });
    }

    @Test
    void listHealthSamples_badRequests_nameTheField() {
        assertListRefused(ListHealthSamplesRequest.newBuilder().setPageSize(-1).build(), "page_size", "OUT_OF_RANGE");
        assertListRefused(ListHealthSamplesRequest.newBuilder().setPageToken("garbage!").build(), "page_token",
                "INVALID_PAGE_TOKEN");
        assertListRefused(ListHealthSamplesRequest.newBuilder().setService("bad service").build(), "service",
                "INVALID_ARGUMENT");
        assertListRefused(ListHealthSamplesRequest.newBuilder().setStartTime(ts(NOW)).setEndTime(ts(NOW)).build(),
                "end_time", "INVALID_RANGE");
        assertListRefused(ListHealthSamplesRequest.newBuilder().setStartTime(
                com.google.protobuf.Timestamp.newBuilder().setSeconds(1).setNanos(-5)).build(), "start_time", "BAD_FORMAT");
        assertListRefused(ListHealthSamplesRequest.newBuilder().setEndTime(
                com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build(), "end_time", "BAD_FORMAT");
    }

    @Test
    void ingest_recordWithoutId_isStoredUnderAnAssignedId() {
        ingest("alpha", List.of(request(sample("", "api", NOW, 1)))).join();

        assertThat(store.stored(ProjectId.of("alpha"))).singleElement()
                .satisfies(r -> assertThat(((HealthSampleRecord) r).recordId()).isNotEmpty());
    }
}
