package io.commandcenter.scheduler.grpc;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.RejectedField;
import io.commandcenter.proto.v1.RequestRejected;
import io.grpc.StatusRuntimeException;

/**
 * Agent-stream errors that do not end the stream: a {@link RequestRejected} message with the code,
 * reason and fields the same error would have as a status ({@link GrpcErrors}).
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
                    .setTaskId(taskId == null ? "" : taskId).build();
        }
        RequestRejected.Builder r = RequestRejected.newBuilder().setCode(GrpcErrors.code(e.kind()).getNumber())
                .setReason(e.reason()).setMessage(e.getMessage()).setTaskId(taskId == null ? "" : taskId);
        for (FieldViolation v : e.violations()) {
            r.addFields(RejectedField.newBuilder().setField(v.field()).setReason(v.reason())
                    .setDescription(v.message()));
        }
        return r.build();
    }
}
