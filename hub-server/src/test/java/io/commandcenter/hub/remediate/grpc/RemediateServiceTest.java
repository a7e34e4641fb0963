package io.commandcenter.hub.remediate.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Series;
import io.commandcenter.proto.v1.ApproveRequest;
import io.commandcenter.proto.v1.CancelWorkflowRunRequest;
import io.commandcenter.proto.v1.DryRunWorkflowRequest;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.GetApprovalRequest;
import io.commandcenter.proto.v1.GetWorkflowRequest;
import io.commandcenter.proto.v1.GetWorkflowRunRequest;
import io.commandcenter.proto.v1.ListApprovalsRequest;
import io.commandcenter.proto.v1.ListPredictionActionsRequest;
import io.commandcenter.proto.v1.ListWorkflowRunsRequest;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.RejectRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.SetAutonomyRequest;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.commandcenter.proto.v1.TriggerWorkflowRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code RemediateService} over gRPC on an assembled hub: every kind of bad request answers its code
 * with the field at fault, nothing is stored, and the service keeps answering.
 */
public class RemediateServiceTest {
    @TempDir
    static Path dir;
    static Hub hub;
    static ManagedChannel channel;

    public static final String NOTIFY = """
            name: tell-someone
            trigger:
              on: [prediction.created]
            nodes:
              - id: tell
                agent: notifier
                action: sendSlack
                inputs:
                  message: "look at $entity.id"
            """;

    @BeforeAll
    static void start() {
        hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                .intercept(io.commandcenter.hub.testing.Credentials.admin(hub)).build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
    }

    static RemediateServiceGrpc.RemediateServiceBlockingStub api(String project) {
        return GrpcFixture.scoped(RemediateServiceGrpc.newBlockingStub(channel), project);
    }

