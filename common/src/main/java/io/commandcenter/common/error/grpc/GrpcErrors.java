package io.commandcenter.common.error.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.FieldViolation;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.lang.System.Logger.Level;
import java.util.UUID;

/**
 * The one mapping from CommandCenter's errors to gRPC statuses, used by every gRPC service of the
 * hub and the scheduler. Every error carries a {@code google.rpc.ErrorInfo} (reason, domain
 * {@value #DOMAIN}, metadata) and, when fields are at fault, a {@code google.rpc.BadRequest} naming
 * them, so clients branch on the reason and never on the message text.
 */
public final class GrpcErrors {
    /** The ErrorInfo domain of every CommandCenter error. */
    public static final String DOMAIN = "commandcenter.io";
    private static final System.Logger LOG = System.getLogger(GrpcErrors.class.getName());

    private GrpcErrors() {
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
            case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
        };
    }

    /** The status of an error. */
    public static StatusRuntimeException toStatus(CommandCenterException e) {
        return withDetails(e);
    }

    /** The status of an error, with {@code extra} details appended (e.g. a partial result). */
    public static StatusRuntimeException withDetails(CommandCenterException e, Message... extra) {
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(e.reason()).setDomain(DOMAIN)
                .putAllMetadata(e.metadata());
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code(e.kind()).getNumber())
                .setMessage(e.getMessage())
                .addDetails(Any.pack(info.build()));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (FieldViolation v : e.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(v.field()).setDescription(v.message()).setReason(v.reason()));
            }
            status.addDetails(Any.pack(bad.build()));
        }
        String retryAfter = e.metadata().get(CommandCenterException.RETRY_AFTER_MS);
        if (retryAfter != null) {
            long millis = Long.parseLong(retryAfter);
            status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000)).build()));
        }
        for (Message message : extra) {
            status.addDetails(Any.pack(message));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /**
     * The status for any failure: CommandCenter errors map by kind, a status passes through, and
     * anything else is INTERNAL with an error id the client can quote, while the stack trace goes to
     * the log only.
     */
    public static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof CommandCenterException e) {
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
}
