package io.commandcenter.hub.remediate.grpc;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.events.grpc.ProtoPayload;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.RemediationEvents;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.WorkflowRun;

import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The engine's events on the hub's bus, with protobuf payloads ({@code WorkflowRun},
 * {@code Approval} carrying the whole prediction, {@code PredictionAction}), each in the trace of
 * the prediction behind it.
 */
public final class BusRemediationEvents implements RemediationEvents {
    private final EventBus bus;
    private final WorkflowCatalog catalog;
    private final SplittableRandom random = new SplittableRandom();

    public BusRemediationEvents(EventBus bus, WorkflowCatalog catalog) {
        this.bus = bus;
        this.catalog = catalog;
    }

    private synchronized TraceContext trace(Optional<PredictionRecord> prediction) {
        return TraceContext.continuing(prediction.map(PredictionRecord::traceId).orElse(null), random);
    }

    @Override
    public void runChanged(RunRecord run, Optional<PredictionRecord> prediction) {
        bus.publish(run.project(), "workflow.run." + run.state().name().toLowerCase(Locale.ROOT), trace(prediction),
                new ProtoPayload(WorkflowRun.getDescriptor().getFullName(), run,
                        () -> RemediateProtos.run(run, prediction)));
    }

    @Override
    public void approvalRequested(ApprovalRecord approval, Optional<PredictionRecord> prediction, RunRecord run) {
        publish(approval, prediction, run, "approval.requested");
    }

    @Override
    public void approvalDecided(ApprovalRecord approval, Optional<PredictionRecord> prediction, RunRecord run) {
        publish(approval, prediction, run, "approval." + approval.state().wireName());
    }

    private void publish(ApprovalRecord approval, Optional<PredictionRecord> prediction, RunRecord run,
                         String subject) {
        bus.publish(approval.project(), subject, trace(prediction),
                new ProtoPayload(Approval.getDescriptor().getFullName(), approval,
                        () -> RemediateProtos.approval(approval, prediction, RemediateProtos.actions(catalog,
                                approval), Optional.ofNullable(run))));
    }

    @Override
    public void outcomeObserved(ActionRecord action) {
        bus.publish(action.project(), "remediation.outcome." + action.outcome().wireName(), trace(Optional.empty()),
                new ProtoPayload(PredictionAction.getDescriptor().getFullName(), action,
                        () -> RemediateProtos.action(action)));
    }
}
