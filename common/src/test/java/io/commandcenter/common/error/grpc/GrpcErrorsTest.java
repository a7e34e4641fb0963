package io.commandcenter.common.error.grpc;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GrpcErrorsTest {

    @Test
    void everyKind_hasItsOwnCode() {
        assertThat(GrpcErrors.code(ErrorKind.INVALID)).isEqualTo(Code.INVALID_ARGUMENT);
        assertThat(GrpcErrors.code(ErrorKind.NOT_FOUND)).isEqualTo(Code.NOT_FOUND);
        assertThat(GrpcErrors.code(ErrorKind.CONFLICT)).isEqualTo(Code.ALREADY_EXISTS);
        assertThat(GrpcErrors.code(ErrorKind.PRECONDITION)).isEqualTo(Code.FAILED_PRECONDITION);
        assertThat(GrpcErrors.code(ErrorKind.CONTENTION)).isEqualTo(Code.ABORTED);
        assertThat(GrpcErrors.code(ErrorKind.EXHAUSTED)).isEqualTo(Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcErrors.code(ErrorKind.UNAVAILABLE)).isEqualTo(Code.UNAVAILABLE);
        assertThat(GrpcErrors.code(ErrorKind.UNAUTHENTICATED)).isEqualTo(Code.UNAUTHENTICATED);
        assertThat(GrpcErrors.code(ErrorKind.PERMISSION_DENIED)).isEqualTo(Code.PERMISSION_DENIED);
    }

    @Test
    void toStatus_carriesReasonMetadataAndFields() throws Exception {
        CommandCenterException e = new CommandCenterException(ErrorKind.INVALID, "BAD", "bad request",
                Map.of("limit", "10"), java.util.List.of(new io.commandcenter.common.error.FieldViolation(
                        "records[3].id", "REQUIRED", "id is required")), null);

        StatusRuntimeException status = GrpcErrors.toStatus(e);

        com.google.rpc.Status rich = StatusProto.fromThrowable(status);
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(rich.getMessage()).isEqualTo("bad request");
        ErrorInfo info = rich.getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("BAD");
        assertThat(info.getDomain()).isEqualTo(GrpcErrors.DOMAIN);
        assertThat(info.getMetadataMap()).containsEntry("limit", "10");
        BadRequest bad = rich.getDetails(1).unpack(BadRequest.class);
        assertThat(bad.getFieldViolations(0).getField()).isEqualTo("records[3].id");
        assertThat(bad.getFieldViolations(0).getReason()).isEqualTo("REQUIRED");
    }

    @Test
    void toStatus_ofAnUnexpectedFailure_isInternalWithAnErrorId_andNoStackTrace() throws Exception {
        StatusRuntimeException status = GrpcErrors.toStatus(new IllegalStateException("secret detail"));

        com.google.rpc.Status rich = StatusProto.fromThrowable(status);
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(rich.getMessage()).doesNotContain("secret detail").startsWith("internal error ");
        assertThat(rich.getDetails(0).unpack(ErrorInfo.class).getMetadataMap()).containsKey("error_id");
    }

    @Test
    void toStatus_passesAStatusThrough() {
        StatusRuntimeException given = Status.CANCELLED.asRuntimeException();

        assertThat(GrpcErrors.toStatus((Throwable) given)).isSameAs(given);
    }
}
