package io.commandcenter.hub.remediate.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.Caller;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.AutonomySetting;
import io.commandcenter.hub.remediate.PredictionLookup;
import io.commandcenter.hub.remediate.Decided;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.RemediationStore;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.hub.remediate.WorkflowRevision;
import io.commandcenter.hub.telemetry.PageToken;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.transport.grpc.CallContext;
import io.commandcenter.common.error.grpc.Unary;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowGrammar;
import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.ApprovalState;
import io.commandcenter.proto.v1.ApproveRequest;
import io.commandcenter.proto.v1.ApproveResponse;
import io.commandcenter.proto.v1.CancelWorkflowRunRequest;
import io.commandcenter.proto.v1.CancelWorkflowRunResponse;
import io.commandcenter.proto.v1.DryRunWorkflowRequest;
import io.commandcenter.proto.v1.DryRunWorkflowResponse;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.GetApprovalRequest;
import io.commandcenter.proto.v1.GetApprovalResponse;
import io.commandcenter.proto.v1.GetAutonomyRequest;
import io.commandcenter.proto.v1.GetAutonomyResponse;
import io.commandcenter.proto.v1.GetWorkflowRequest;
import io.commandcenter.proto.v1.GetWorkflowResponse;
import io.commandcenter.proto.v1.GetWorkflowRunRequest;
import io.commandcenter.proto.v1.GetWorkflowRunResponse;
import io.commandcenter.proto.v1.ListApprovalsRequest;
import io.commandcenter.proto.v1.ListApprovalsResponse;
import io.commandcenter.proto.v1.ListPredictionActionsRequest;
import io.commandcenter.proto.v1.ListPredictionActionsResponse;
import io.commandcenter.proto.v1.ListWorkflowRunsRequest;
import io.commandcenter.proto.v1.ListWorkflowRunsResponse;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.ListWorkflowsResponse;
import io.commandcenter.proto.v1.PutWorkflowRequest;
import io.commandcenter.proto.v1.PutWorkflowResponse;
import io.commandcenter.proto.v1.RejectRequest;
import io.commandcenter.proto.v1.RejectResponse;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.SetAutonomyRequest;
import io.commandcenter.proto.v1.SetAutonomyResponse;
import io.commandcenter.proto.v1.TriggerWorkflowRequest;
import io.commandcenter.proto.v1.TriggerWorkflowResponse;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code RemediateService}: validate every field (naming the one at fault), call the
 * {@link RemediationEngine}, map. Each RPC has a twin taking the caller explicitly, shared with the
 * REST mirror.
 */
public final class RemediateGrpcService extends RemediateServiceGrpc.RemediateServiceImplBase {
    static final int MAX_PAGE = 500;
    static final int MAX_REASON = 1024;
    static final int MAX_YAML_BYTES = 64 * 1024;
    private static final Pattern NAME = Pattern.compile(WorkflowGrammar.NAME);

    private final RemediationEngine engine;
    private final PredictionLookup predictions;
    private final RecordRules rules;

    public RemediateGrpcService(RemediationEngine engine, PredictionLookup predictions, RecordRules rules) {
        this.engine = engine;
        this.predictions = predictions;
        this.rules = rules;
    }

    // ---- gRPC

    @Override
    public void listWorkflows(ListWorkflowsRequest request, StreamObserver<ListWorkflowsResponse> observer) {
        Unary.answer(observer, () -> listWorkflows(CallContext.caller(), request));
    }

    @Override
    public void getWorkflow(GetWorkflowRequest request, StreamObserver<GetWorkflowResponse> observer) {
        Unary.answer(observer, () -> getWorkflow(CallContext.caller(), request));
    }

    @Override
    public void putWorkflow(PutWorkflowRequest request, StreamObserver<PutWorkflowResponse> observer) {
        Unary.answer(observer, () -> putWorkflow(CallContext.caller(), request));
    }

