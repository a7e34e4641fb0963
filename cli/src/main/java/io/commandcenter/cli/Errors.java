package io.commandcenter.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * How the CLI reports failures: one line a person can act on, and an exit code per kind. Every code
 * {@code cc} exits with is one of these, each with one meaning (a script branches on them).
 */
public final class Errors {
    /** Done. */
    public static final int OK = 0;
    /** Anything not named below (the hub's INTERNAL, an unexpected failure). */
    public static final int FAILED = 1;
    /** Bad input: a bad option or argument (picocli's usage errors too), a refused request or row. */
    public static final int BAD_INPUT = 2;
    /** The hub cannot be reached, is not serving, or did not answer in time. */
    public static final int UNREACHABLE = 3;
    /** {@code cc audit verify}: the ledger is not intact (altered, missing or not matching an anchor). */
    public static final int LEDGER_ALTERED = 4;
    /** Not signed in (no key, an unknown, expired or revoked one) or the key may not do this. */
    public static final int NOT_ALLOWED = 5;

    private Errors() {
    }

    public static String describe(Throwable e) {
        StatusRuntimeException status = statusOf(e);
        if (status == null && e instanceof io.commandcenter.common.error.CommandCenterException m) {
            return m.reason() + ": " + m.getMessage();
        }
        if (status == null) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
        Status.Code code = status.getStatus().getCode();
        if (code == Status.Code.UNAVAILABLE && status.getStatus().getDescription() != null
                && status.getStatus().getDescription().startsWith("io exception")) {
            return "cannot reach the hub (is it running? --hub host:port): " + code + ": " + status.getStatus().getDescription();
        }
        StringJoiner text = new StringJoiner("; ");
        text.add(code + ": " + status.getStatus().getDescription());
        com.google.rpc.Status rich = StatusProto.fromThrowable(status);
        if (rich != null) {
            for (var detail : rich.getDetailsList()) {
                try {
                    if (detail.is(BadRequest.class)) {
                        for (var v : detail.unpack(BadRequest.class).getFieldViolationsList()) {
                            String description = status.getStatus().getDescription();
                            if (description == null || !description.contains(v.getDescription())) {
                                text.add(v.getField() + ": " + v.getDescription());
                            }
                        }
                    } else if (detail.is(ErrorInfo.class)) {
                        String reason = detail.unpack(ErrorInfo.class).getReason();
                        if (reason.equals("INTERNAL")) {
                            text.add("see the hub's log");
                        }
                    }
                } catch (InvalidProtocolBufferException ignored) {
                    // an unreadable detail adds nothing
                }
            }
        }
        return text.toString();
    }

    /**
     * {@value #BAD_INPUT}: bad input; {@value #UNREACHABLE}: hub unreachable or unavailable;
     * {@value #NOT_ALLOWED}: not signed in or not allowed; {@value #FAILED}: anything else. Never
     * {@value #LEDGER_ALTERED}, which only a verification that found the ledger altered returns.
     */
    public static int exitCode(Throwable e) {
        StatusRuntimeException status = statusOf(e);
        if (status == null) {
            return e instanceof IllegalArgumentException || e instanceof java.io.IOException
                    || e instanceof io.commandcenter.common.error.CommandCenterException ? BAD_INPUT : FAILED;
        }
        return switch (status.getStatus().getCode()) {
            case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, OUT_OF_RANGE -> BAD_INPUT;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> UNREACHABLE;
            case UNAUTHENTICATED, PERMISSION_DENIED -> NOT_ALLOWED;
            default -> FAILED;
        };
    }

    /** The fields a hub error names ({@code google.rpc.BadRequest} details), in order; empty when none. */
    public static List<BadRequest.FieldViolation> violations(Throwable e) {
        StatusRuntimeException status = statusOf(e);
        List<BadRequest.FieldViolation> out = new ArrayList<>();
        com.google.rpc.Status rich = status == null ? null : StatusProto.fromThrowable(status);
        if (rich == null) {
            return out;
        }
        for (var detail : rich.getDetailsList()) {
            try {
                if (detail.is(BadRequest.class)) {
                    out.addAll(detail.unpack(BadRequest.class).getFieldViolationsList());
                }
            } catch (InvalidProtocolBufferException ignored) {
                // an unreadable detail adds nothing
            }
        }
        return out;
    }

    static StatusRuntimeException statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException s) {
                return s;
            }
        }
        return null;
    }
}
