package io.commandcenter.scheduler.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.ShownError;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.RejectedField;
import io.commandcenter.proto.v1.RequestRejected;
import io.grpc.StatusRuntimeException;

/**
 * Agent-stream errors that do not end the stream: a {@link RequestRejected} message with the code,
 * reason and fields the same error would have as a status ({@link GrpcErrors}), bounded as the
 * status would be ({@link ShownError}).
 */
final class AgentRejections {
    private AgentRejections() {
    }

    /** A refused agent message, for the {@code rejected} answer on {@code ConnectAgent}. */
    static RequestRejected rejected(Throwable t, String taskId) {
        if (!(t instanceof CommandCenterException e)) {
            StatusRuntimeException status = GrpcErrors.toStatus(t);
            return RequestRejected.newBuilder().setCode(status.getStatus().getCode().value()).setReason("INTERNAL")
                    .setMessage(String.valueOf(status.getStatus().getDescription()))
                    .setTaskId(taskId == null ? "" : ShownError.text(taskId, ShownError.MAX_TEXT_BYTES)).build();
        }
        ShownError shown = ShownError.of(e);
        RequestRejected.Builder r = RequestRejected.newBuilder().setCode(GrpcErrors.code(e.kind()).getNumber())
                .setReason(e.reason()).setMessage(shown.message()).setTaskId(taskId == null ? "" : ShownError.text(taskId, ShownError.MAX_TEXT_BYTES));
        for (FieldViolation v : shown.violations()) {
            r.addFields(RejectedField.newBuilder().setField(v.field()).setReason(v.reason())
                    .setDescription(v.message()));
        }
        return r.build();
    }
}