    @Override
    public void dryRunWorkflow(DryRunWorkflowRequest request, StreamObserver<DryRunWorkflowResponse> observer) {
        Unary.answer(observer, () -> dryRunWorkflow(CallContext.caller(), request));
    }

    @Override
    public void triggerWorkflow(TriggerWorkflowRequest request, StreamObserver<TriggerWorkflowResponse> observer) {
        Unary.answer(observer, () -> triggerWorkflow(CallContext.caller(), request));
    }

    @Override
    public void getWorkflowRun(GetWorkflowRunRequest request, StreamObserver<GetWorkflowRunResponse> observer) {
        Unary.answer(observer, () -> getWorkflowRun(CallContext.caller(), request));
    }

    @Override
    public void listWorkflowRuns(ListWorkflowRunsRequest request, StreamObserver<ListWorkflowRunsResponse> observer) {
        Unary.answer(observer, () -> listWorkflowRuns(CallContext.caller(), request));
    }

    @Override
    public void cancelWorkflowRun(CancelWorkflowRunRequest request,
                                  StreamObserver<CancelWorkflowRunResponse> observer) {
        Unary.answer(observer, () -> cancelWorkflowRun(CallContext.caller(), request));
    }

    @Override
    public void listApprovals(ListApprovalsRequest request, StreamObserver<ListApprovalsResponse> observer) {
        Unary.answer(observer, () -> listApprovals(CallContext.caller(), request));
    }

    @Override
    public void getApproval(GetApprovalRequest request, StreamObserver<GetApprovalResponse> observer) {
        Unary.answer(observer, () -> getApproval(CallContext.caller(), request));
    }

    @Override
    public void approve(ApproveRequest request, StreamObserver<ApproveResponse> observer) {
        Unary.answer(observer, () -> approve(CallContext.caller(), request));
    }

    @Override
    public void reject(RejectRequest request, StreamObserver<RejectResponse> observer) {
        Unary.answer(observer, () -> reject(CallContext.caller(), request));
    }

    @Override
    public void setAutonomy(SetAutonomyRequest request, StreamObserver<SetAutonomyResponse> observer) {
        Unary.answer(observer, () -> setAutonomy(CallContext.caller(), request));
    }

    @Override
    public void getAutonomy(GetAutonomyRequest request, StreamObserver<GetAutonomyResponse> observer) {
        Unary.answer(observer, () -> getAutonomy(CallContext.caller(), request));
    }

    @Override
    public void listPredictionActions(ListPredictionActionsRequest request,
                                      StreamObserver<ListPredictionActionsResponse> observer) {
        Unary.answer(observer, () -> listPredictionActions(CallContext.caller(), request));
    }

    // ---- workflows

    public ListWorkflowsResponse listWorkflows(Caller caller, ListWorkflowsRequest request) {
        ListWorkflowsResponse.Builder b = ListWorkflowsResponse.newBuilder();
        engine.catalog().latest(caller.project()).forEach(e -> b.addWorkflows(RemediateProtos.summary(e)));
        return b.build();
    }

    public GetWorkflowResponse getWorkflow(Caller caller, GetWorkflowRequest request) {
        Violations v = new Violations();
        name(v, "name", request.getName());
        if (request.getRevision() < 0) {
            v.add("revision", "OUT_OF_RANGE", "revision must be >= 0 (0: the current one)");
        }
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        ProjectId project = caller.project();
        WorkflowCatalog.Entry current = engine.catalog().require(project, request.getName(), "name");
        WorkflowCatalog.Entry asked = request.getRevision() == 0 ? current
                : engine.catalog().pinned(project, request.getName(), request.getRevision());
        GetWorkflowResponse.Builder b = GetWorkflowResponse.newBuilder().setWorkflow(RemediateProtos.summary(asked))
                .setYaml(asked.revision().source());
        for (WorkflowRevision r : engine.store().revisions(project, request.getName())) {
            b.addRevisions(RemediateProtos.summary(engine.catalog().pinned(project, r.name(), r.revision())));
        }
        return b.build();
    }

