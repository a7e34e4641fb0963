package io.commandcenter.liberty;

import com.google.rpc.BadRequest;
import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.ApprovalState;
import io.commandcenter.proto.v1.GetWorkflowRunRequest;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.ListApprovalsRequest;
import io.commandcenter.proto.v1.ListPredictionActionsRequest;
import io.commandcenter.proto.v1.ListWorkflowRunsRequest;
import io.commandcenter.proto.v1.NodeRun;
import io.commandcenter.proto.v1.NodeState;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.PutWorkflowResponse;
import io.commandcenter.proto.v1.RejectRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.WorkflowRun;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The remediation loop on the real Liberty server, driven only through the hub's public APIs.
 * The integration-test server runs the demo sped up (see the liberty pom): 30 s after deployment
 * {@code checkout-api} starts failing (error burst), 15 s later {@code payments} (latency creep).
 * The test pins which path each takes by its workflows — {@code auto-restart} acts on checkout-api
 * on its own, {@code careful-restart} asks a person about payments — so neither depends on the
 * model's confidence of the day. Rejection and expiry use degradations ingested into projects of
 * their own.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemediationIT {
    static final String DEMO_PROJECT = "default";
    static final String OPERATOR = "it-operator";

    @Deployment(testable = false)
    static WebArchive hub() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("hub.war")));
    }

    final HubClient client = new HubClient();

    @ArquillianResource
    URL base;

    @BeforeEach
    void locate() throws Exception {
        client.base = base.toURI();
    }

    @AfterEach
    void close() {
        client.close();
    }

    RemediateServiceGrpc.RemediateServiceBlockingStub remediate(String project) {
        Metadata user = new Metadata();
        user.put(Metadata.Key.of("x-cc-user", Metadata.ASCII_STRING_MARSHALLER), OPERATOR);
        return HubClient.scoped(RemediateServiceGrpc.newBlockingStub(client.channel), project)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(user));
    }

    static String workflow(String name, String filters, double minConfidence, String expiresAfter) {
        return """
                name: %s
                trigger:
                  on: [prediction.created]
                  filters: {%s}
                approval:
                  min_confidence: %s
                  expires_after: %s
                # the data directory outlives deployments: earlier runs on the demo's services must
                # not use up this test's budget
                blast_radius: {max_per_hour: 100}
                nodes:
                  - id: restart_service
                    agent: devops
                    action: restart
                    inputs:
                      service: $entity.id
                  - id: notify
                    agent: notifier
                    action: sendSlack
                    inputs:
                      message: "Service $entity.id restarted after predicted failure."
                """.formatted(name, filters, minConfidence, expiresAfter);
    }

    /** Runs of a workflow on a target, created since {@code since} (a redeployed hub keeps older ones). */
    List<WorkflowRun> runs(String project, String workflow, String target, Instant since) {
        return remediate(project).listWorkflowRuns(ListWorkflowRunsRequest.newBuilder().setWorkflow(workflow)
                        .setTargetId(target).setPageSize(50).build()).getRunsList().stream()
                .filter(r -> r.getCreateTime().getSeconds() >= since.getEpochSecond() - 1).toList();
    }

    Optional<PredictionAction> action(String project, WorkflowRun run) {
        return remediate(project).listPredictionActions(ListPredictionActionsRequest.newBuilder()
                        .setPredictionId(run.getPrediction().getPredictionId()).build()).getActionsList().stream()
                .filter(a -> a.getRunId().equals(run.getRunId())).findFirst();
    }

    static Instant deployedAt;

    @Test
    @Order(1)
    void workflows_badDocumentsAreRefusedWithLineAndField_overGrpcAndRest_goodOnesGetRevisions() throws Exception {
        deployedAt = Instant.now();
        // a clean slate: approvals left pending by an earlier deployment of this data directory are refused
        for (Approval left : remediate(DEMO_PROJECT).listApprovals(ListApprovalsRequest.getDefaultInstance())
                .getApprovalsList()) {
            remediate(DEMO_PROJECT).reject(RejectRequest.newBuilder().setApprovalId(left.getApprovalId())
                    .setReason("left over from an earlier deployment").build());
        }

        String bad = workflow("auto-restart", "targetId: checkout-api", 0.0, "30m").replace("agent: devops", "agent: dev0ps");
        assertThatThrownBy(() -> remediate(DEMO_PROJECT).putWorkflow(PutWorkflowRequest.newBuilder().setYaml(bad).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    BadRequest details = badRequest(e);
                    assertThat(details.getFieldViolationsList()).anySatisfy(v -> {
                        assertThat(v.getField()).isEqualTo("nodes[0].agent");
                        assertThat(v.getDescription()).contains("line 13");
                    });
                });
        HttpResponse<String> rest = client.http.send(HubClient.authorized(client.base.resolve("api/workflows"))
                .header("Content-Type", "application/yaml").header("X-CC-Project", DEMO_PROJECT)
                .PUT(HttpRequest.BodyPublishers.ofString("name: x\ntrigger: {on: [prediction.created]}\nnodes: []\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(rest.statusCode()).isEqualTo(400);
        assertThat(rest.body()).contains("\"field\":\"nodes\"");

        PutWorkflowResponse automatic = remediate(DEMO_PROJECT).putWorkflow(PutWorkflowRequest.newBuilder()
                .setYaml(workflow("auto-restart", "recommendedAction: restart, targetId: checkout-api", 0.0, "30m")).build());
        PutWorkflowResponse careful = remediate(DEMO_PROJECT).putWorkflow(PutWorkflowRequest.newBuilder()
                .setYaml(workflow("careful-restart", "targetId: payments", 1.0, "30m")).build());
        assertThat(automatic.getWorkflow().getRevision()).isPositive();
        assertThat(careful.getWorkflow().getName()).isEqualTo("careful-restart");
        HttpResponse<String> listed = client.get("/api/workflows", DEMO_PROJECT);
        assertThat(listed.body()).contains("\"name\":\"auto-restart\"").contains("\"name\":\"careful-restart\"")
                .contains("\"name\":\"auto-scale\"");
    }

    @Test
    @Order(2)
    void aDemoServiceDegrades_isPredicted_restartedAutomatically_recovers_andTheOutcomeIsRecorded() {
        WorkflowRun[] run = new WorkflowRun[1];
        await().atMost(150, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).until(() -> {
            run[0] = runs(DEMO_PROJECT, "auto-restart", "checkout-api", deployedAt).stream()
                    .filter(r -> r.getState() == RunState.RUN_STATE_SUCCEEDED).findFirst().orElse(null);
            return run[0] != null;
        });
        WorkflowRun done = run[0];
        assertThat(done.getMode()).isEqualTo("automatic");
        assertThat(done.getTriggerSubject()).startsWith("prediction.created");
        assertThat(done.getPrediction().getRecommendedAction()).isEqualTo("restart");
        assertThat(done.getPrediction().getRisk()).isGreaterThanOrEqualTo(done.getPrediction().getThreshold());
        NodeRun restart = done.getNodes(0);
        assertThat(restart.getId()).isEqualTo("restart_service");
        assertThat(restart.getState()).isEqualTo(NodeState.NODE_STATE_SUCCEEDED);
        assertThat(restart.getAttempts()).isEqualTo(1);
        assertThat(restart.getOutputJson()).contains("\"executor\":\"demo\"").contains("checkout-api");

        PredictionAction[] decided = new PredictionAction[1];
        await().atMost(60, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).until(() -> {
            decided[0] = action(DEMO_PROJECT, done).orElse(null);
            return decided[0] != null && !decided[0].getOutcome().isEmpty();
        });
        assertThat(decided[0].getDecision()).isEqualTo("automatic");
        assertThat(decided[0].getOutcome()).isEqualTo("recovered");
        assertThat(decided[0].getRiskAfter()).isLessThan(done.getPrediction().getThreshold());
        // one incident, one restart: the prediction was not repeated into a second run
        assertThat(runs(DEMO_PROJECT, "auto-restart", "checkout-api", deployedAt)).hasSize(1);
    }

    @Test
    @Order(3)
    void aLessCertainCase_waitsForAPerson_andRunsOnlyOnceApproved() throws Exception {
        Approval[] pending = new Approval[1];
        await().atMost(150, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).until(() -> {
            pending[0] = remediate(DEMO_PROJECT).listApprovals(ListApprovalsRequest.getDefaultInstance())
                    .getApprovalsList().stream().filter(a -> a.getWorkflow().equals("careful-restart")
                            && a.getPrediction().getTarget().getId().equals("payments")).findFirst().orElse(null);
            return pending[0] != null;
        });
        Approval approval = pending[0];
        assertThat(approval.getReasonRequested()).contains("is below 1.00");
        assertThat(approval.getPrediction().getFactorsCount()).isPositive();
        assertThat(approval.getActionsList()).containsExactly("devops.restart", "notifier.sendSlack");
        WorkflowRun waiting = remediate(DEMO_PROJECT).getWorkflowRun(GetWorkflowRunRequest.newBuilder()
                .setRunId(approval.getRunId()).build()).getRun();
        assertThat(waiting.getState()).isEqualTo(RunState.RUN_STATE_AWAITING_APPROVAL);
        assertThat(waiting.getNodesList()).allSatisfy(n -> assertThat(n.getTaskId()).isEmpty());

        HttpResponse<String> approved = client.http.send(HubClient.authorized(
                        client.base.resolve("api/approvals/" + approval.getApprovalId() + "/approve"))
                .header("X-CC-Project", DEMO_PROJECT).header("X-CC-User", OPERATOR)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"memory climbing, restart it\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

        WorkflowRun[] run = new WorkflowRun[1];
        await().atMost(60, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            run[0] = remediate(DEMO_PROJECT).getWorkflowRun(GetWorkflowRunRequest.newBuilder()
                    .setRunId(approval.getRunId()).build()).getRun();
            return run[0].getState() == RunState.RUN_STATE_SUCCEEDED;
        });
        assertThat(run[0].getMode()).isEqualTo("approved");
        assertThat(run[0].getNodes(0).getOutputJson()).contains("payments");
        PredictionAction decided = action(DEMO_PROJECT, run[0]).orElseThrow();
        assertThat(decided.getDecision()).isEqualTo("approved");
        assertThat(decided.getDecidedBy()).isEqualTo(OPERATOR + " (key admin)");
        assertThat(decided.getReason()).isEqualTo("memory climbing, restart it");
        // the same approval cannot be decided twice
        HttpResponse<String> again = client.http.send(HubClient.authorized(
                        client.base.resolve("api/approvals/" + approval.getApprovalId() + "/reject"))
                .header("X-CC-Project", DEMO_PROJECT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"too late\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isIn(409, 412);
    }

    @Test
    @Order(4)
    void aRejectedApproval_runsNothing_andAnExpiredOneNeverApproves() throws Exception {
        String rejecting = project("reject");
        String expiring = project("expire");
        remediate(rejecting).putWorkflow(PutWorkflowRequest.newBuilder()
                .setYaml(workflow("careful-restart", "entity: service", 1.0, "30m")).build());
        remediate(expiring).putWorkflow(PutWorkflowRequest.newBuilder()
                .setYaml(workflow("careful-restart", "entity: service", 1.0, "2s")).build());
        client.ingest(rejecting, degrading("orders")).get(60, TimeUnit.SECONDS);
        client.ingest(expiring, degrading("ledger")).get(60, TimeUnit.SECONDS);

        Approval toReject = awaitApproval(rejecting, ApprovalState.APPROVAL_STATE_PENDING);
        assertThatThrownBy(() -> remediate(rejecting).reject(RejectRequest.newBuilder()
                .setApprovalId(toReject.getApprovalId()).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(badRequest(e).getFieldViolations(0).getField()).isEqualTo("reason");
                });
        remediate(rejecting).reject(RejectRequest.newBuilder().setApprovalId(toReject.getApprovalId())
                .setReason("orders is being migrated, leave it").build());
        WorkflowRun rejected = remediate(rejecting).getWorkflowRun(GetWorkflowRunRequest.newBuilder()
                .setRunId(toReject.getRunId()).build()).getRun();
        assertThat(rejected.getState()).isEqualTo(RunState.RUN_STATE_REJECTED);
        assertThat(rejected.getNodesList()).allSatisfy(n -> {
            assertThat(n.getTaskId()).isEmpty();
            assertThat(n.getAttempts()).isZero();
        });
        PredictionAction no = action(rejecting, rejected).orElseThrow();
        assertThat(no.getDecision()).isEqualTo("rejected");
        assertThat(no.getDecidedBy()).isEqualTo(OPERATOR + " (key admin)");

        Approval expired = awaitApproval(expiring, ApprovalState.APPROVAL_STATE_EXPIRED);
        WorkflowRun lapsed = remediate(expiring).getWorkflowRun(GetWorkflowRunRequest.newBuilder()
                .setRunId(expired.getRunId()).build()).getRun();
        assertThat(lapsed.getState()).isEqualTo(RunState.RUN_STATE_REJECTED);
        assertThat(lapsed.getNodesList()).allSatisfy(n -> assertThat(n.getTaskId()).isEmpty());
        assertThat(action(expiring, lapsed).orElseThrow().getDecision()).isEqualTo("expired");
    }

    Approval awaitApproval(String project, ApprovalState state) {
        Approval[] found = new Approval[1];
        await().atMost(90, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            found[0] = remediate(project).listApprovals(ListApprovalsRequest.newBuilder().setState(state).build())
                    .getApprovalsList().stream().findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    static String project(String what) {
        return "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Four hours of a healthy service at one sample a minute, then ten minutes of failing. */
    static List<IngestRequest> degrading(String service) {
        return degrading(service, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), "");
    }

    /** The same, ending at {@code end}, record ids prefixed with {@code tag} (ids are idempotency keys). */
    static List<IngestRequest> degrading(String service, Instant end, String tag) {
        SplittableRandom random = new SplittableRandom(service.hashCode());
        List<IngestRequest> requests = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            double p = i < 240 ? 0 : Math.min(1, (i - 239) / 10.0);
            requests.add(IngestRequest.newBuilder().setRecord(io.commandcenter.proto.v1.TelemetryRecord.newBuilder()
                    .setHealthSample(io.commandcenter.proto.v1.HealthSample.newBuilder().setRecordId(tag + service + "-" + i)
                            .setService(service).setTime(com.google.protobuf.Timestamp.newBuilder()
                                    .setSeconds(end.minusSeconds(60L * (249 - i)).getEpochSecond()))
                            .setLatencyMs(100 + random.nextDouble(-5, 5)).setErrorRate(0.001 + 0.5 * p)
                            .setUptime(1 - 0.5 * p))).build());
        }
        return requests;
    }

    static BadRequest badRequest(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).isNotNull();
        return status.getDetailsList().stream().filter(a -> a.is(BadRequest.class)).findFirst().map(a -> {
            try {
                return a.unpack(BadRequest.class);
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new AssertionError(x);
            }
        }).orElseThrow(() -> new AssertionError("no BadRequest in " + status));
    }
}
