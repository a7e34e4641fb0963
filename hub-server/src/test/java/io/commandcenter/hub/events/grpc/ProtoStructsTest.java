package io.commandcenter.hub.events.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.commandcenter.proto.v1.AuditResult;
import io.commandcenter.proto.v1.AuditStatus;
import io.commandcenter.proto.v1.ComplianceResult;
import io.commandcenter.proto.v1.ComplianceStatus;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.Severity;
import io.commandcenter.proto.v1.TaskRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The direct conversion must give exactly what printing and parsing the JSON mapping gives. */
class ProtoStructsTest {

    static Struct viaJson(com.google.protobuf.Message message) throws Exception {
        Struct.Builder builder = Struct.newBuilder();
        JsonFormat.parser().merge(io.commandcenter.common.proto.ProtoJson.print(message), builder);
        return builder.build();
    }

    @Test
    void matchesTheJsonMapping_forEveryFieldKindTheEventsCarry() throws Exception {
        HealthSample sample = HealthSample.newBuilder().setRecordId("r-1").setService("api")
                .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(123_000))
                .setLatencyMs(12.5).setErrorRate(0).setCpu(0.25).putMetrics("queue", 3).putMetrics("gc.ms", 1.5)
                .build();
        AuditResult audit = AuditResult.newBuilder().setRecordId("a").setTarget(EntityRef.newBuilder().setKind("service").setId("x"))
                .setSuite("cis").setStatus(AuditStatus.AUDIT_STATUS_FAILED)
                .addResults(ComplianceResult.newBuilder().setControlId("1.1")
                        .setStatus(ComplianceStatus.COMPLIANCE_STATUS_NON_COMPLIANT).setSeverity(Severity.SEVERITY_HIGH))
                .build();
        TaskRecord task = TaskRecord.newBuilder().setTaskId("t").setName("n")
                .setExecutionTime(com.google.protobuf.Duration.newBuilder().setSeconds(2).setNanos(500_000_000)).build();
        IngestResponse counts = IngestResponse.newBuilder().setReceived(5_000_000_000L).setAccepted(3).build();

        for (com.google.protobuf.Message message : new com.google.protobuf.Message[]{sample, audit, task, counts}) {
            assertThat(ProtoStructs.toStruct(message)).isEqualTo(viaJson(message));
        }
    }
}