    /** The call fails with {@code code}, and (for INVALID_ARGUMENT) names {@code field}. */
    public static void refused(Supplier<?> call, Status.Code code, String fieldOrReason) {
        assertThatThrownBy(call::get).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            com.google.rpc.Status status = StatusProto.fromThrowable(e);
            assertThat(status).isNotNull();
            if (code == Status.Code.INVALID_ARGUMENT) {
                assertThat(detail(status, BadRequest.class).getFieldViolationsList())
                        .as(e.getStatus().getDescription())
                        .anySatisfy(v -> assertThat(v.getField()).isEqualTo(fieldOrReason));
            } else {
                assertThat(detail(status, ErrorInfo.class).getReason()).isEqualTo(fieldOrReason);
            }
        });
    }

    static <T extends com.google.protobuf.Message> T detail(com.google.rpc.Status status, Class<T> type) {
        return status.getDetailsList().stream().filter(a -> a.is(type)).findFirst().map(a -> {
            try {
                return a.unpack(type);
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        }).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + status));
    }

    @Test
    void workflows_badRequests_nameTheField_andStoreNothing() {
        var api = api("wf-bad");
        refused(() -> api.getWorkflow(GetWorkflowRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, "name");
        refused(() -> api.getWorkflow(GetWorkflowRequest.newBuilder().setName("Not A Name").build()),
                Status.Code.INVALID_ARGUMENT, "name");
        refused(() -> api.getWorkflow(GetWorkflowRequest.newBuilder().setName("x").setRevision(-1).build()),
                Status.Code.INVALID_ARGUMENT, "revision");
        refused(() -> api.getWorkflow(GetWorkflowRequest.newBuilder().setName("nobody").build()),
                Status.Code.NOT_FOUND, "WORKFLOW_NOT_FOUND");
        refused(() -> api.putWorkflow(PutWorkflowRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, "yaml");
        refused(() -> api.putWorkflow(PutWorkflowRequest.newBuilder().setYaml(NOTIFY.replace("sendSlack", "sendFax"))
                .build()), Status.Code.INVALID_ARGUMENT, "nodes[0].action");
        refused(() -> api.putWorkflow(PutWorkflowRequest.newBuilder().setYaml("name: [unclosed").build()),
                Status.Code.INVALID_ARGUMENT, "");
        refused(() -> api.dryRunWorkflow(DryRunWorkflowRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                "name");
        refused(() -> api.dryRunWorkflow(DryRunWorkflowRequest.newBuilder().setName("tell-someone").setYaml(NOTIFY)
                .build()), Status.Code.INVALID_ARGUMENT, "yaml");
        refused(() -> api.dryRunWorkflow(DryRunWorkflowRequest.newBuilder().setYaml(NOTIFY)
                .setPredictionId("no such prediction!").build()), Status.Code.INVALID_ARGUMENT, "prediction_id");
        refused(() -> api.dryRunWorkflow(DryRunWorkflowRequest.newBuilder().setYaml(NOTIFY)
                .setPredictionId("pred-unknown").build()), Status.Code.NOT_FOUND, "PREDICTION_NOT_FOUND");
        refused(() -> api.triggerWorkflow(TriggerWorkflowRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                "name");
        refused(() -> api.triggerWorkflow(TriggerWorkflowRequest.newBuilder().setName("nobody").build()),
                Status.Code.NOT_FOUND, "WORKFLOW_NOT_FOUND");
        refused(() -> api.triggerWorkflow(TriggerWorkflowRequest.newBuilder().setName("tell-someone")
                        .setTarget(EntityRef.newBuilder().setKind("service").setId("orders\u0000; rm -rf /")).build()),
                Status.Code.INVALID_ARGUMENT, "target.id");
        refused(() -> api.triggerWorkflow(TriggerWorkflowRequest.newBuilder().setName("tell-someone")
                .setReason("x".repeat(1025)).build()), Status.Code.INVALID_ARGUMENT, "reason");

        assertThat(api.listWorkflows(ListWorkflowsRequest.getDefaultInstance()).getWorkflowsList()).isEmpty();
        // and the service still works
        assertThat(api.putWorkflow(PutWorkflowRequest.newBuilder().setYaml(NOTIFY).build()).getCreated()).isTrue();
    }

    @Test
    void runsApprovalsAndDecisions_badRequests_nameTheField() {
        var api = api("runs-bad");
        refused(() -> api.getWorkflowRun(GetWorkflowRunRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                "run_id");
        refused(() -> api.getWorkflowRun(GetWorkflowRunRequest.newBuilder().setRunId("run-nope").build()),
                Status.Code.NOT_FOUND, "RUN_NOT_FOUND");
        refused(() -> api.listWorkflowRuns(ListWorkflowRunsRequest.newBuilder().setPageSize(-1).build()),
                Status.Code.INVALID_ARGUMENT, "page_size");
        refused(() -> api.listWorkflowRuns(ListWorkflowRunsRequest.newBuilder().setStateValue(99).build()),
                Status.Code.INVALID_ARGUMENT, "state");
        refused(() -> api.listWorkflowRuns(ListWorkflowRunsRequest.newBuilder().setPageToken("garbage").build()),
                Status.Code.INVALID_ARGUMENT, "page_token");
        refused(() -> api.cancelWorkflowRun(CancelWorkflowRunRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "run_id");
        refused(() -> api.cancelWorkflowRun(CancelWorkflowRunRequest.newBuilder().setRunId("run-nope").build()),
                Status.Code.NOT_FOUND, "RUN_NOT_FOUND");
        refused(() -> api.listApprovals(ListApprovalsRequest.newBuilder().setStateValue(42).build()),
                Status.Code.INVALID_ARGUMENT, "state");
        refused(() -> api.getApproval(GetApprovalRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                "approval_id");
        refused(() -> api.getApproval(GetApprovalRequest.newBuilder().setApprovalId("ap-nope").build()),
                Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");
        refused(() -> api.approve(ApproveRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, "approval_id");
        refused(() -> api.approve(ApproveRequest.newBuilder().setApprovalId("ap-nope").build()),
                Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");
        refused(() -> api.approve(ApproveRequest.newBuilder().setApprovalId("ap-nope").setReason("x".repeat(1025))
                .build()), Status.Code.INVALID_ARGUMENT, "reason");
        refused(() -> api.reject(RejectRequest.newBuilder().setApprovalId("ap-nope").build()),
                Status.Code.INVALID_ARGUMENT, "reason");
        refused(() -> api.setAutonomy(SetAutonomyRequest.newBuilder().setPaused(true).setReason("x".repeat(1025))
                .build()), Status.Code.INVALID_ARGUMENT, "reason");
        refused(() -> api.listPredictionActions(ListPredictionActionsRequest.newBuilder().setRunId("bad id!")
                .build()), Status.Code.INVALID_ARGUMENT, "run_id");
        refused(() -> api.listPredictionActions(ListPredictionActionsRequest.newBuilder().setPageSize(-5).build()),
                Status.Code.INVALID_ARGUMENT, "page_size");

        // nothing was paused by the refused call; the service still answers
        assertThat(api.getAutonomy(io.commandcenter.proto.v1.GetAutonomyRequest.getDefaultInstance())
                .getAutomatic()).isTrue();
    }

    @Test
    void anApproval_isReadByItsId_withItsTarget_onlyInItsProject() {
        var api = api("approvals");
        api.putWorkflow(PutWorkflowRequest.newBuilder().setYaml("""
                name: ask-first
                trigger:
                  on: [prediction.created]
                approval: {min_confidence: 1.0}
                nodes:
                  - id: tell
                    agent: notifier
                    action: sendSlack
                    inputs:
                      message: "look at $entity.id"
                """).build());
        Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "approvals"),
                Series.degrading("orders", 240, 20, java.time.Instant.now(), 5)).join();
        hub.engine().sync();

        var pending = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() ->
                api.listApprovals(ListApprovalsRequest.getDefaultInstance()).getApprovalsList(), l -> !l.isEmpty());
        var approval = api.getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(pending.get(0).getApprovalId()).build()).getApproval();
        assertThat(approval.getTarget()).isEqualTo(EntityRef.newBuilder().setKind("service").setId("orders").build());
        assertThat(approval.getPrediction().getTarget().getId()).isEqualTo("orders");
        assertThat(approval.getWorkflow()).isEqualTo("ask-first");
        refused(() -> api("someone-else").getApproval(GetApprovalRequest.newBuilder()
                .setApprovalId(approval.getApprovalId()).build()), Status.Code.NOT_FOUND, "APPROVAL_NOT_FOUND");
    }
}
