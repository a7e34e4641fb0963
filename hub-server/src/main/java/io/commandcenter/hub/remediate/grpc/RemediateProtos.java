package io.commandcenter.hub.remediate.grpc;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.grpc.PredictProtos;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.AutonomySetting;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.DryRun;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.ApprovalState;
import io.commandcenter.proto.v1.Autonomy;
import io.commandcenter.proto.v1.DryRunNode;
import io.commandcenter.proto.v1.DryRunWorkflowResponse;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.NodeRun;
import io.commandcenter.proto.v1.NodeState;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.WorkflowRun;
import io.commandcenter.proto.v1.WorkflowSummary;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper.timestamp;

/** Workflows, runs, approvals and decisions, domain → wire. */
public final class RemediateProtos {
    private RemediateProtos() {
    }

    public static RunState state(io.commandcenter.hub.remediate.RunState s) {
        return RunState.valueOf("RUN_STATE_" + s.name());
    }

    /** @return null for UNSPECIFIED (no filter) */
    public static io.commandcenter.hub.remediate.RunState state(RunState s) {
        return s == RunState.RUN_STATE_UNSPECIFIED ? null
                : io.commandcenter.hub.remediate.RunState.valueOf(s.name().substring("RUN_STATE_".length()));
    }

    static NodeState state(io.commandcenter.hub.remediate.NodeState s) {
        return NodeState.valueOf("NODE_STATE_" + s.name());
    }

    static ApprovalState approvalState(io.commandcenter.hub.remediate.ApprovalState s) {
        return switch (s) {
            case PENDING -> ApprovalState.APPROVAL_STATE_PENDING;
            case APPROVED -> ApprovalState.APPROVAL_STATE_APPROVED;
            case REJECTED -> ApprovalState.APPROVAL_STATE_REJECTED;
            case EXPIRED -> ApprovalState.APPROVAL_STATE_EXPIRED;
        };
    }

    /** The domain's state of a requested one; empty for UNSPECIFIED (any pending). */
    static java.util.Optional<io.commandcenter.hub.remediate.ApprovalState> approvalState(ApprovalState s) {
        return switch (s) {
            case APPROVAL_STATE_PENDING -> java.util.Optional.of(io.commandcenter.hub.remediate.ApprovalState.PENDING);
            case APPROVAL_STATE_APPROVED -> java.util.Optional.of(io.commandcenter.hub.remediate.ApprovalState.APPROVED);
            case APPROVAL_STATE_REJECTED -> java.util.Optional.of(io.commandcenter.hub.remediate.ApprovalState.REJECTED);
            case APPROVAL_STATE_EXPIRED -> java.util.Optional.of(io.commandcenter.hub.remediate.ApprovalState.EXPIRED);
            case APPROVAL_STATE_UNSPECIFIED, UNRECOGNIZED -> java.util.Optional.empty();
        };
    }

    public static WorkflowSummary summary(WorkflowCatalog.Entry entry) {
        Workflow w = entry.workflow();
        WorkflowSummary.Builder b = WorkflowSummary.newBuilder()
                .setName(w.name())
                .setRevision(entry.revision().revision())
                .setDescription(w.description())
                .setCreateTime(timestamp(entry.revision().createdAt()))
                .setCreatedBy(entry.revision().createdBy())
                .setSha256(entry.revision().sha256())
                .setMinConfidence(w.approval().minConfidence())
                .setMaxPerHour(w.blastRadius().maxPerHour());
        w.trigger().on().forEach(p -> b.addOn(p.toString()));
        w.trigger().schedule().ifPresent(s -> b.setSchedule(s.expression() + " (" + s.zone() + ")"));
        w.order().forEach(b::addNodes);
        return b.build();
    }

    public static WorkflowRun run(RunRecord r, Optional<PredictionRecord> prediction) {
        WorkflowRun.Builder b = WorkflowRun.newBuilder()
                .setRunId(r.runId())
                .setWorkflow(r.workflow())
                .setRevision(r.revision())
                .setState(state(r.state()))
                .setMode(r.mode().wireName())
                .setTriggerSubject(r.triggerSubject())
                .setTarget(EntityRef.newBuilder().setKind(r.targetKind()).setId(r.targetId()))
                .setCreateTime(timestamp(r.createdAt()))
                .setError(r.error())
                .setOutcome(r.outcome() == null ? "" : r.outcome().wireName());
        prediction.ifPresent(p -> b.setPrediction(PredictProtos.toProto(p)));
        if (r.startedAt() != null) {
            b.setStartTime(timestamp(r.startedAt()));
        }
        if (r.finishedAt() != null) {
            b.setEndTime(timestamp(r.finishedAt()));
        }
        if (r.approvalId() != null) {
            b.setApprovalId(r.approvalId());
        }
        for (NodeRecord n : r.nodes()) {
            NodeRun.Builder node = NodeRun.newBuilder()
                    .setId(n.nodeId())
                    .setAgent(n.agent())
                    .setAction(n.action())
                    .setState(state(n.state()))
                    .setAttempts(n.attempts())
                    .setTaskId(n.taskId())
                    .putAllInputs(n.inputs())
                    .setOutputJson(n.outputJson())
                    .setError(n.error())
                    .setCompensation(n.compensation());
            if (n.startedAt() != null) {
                node.setStartTime(timestamp(n.startedAt()));
            }
            if (n.finishedAt() != null) {
                node.setEndTime(timestamp(n.finishedAt()));
            }
            b.addNodes(node);
        }
        return b.build();
    }

