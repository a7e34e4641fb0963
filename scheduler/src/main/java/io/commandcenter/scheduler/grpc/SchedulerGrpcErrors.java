package io.commandcenter.scheduler.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.commandcenter.proto.v1.RejectedField;
import io.commandcenter.proto.v1.RequestRejected;
import io.commandcenter.scheduler.error.ErrorKind;
import io.commandcenter.scheduler.error.FieldViolation;
import io.commandcenter.scheduler.error.SchedulerException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * The scheduler's one mapping to gRPC, in the hub's style: every error carries a
 * {@code google.rpc.ErrorInfo} (reason, domain {@value #DOMAIN}, metadata) and, when fields are at
 * fault, a {@code google.rpc.BadRequest} naming them; clients branch on the reason. Agent-stream
 * errors that do not end the stream become a {@link RequestRejected} message with the same code,
 * reason and fields.
 */
public final class SchedulerGrpcErrors {
    /** The ErrorInfo domain of every CommandCenter error. */
    public static final String DOMAIN = "commandcenter.io";
    private static final System.Logger LOG = System.getLogger(SchedulerGrpcErrors.class.getName());

    private SchedulerGrpcErrors() {
    }

    /** The gRPC code of an error kind. */
    public static Code code(ErrorKind kind) {
        return switch (kind) {
            case INVALID -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case CONFLICT -> Code.ALREADY_EXISTS;
            case PRECONDITION -> Code.FAILED_PRECONDITION;
            case CONTENTION -> Code.ABORTED;
            case EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Code.UNAVAILABLE;
        };
    }

    /** The status of a scheduler error. */
    public static StatusRuntimeException toStatus(SchedulerException e) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code(e.kind()).getNumber())
                .setMessage(e.getMessage())
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(e.reason()).setDomain(DOMAIN)
                        .putAllMetadata(e.metadata()).build()));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (FieldViolation v : e.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(v.field()).setDescription(v.message()).setReason(v.reason()));
            }
            status.addDetails(Any.pack(bad.build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /**
     * The status for any failure: scheduler errors map by kind; anything else is INTERNAL with an
     * error id the client can quote, while the stack trace goes to the log only.
     */
    public static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof SchedulerException e) {
            return toStatus(e);
        }
        if (t instanceof StatusRuntimeException e) {
            return e;
        }
        String errorId = UUID.randomUUID().toString();
        LOG.log(Level.ERROR, "internal error " + errorId, t);
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.INTERNAL.getNumber())
                .setMessage("internal error " + errorId + " (details in the hub's log)")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("INTERNAL").setDomain(DOMAIN)
                        .putMetadata("error_id", errorId).build()))
                .build());
    }

    /** A refused agent message, for the {@code rejected} answer on {@code ConnectAgent}. */
    public static RequestRejected rejected(Throwable t, String taskId) {
        if (!(t instanceof SchedulerException e)) {
            StatusRuntimeException status = toStatus(t);
            return RequestRejected.newBuilder().setCode(status.getStatus().getCode().value()).setReason("INTERNAL")
                    .setMessage(String.valueOf(status.getStatus().getDescription()))
                    .setTaskId(taskId == null ? "" : taskId).build();
        }
        RequestRejected.Builder r = RequestRejected.newBuilder().setCode(code(e.kind()).getNumber())
                .setReason(e.reason()).setMessage(e.getMessage()).setTaskId(taskId == null ? "" : taskId);
        for (FieldViolation v : e.violations()) {
            r.addFields(RejectedField.newBuilder().setField(v.field()).setReason(v.reason())
                    .setDescription(v.message()));
        }
        return r.build();
    }
}