    public PutWorkflowResponse putWorkflow(Caller caller, PutWorkflowRequest request) {
        yaml(request.getYaml(), "yaml", true);
        WorkflowCatalog.Put put = engine.catalog().put(caller.project(), request.getYaml(), caller.principal());
        return PutWorkflowResponse.newBuilder().setWorkflow(RemediateProtos.summary(put.entry()))
                .setCreated(put.created()).build();
    }

    public DryRunWorkflowResponse dryRunWorkflow(Caller caller, DryRunWorkflowRequest request) {
        Violations v = new Violations();
        boolean byName = !request.getName().isEmpty();
        boolean byYaml = !request.getYaml().isEmpty();
        if (byName == byYaml) {
            v.add(byName ? "yaml" : "name", byName ? "CONFLICT" : "REQUIRED",
                    "give the name of a stored workflow or a workflow's yaml, exactly one");
        }
        if (byName) {
            name(v, "name", request.getName());
        }
        rules.optionalId(v, "prediction_id", request.getPredictionId(), 128);
        target(v, request.hasTarget(), request.getTarget());
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        ProjectId project = caller.project();
        Workflow workflow;
        int revision;
        if (byName) {
            WorkflowCatalog.Entry entry = engine.catalog().require(project, request.getName(), "name");
            workflow = entry.workflow();
            revision = entry.revision().revision();
        } else {
            yaml(request.getYaml(), "yaml", true);
            workflow = engine.catalog().parse(request.getYaml());
            revision = 0;
        }
        Optional<PredictionRecord> prediction = prediction(project, request.getPredictionId());
        return RemediateProtos.dryRun(engine.dryRun(project, workflow, revision, prediction,
                request.getTarget().getKind(), request.getTarget().getId()));
    }

    public TriggerWorkflowResponse triggerWorkflow(Caller caller, TriggerWorkflowRequest request) {
        Violations v = new Violations();
        name(v, "name", request.getName());
        rules.optionalId(v, "prediction_id", request.getPredictionId(), 128);
        target(v, request.hasTarget(), request.getTarget());
        rules.text(v, "reason", request.getReason(), MAX_REASON);
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        RunRecord run = engine.trigger(caller.project(), request.getName(), request.getPredictionId(),
                request.getTarget().getKind(), request.getTarget().getId(), caller.principal(), request.getReason());
        return TriggerWorkflowResponse.newBuilder().setRun(run(run)).build();
    }

    // ---- runs

    public GetWorkflowRunResponse getWorkflowRun(Caller caller, GetWorkflowRunRequest request) {
        Violations v = new Violations();
        rules.requiredId(v, "run_id", request.getRunId(), 64);
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        return GetWorkflowRunResponse.newBuilder().setRun(run(engine.run(caller.project(), request.getRunId())))
                .build();
    }

    public ListWorkflowRunsResponse listWorkflowRuns(Caller caller, ListWorkflowRunsRequest request) {
        Violations v = new Violations();
        if (!request.getWorkflow().isEmpty()) {
            name(v, "workflow", request.getWorkflow());
        }
        if (request.getStateValue() != 0 && request.getState() == RunState.UNRECOGNIZED) {
            v.add("state", "UNKNOWN_STATE", "unknown run state " + request.getStateValue());
        }
        rules.optionalId(v, "target_id", request.getTargetId(), 128);
        int size = pageSize(v, request.getPageSize());
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        var state = RemediateProtos.state(request.getState());
        int fingerprint = Objects.hash("runs", request.getWorkflow(), request.getStateValue(), request.getTargetId());
        Optional<PageToken.Position> after = PageToken.decode(request.getPageToken(), fingerprint, "page_token");
        List<RunRecord> rows = engine.store().runs(caller.project(), new RemediationStore.RunQuery(
                emptyToNull(request.getWorkflow()), state, emptyToNull(request.getTargetId()), size,
                after.map(PageToken.Position::time).orElse(null), after.map(PageToken.Position::id).orElse(null)));
        ListWorkflowRunsResponse.Builder b = ListWorkflowRunsResponse.newBuilder();
        rows.stream().limit(size).forEach(r -> b.addRuns(run(r)));
        if (rows.size() > size) {
            RunRecord last = rows.get(size - 1);
            b.setNextPageToken(PageToken.encode(fingerprint, last.createdAt(), last.runId()));
        }
        return b.build();
    }