    /** The nodes an approval's run would run, as {@code agent.action}, in order (empty if its revision no longer loads). */
    public static List<String> actions(WorkflowCatalog catalog, ApprovalRecord a) {
        try {
            Workflow w = catalog.pinned(a.project(), a.workflow(), a.revision()).workflow();
            return w.order().stream().map(w::node).map(n -> n.agent() + "." + n.action()).toList();
        } catch (io.commandcenter.common.error.CommandCenterException e) {
            return List.of();
        }
    }

    /**
     * @param actions the nodes that would run, as {@code agent.action}, in order
     */
    public static Approval approval(ApprovalRecord a, Optional<PredictionRecord> prediction, List<String> actions,
                                    Optional<RunRecord> run) {
        Approval.Builder b = Approval.newBuilder()
                .setApprovalId(a.approvalId())
                .setState(approvalState(a.state()))
                .setWorkflow(a.workflow())
                .setRevision(a.revision())
                .setRunId(a.runId())
                .setReasonRequested(a.reasonRequested())
                .setMinConfidence(a.minConfidence())
                .setBlastRadiusPerHour(a.blastPerHour())
                .setBlastRadiusUsed(a.blastUsed())
                .addAllActions(actions)
                .setRequestTime(timestamp(a.requestedAt()))
                .setExpireTime(timestamp(a.expiresAt()))
                .setDecidedBy(a.decidedBy())
                .setReason(a.reason());
        prediction.ifPresent(p -> b.setPrediction(PredictProtos.toProto(p)));
        run.ifPresent(r -> b.setTarget(EntityRef.newBuilder().setKind(r.targetKind()).setId(r.targetId())));
        if (a.decidedAt() != null) {
            b.setDecideTime(timestamp(a.decidedAt()));
        }
        return b.build();
    }

    public static PredictionAction action(ActionRecord a) {
        PredictionAction.Builder b = PredictionAction.newBuilder()
                .setActionId(a.actionId())
                .setRunId(a.runId())
                .setDecision(a.decision().wireName())
                .setDecidedBy(a.decidedBy())
                .setDecideTime(timestamp(a.decidedAt()))
                .setReason(a.reason())
                .setOutcome(a.outcome() == null ? "" : a.outcome().wireName())
                .setTarget(EntityRef.newBuilder().setKind(a.targetKind()).setId(a.targetId()))
                .setOutcomeJson(a.outcomeJson());
        if (a.predictionId() != null) {
            b.setPredictionId(a.predictionId());
        }
        if (a.outcomeAt() != null) {
            b.setOutcomeTime(timestamp(a.outcomeAt()));
        }
        if (a.riskBefore() != null) {
            b.setRiskBefore(a.riskBefore());
        }
        if (a.riskAfter() != null) {
            b.setRiskAfter(a.riskAfter());
        }
        return b.build();
    }

    public static Autonomy autonomy(Optional<AutonomySetting> setting, String scope) {
        Autonomy.Builder b = Autonomy.newBuilder().setScope(scope);
        setting.ifPresent(s -> b.setPaused(s.paused()).setChangeTime(timestamp(s.changedAt()))
                .setChangedBy(s.changedBy()).setReason(s.reason()));
        return b.build();
    }

    public static DryRunWorkflowResponse dryRun(DryRun d) {
        DryRunWorkflowResponse.Builder b = DryRunWorkflowResponse.newBuilder()
                .setMatches(d.matches())
                .setMatchReason(d.matchReason())
                .setDecision(d.decision().kind().name().toLowerCase(Locale.ROOT))
                .setDecisionReason(d.decision().reason());
        for (DryRun.Node n : d.nodes()) {
            b.addNodes(DryRunNode.newBuilder().setId(n.id()).setAgent(n.agent()).setAction(n.action())
                    .putAllInputs(n.inputs()).addAllDependsOn(n.dependsOn()).setError(n.error())
                    .setCompensation(n.compensation()));
        }
        return b.build();
    }
}
