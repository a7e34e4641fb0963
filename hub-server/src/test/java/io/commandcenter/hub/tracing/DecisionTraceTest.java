package io.commandcenter.hub.tracing;

import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.metrics.DemoHubFixture;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.ApprovalState;
import io.commandcenter.models.confidence.Confidence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One decision loop is one OpenTelemetry trace, exported by the hub's real OTLP/HTTP exporter to a
 * loopback receiver that decodes the protocol: the demo's automatic restart gives record →
 * prediction → decision → run → each node's task (assigned to an agent) and the outcome, each span
 * the child of the step before; the less certain case adds the approval a person gave.
 */
class DecisionTraceTest {
    @TempDir
    Path dir;

    // the demo's loop takes ~20 s on a quiet machine, far more on a busy one: more than the 60 s default
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    @Test
    void anAutomaticRestart_andAnApprovedOne_areEachOneTrace_withTheRightParents() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
             DemoHubFixture demo = DemoHubFixture.start(dir,
                     TracingSettings.to(receiver.endpoint()).withDelay(Duration.ofMillis(200)))) {
            demo.awaitAutomaticOutcome();
            Map<String, List<OtlpReceiver.Received>> traces = awaitTrace(receiver, demo, "remediation.outcome");
            List<OtlpReceiver.Received> trace = traces.values().iterator().next();
            Map<String, OtlpReceiver.Received> byName = trace.stream().collect(Collectors.toMap(
                    OtlpReceiver.Received::name, s -> s, (a, b) -> a));

            OtlpReceiver.Received record = byName.get("telemetry.record");
            OtlpReceiver.Received prediction = byName.get("prediction");
            OtlpReceiver.Received decision = byName.get("remediation.decision");
            OtlpReceiver.Received run = trace.stream().filter(s -> s.name().startsWith("remediation.run ")).findFirst()
                    .orElseThrow();
            List<OtlpReceiver.Received> tasks = trace.stream().filter(s -> s.name().startsWith("task ")).toList();
            OtlpReceiver.Received outcome = byName.get("remediation.outcome");
            assertThat(List.of(record, prediction, decision, outcome)).doesNotContainNull();
            assertThat(trace.stream().filter(s -> s.name().equals("prediction"))).hasSize(1);
            // the record's parent is the traceparent it was ingested with: not a span of the hub
            assertThat(record.parentSpanId()).isNotEmpty();
            assertThat(trace).noneMatch(s -> s.spanId().equals(record.parentSpanId()));
            assertThat(prediction.parentSpanId()).isEqualTo(record.spanId());
            assertThat(decision.parentSpanId()).isEqualTo(prediction.spanId());
            assertThat(decision.attributes()).containsEntry("cc.decision", "automatic");
            assertThat(run.parentSpanId()).isEqualTo(decision.spanId());
            assertThat(run.attributes()).containsEntry("cc.state", "succeeded");
            assertThat(tasks).isNotEmpty().allSatisfy(t -> {
                assertThat(t.parentSpanId()).isEqualTo(run.spanId());
                assertThat(t.events()).contains("assigned");
                assertThat(t.attributes()).containsEntry("cc.task.state", "succeeded");
                assertThat(t.startNanos()).isBetween(run.startNanos(), run.endNanos());
            });
            assertThat(outcome.parentSpanId()).isEqualTo(decision.spanId());
            assertThat(outcome.attributes()).containsKey("cc.outcome");
            assertThat(trace).allMatch(s -> s.serviceName().equals("commandcenter-hub"));
            // the trace is the one the prediction carries (its W3C trace id)
            PredictionRecord stored = new JpaPredictionRepository(demo.hub.database())
                    .get(DemoHubFixture.PROJECT, prediction.attributes().get("cc.prediction.id")).orElseThrow();
            assertThat(stored.traceId()).isEqualTo(record.traceId());
            assertThat(receiver.contentTypes).allMatch(c -> c.startsWith("application/x-protobuf"));

            // the less certain case: a person approves, and the approval joins that decision's trace
            await().atMost(120, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() ->
                    !demo.hub.remediation().approvals(DemoHubFixture.PROJECT, ApprovalState.PENDING, 10).isEmpty());
            ApprovalRecord pending = demo.hub.remediation().approvals(DemoHubFixture.PROJECT, ApprovalState.PENDING, 10)
                    .get(0);
            demo.hub.remediation().approve(DemoHubFixture.PROJECT, pending.approvalId(), "ana", "go");
            Map<String, List<OtlpReceiver.Received>> approved = awaitTrace(receiver, demo, "approval");
            List<OtlpReceiver.Received> second = approved.values().iterator().next();
            OtlpReceiver.Received secondDecision = second.stream().filter(s -> s.name().equals("remediation.decision"))
                    .findFirst().orElseThrow();
            OtlpReceiver.Received approval = second.stream().filter(s -> s.name().equals("approval")).findFirst()
                    .orElseThrow();
            assertThat(secondDecision.attributes()).containsEntry("cc.decision", "approval");
            assertThat(approval.parentSpanId()).isEqualTo(secondDecision.spanId());
            assertThat(approval.attributes()).containsEntry("cc.approval.state", "approved")
                    .containsEntry("cc.approval.by", "ana");
            await().atMost(60, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).untilAsserted(() -> {
                demo.hub.traces().orElseThrow().flush();
                assertThat(receiver.spans).anyMatch(s -> s.traceId().equals(approval.traceId())
                        && s.name().startsWith("remediation.run ") && s.parentSpanId().equals(secondDecision.spanId()));
            });
        }
    }

    /** Waits for a trace holding a span named {@code name}; returns the spans of the first such trace by trace id. */
    static Map<String, List<OtlpReceiver.Received>> awaitTrace(OtlpReceiver receiver, DemoHubFixture demo,
                                                               String name) {
        await().atMost(60, TimeUnit.SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            demo.hub.traces().orElseThrow().flush();
            return receiver.spans.stream().anyMatch(s -> s.name().equals(name));
        });
        String traceId = receiver.spans.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().traceId();
        return Map.of(traceId, receiver.spans.stream().filter(s -> s.traceId().equals(traceId)).toList());
    }

    /**
     * A client that sends a traceparent with flags {@code 00} (not sampled) still gets the decision loop's
     * trace: in its own trace id, the record's span the child of the client's span.
     */
    @Test
    void aRecordIngestedWithAnUnsampledTraceparent_stillGetsItsDecisionTrace_inTheClientsTrace() throws Exception {
        String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientSpan = "00f067aa0ba902b7";
        Instant at = Instant.parse("2026-12-07T18:00:00Z");
        PredictionRecord p = new PredictionRecord("p-unsampled", DemoHubFixture.PROJECT, "service", "checkout-api",
                "risk", 0.93, new Confidence(0.8, 0.9, 1, 1, 0.9), "restart", List.of(), "service_health", "2.5.0",
                0.8, clientTrace, "mr-1", at, at.plusMillis(5));
        try (OtlpReceiver receiver = new OtlpReceiver();
             DecisionTraces traces = DecisionTraces.start(TracingSettings.to(receiver.endpoint())
                     .withDelay(Duration.ofMillis(200)), "hub-test").orElseThrow()) {
            traces.raised(p, new TraceContext("00-" + clientTrace + "-" + clientSpan + "-00", ""));

            await().atMost(60, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).untilAsserted(() -> {
                traces.flush();
                assertThat(receiver.spans).extracting(OtlpReceiver.Received::name)
                        .contains("telemetry.record", "prediction");
            });
            OtlpReceiver.Received record = receiver.spans.stream().filter(s -> s.name().equals("telemetry.record"))
                    .findFirst().orElseThrow();
            OtlpReceiver.Received prediction = receiver.spans.stream().filter(s -> s.name().equals("prediction"))
                    .findFirst().orElseThrow();
            assertThat(record.traceId()).isEqualTo(clientTrace);
            assertThat(record.parentSpanId()).isEqualTo(clientSpan);
            assertThat(prediction.traceId()).isEqualTo(clientTrace);
            assertThat(prediction.parentSpanId()).isEqualTo(record.spanId());
        }
    }

    @Test
    void tracingOff_buildsNoTracer() throws Exception {
        try (DemoHubFixture demo = DemoHubFixture.start(dir)) {
            assertThat(demo.hub.traces()).isEqualTo(Optional.empty());
        }
    }
}