    public CancelWorkflowRunResponse cancelWorkflowRun(Caller caller, CancelWorkflowRunRequest request) {
        Violations v = new Violations();
        rules.requiredId(v, "run_id", request.getRunId(), 64);
        rules.text(v, "reason", request.getReason(), MAX_REASON);
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        RunRecord run = engine.cancel(caller.project(), request.getRunId(), caller.principal(), request.getReason());
        return CancelWorkflowRunResponse.newBuilder().setRun(run(run)).build();
    }

    private io.commandcenter.proto.v1.WorkflowRun run(RunRecord run) {
        return RemediateProtos.run(run, run.predictionId() == null ? Optional.empty()
                : predictions.find(run.project(), run.predictionId()));
    }

    // ---- approvals

    public ListApprovalsResponse listApprovals(Caller caller, ListApprovalsRequest request) {
        Violations v = new Violations();
        if (request.getState() == ApprovalState.UNRECOGNIZED) {
            v.add("state", "UNKNOWN_STATE", "unknown approval state " + request.getStateValue());
        }
        int size = pageSize(v, request.getPageSize());
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        ListApprovalsResponse.Builder b = ListApprovalsResponse.newBuilder();
        engine.approvals(caller.project(), RemediateProtos.approvalState(request.getState()).orElse(null), size)
                .forEach(a -> b.addApprovals(approval(a)));
        return b.build();
    }

    public GetApprovalResponse getApproval(Caller caller, GetApprovalRequest request) {
        Violations v = new Violations();
        rules.requiredId(v, "approval_id", request.getApprovalId(), 64);
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        ApprovalRecord a = engine.store().approval(request.getApprovalId())
                .filter(found -> found.project().equals(caller.project()))
                .orElseThrow(() -> CommandCenterException.notFound("APPROVAL_NOT_FOUND", "no approval "
                        + request.getApprovalId() + " in project " + caller.project()));
        return GetApprovalResponse.newBuilder().setApproval(approval(a)).build();
    }

    public ApproveResponse approve(Caller caller, ApproveRequest request) {
        checkDecision(request.getApprovalId(), request.getReason(), false);
        Decided d = engine.approve(caller.project(), request.getApprovalId(), caller.principal(),
                request.getReason());
        return ApproveResponse.newBuilder().setApproval(approval(d.approval())).setRun(run(d.run())).build();
    }

    public RejectResponse reject(Caller caller, RejectRequest request) {
        checkDecision(request.getApprovalId(), request.getReason(), true);
        Decided d = engine.reject(caller.project(), request.getApprovalId(), caller.principal(),
                request.getReason());
        return RejectResponse.newBuilder().setApproval(approval(d.approval())).build();
    }

    private void checkDecision(String approvalId, String reason, boolean reasonRequired) {
        Violations v = new Violations();
        rules.requiredId(v, "approval_id", approvalId, 64);
        if (reasonRequired && reason.isBlank()) {
            v.add("reason", "REQUIRED", "a rejection needs a reason: it labels the prediction for retraining");
        }
        rules.text(v, "reason", reason, MAX_REASON);
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
    }

    private Approval approval(ApprovalRecord a) {
        return RemediateProtos.approval(a, a.predictionId() == null ? Optional.empty()
                : predictions.find(a.project(), a.predictionId()), RemediateProtos.actions(engine.catalog(), a),
                engine.store().run(a.runId()));
    }

    // ---- kill switch and decisions

