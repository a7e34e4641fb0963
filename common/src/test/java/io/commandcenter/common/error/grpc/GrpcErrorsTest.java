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
        assertThat(GrpcErrors.code(ErrorKind.TOO_LARGE)).isEqualTo(Code.RESOURCE_EXHAUSTED);
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

    @Test
    void anErrorEchoingHugeValues_staysWithinTheBound_namesTheFirstFields_andCountsTheRest() throws Exception {
        java.util.List<io.commandcenter.common.error.FieldViolation> violations = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            violations.add(new io.commandcenter.common.error.FieldViolation("records[" + i + "].record_id", "TOO_LONG",
                    "record_id '" + "x".repeat(1 << 20) + "' is longer than 128 characters"));
        }
        CommandCenterException e = new CommandCenterException(ErrorKind.INVALID, "RECORDS_REJECTED",
                "100 records rejected; first: " + "x".repeat(1 << 20), Map.of("rejected", "100"), violations, null);
        com.google.protobuf.Struct large = com.google.protobuf.Struct.newBuilder().putFields("v",
                com.google.protobuf.Value.newBuilder().setStringValue("y".repeat(10_000)).build()).build();

        com.google.rpc.Status rich = StatusProto.fromThrowable(GrpcErrors.withDetails(e, large));

        assertThat(rich.getSerializedSize()).isLessThanOrEqualTo(GrpcErrors.MAX_ERROR_BYTES);
        assertThat(rich.getMessage()).hasSizeLessThanOrEqualTo(512).endsWith("…");
        ErrorInfo info = rich.getDetails(0).unpack(ErrorInfo.class);
        BadRequest bad = rich.getDetails(1).unpack(BadRequest.class);
        assertThat(bad.getFieldViolationsList()).isNotEmpty().hasSizeLessThanOrEqualTo(20);
        assertThat(bad.getFieldViolations(0).getField()).isEqualTo("records[0].record_id");
        assertThat(bad.getFieldViolations(0).getDescription()).startsWith("record_id 'xxx").endsWith("…");
        assertThat(info.getMetadataMap()).containsEntry("rejected", "100")
                .containsEntry(GrpcErrors.VIOLATIONS_OMITTED, Integer.toString(100 - bad.getFieldViolationsCount()))
                .containsEntry(GrpcErrors.DETAILS_OMITTED, "1");
    }

    @Test
    void aSmallExtraDetail_isKept() throws Exception {
        CommandCenterException e = CommandCenterException.invalid("REQUIRED", "name", "name is required");

        com.google.rpc.Status rich = StatusProto.fromThrowable(GrpcErrors.withDetails(e,
                com.google.protobuf.StringValue.of("partial")));

        assertThat(rich.getDetailsList()).hasSize(3);
        assertThat(rich.getDetails(2).unpack(com.google.protobuf.StringValue.class).getValue()).isEqualTo("partial");
        assertThat(rich.getDetails(0).unpack(ErrorInfo.class).getMetadataMap()).doesNotContainKeys(
                GrpcErrors.VIOLATIONS_OMITTED, GrpcErrors.DETAILS_OMITTED);
    }
}
