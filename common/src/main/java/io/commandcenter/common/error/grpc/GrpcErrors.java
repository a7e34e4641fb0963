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
import io.commandcenter.common.error.ShownError;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * The most bytes an error's message and details take together, serialized: base64 in the
     * trailers beside the percent-encoded message, well inside a standard client's 8 KiB.
     */
    public static final int MAX_ERROR_BYTES = 3072;
    /** ErrorInfo metadata: how many field violations the BadRequest does not list. */
    public static final String VIOLATIONS_OMITTED = "violations_omitted";
    /** ErrorInfo metadata: how many extra details were left out to keep the error small. */
    public static final String DETAILS_OMITTED = "details_omitted";
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
            case EXHAUSTED, TOO_LARGE -> Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Code.UNAVAILABLE;
            case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
        };
    }

    /** The status of an error. */
    public static StatusRuntimeException toStatus(CommandCenterException e) {
        return withDetails(e);
    }

    /** A status's trailers, never null: what {@code ServerCall.close} takes beside the status. */
    public static io.grpc.Metadata trailers(StatusRuntimeException status) {
        return status.getTrailers() == null ? new io.grpc.Metadata() : status.getTrailers();
    }

    /**
     * The status of an error, with {@code extra} details appended (e.g. a partial result). The whole is
     * bounded ({@link ShownError}): the message and every text echoed are cut, violations past the
     * first ones are counted in ErrorInfo's {@value #VIOLATIONS_OMITTED} metadata, and an extra
     * detail that would take the error past {@value #MAX_ERROR_BYTES} bytes is left out (counted in
     * {@value #DETAILS_OMITTED}).
     */
    public static StatusRuntimeException withDetails(CommandCenterException e, Message... extra) {
        ShownError shown = ShownError.of(e);
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(e.reason()).setDomain(DOMAIN)
                .putAllMetadata(shown.metadata());
        if (shown.omitted() > 0) {
            info.putMetadata(VIOLATIONS_OMITTED, Integer.toString(shown.omitted()));
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code(e.kind()).getNumber())
                .setMessage(shown.message());
        List<Any> details = new ArrayList<>();
        if (!shown.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (FieldViolation v : shown.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(v.field()).setDescription(v.message()).setReason(v.reason()));
            }
            details.add(Any.pack(bad.build()));
        }
        String retryAfter = e.metadata().get(CommandCenterException.RETRY_AFTER_MS);
        if (retryAfter != null) {
            long millis = Long.parseLong(retryAfter);
            details.add(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000)).build()));
        }
        int size = status.build().getSerializedSize() + info.build().getSerializedSize() + 64
                + details.stream().mapToInt(a -> a.getSerializedSize() + 4).sum();
        int omitted = 0;
        for (Message message : extra) {
            Any packed = Any.pack(message);
            if (size + packed.getSerializedSize() + 4 > MAX_ERROR_BYTES) {
                omitted++;
                continue;
            }
            details.add(packed);
            size += packed.getSerializedSize() + 4;
        }
        if (omitted > 0) {
            info.putMetadata(DETAILS_OMITTED, Integer.toString(omitted));
        }
        status.addDetails(Any.pack(info.build())).addAllDetails(details);
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