    public SetAutonomyResponse setAutonomy(Caller caller, SetAutonomyRequest request) {
        Violations v = new Violations();
        rules.text(v, "reason", request.getReason(), MAX_REASON);
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        if (request.getGlobal()) {
            caller.require(Permission.ADMINISTER, true);
        }
        String scope = request.getGlobal() ? AutonomySetting.GLOBAL : caller.project().value();
        AutonomySetting s = engine.setAutonomy(scope, request.getPaused(), caller.principal(), request.getReason());
        return SetAutonomyResponse.newBuilder().setAutonomy(RemediateProtos.autonomy(Optional.of(s), scope)).build();
    }

    public GetAutonomyResponse getAutonomy(Caller caller, GetAutonomyRequest request) {
        Optional<AutonomySetting> project = engine.autonomy(caller.project().value());
        Optional<AutonomySetting> global = engine.autonomy(AutonomySetting.GLOBAL);
        boolean automatic = !project.map(AutonomySetting::paused).orElse(false)
                && !global.map(AutonomySetting::paused).orElse(false);
        return GetAutonomyResponse.newBuilder()
                .setProject(RemediateProtos.autonomy(project, caller.project().value()))
                .setGlobal(RemediateProtos.autonomy(global, AutonomySetting.GLOBAL))
                .setAutomatic(automatic).build();
    }

    public ListPredictionActionsResponse listPredictionActions(Caller caller, ListPredictionActionsRequest request) {
        Violations v = new Violations();
        rules.optionalId(v, "prediction_id", request.getPredictionId(), 128);
        rules.optionalId(v, "run_id", request.getRunId(), 128);
        int size = pageSize(v, request.getPageSize());
        v.throwIfAny("INVALID_ARGUMENT", "invalid request");
        int fingerprint = Objects.hash("actions", request.getPredictionId(), request.getRunId());
        Optional<PageToken.Position> after = PageToken.decode(request.getPageToken(), fingerprint, "page_token");
        List<ActionRecord> rows = engine.store().actions(caller.project(), emptyToNull(request.getPredictionId()),
                emptyToNull(request.getRunId()), size, after.map(PageToken.Position::time).orElse(null), after.map(PageToken.Position::id).orElse(null));
        ListPredictionActionsResponse.Builder b = ListPredictionActionsResponse.newBuilder();
        rows.stream().limit(size).forEach(a -> b.addActions(RemediateProtos.action(a)));
        if (rows.size() > size) {
            ActionRecord last = rows.get(size - 1);
            b.setNextPageToken(PageToken.encode(fingerprint, last.decidedAt(), last.actionId()));
        }
        return b.build();
    }

    // ---- checks

    private Optional<PredictionRecord> prediction(ProjectId project, String id) {
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(predictions.find(project, id).orElseThrow(() -> CommandCenterException.notFound(
                "PREDICTION_NOT_FOUND", "no prediction " + id + " in project " + project)));
    }

    private static void name(Violations v, String field, String value) {
        if (value.isEmpty()) {
            v.add(field, "REQUIRED", field + " is required");
        } else if (!NAME.matcher(value).matches()) {
            v.add(field, "BAD_FORMAT", field + " must be 1-64 characters of lowercase letters, digits, '.', '_' or"
                    + " '-', starting with a letter or digit");
        }
    }

    private void target(Violations v, boolean present, EntityRef target) {
        if (present) {
            rules.entityKind(v, "target.kind", target.getKind());
            rules.requiredId(v, "target.id", target.getId(), 128);
        }
    }

    private static void yaml(String yaml, String field, boolean required) {
        if (required && yaml.isBlank()) {
            throw CommandCenterException.invalid("REQUIRED", field, field + " is required: the workflow's YAML");
        }
        int bytes = yaml.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_YAML_BYTES) {
            throw CommandCenterException.invalid("TOO_LARGE", field, field + " is " + bytes + " bytes, at most "
                    + MAX_YAML_BYTES);
        }
    }

    private static int pageSize(Violations v, int pageSize) {
        if (pageSize < 0) {
            v.add("page_size", "OUT_OF_RANGE", "page_size must not be negative");
        }
        return pageSize <= 0 ? 50 : Math.min(pageSize, MAX_PAGE);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
