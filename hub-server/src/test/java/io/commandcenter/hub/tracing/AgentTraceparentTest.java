package io.commandcenter.hub.tracing;

import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.RemediationEvents;
import io.commandcenter.hub.remediate.RunMode;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.proto.v1.AgentAssignment;
import io.commandcenter.proto.v1.AgentRegistration;
import io.commandcenter.proto.v1.ConnectAgentRequest;
import io.commandcenter.proto.v1.ConnectAgentResponse;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.TaskSpec;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A remote agent (gRPC {@code ConnectAgent}) receives, with a task of a traced remediation run, the
 * W3C traceparent of that run's span, so it can continue the decision's trace; a task of no run
 * carries none.
 */
class AgentTraceparentTest {
    @TempDir
    Path dir;

    @Test
    void aTaskOfATracedRun_carriesTheRunsTraceparent_toARemoteAgent() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
             Hub hub = Hub.start(HubSettings.defaults(dir, 0), Clock.systemUTC(),
                     TracingSettings.to(receiver.endpoint()).withDelay(Duration.ofMillis(100)))) {
            DecisionTraces traces = hub.traces().orElseThrow();
            // a decision loop as the engine and the remediation engine report it
            var prediction = io.commandcenter.hub.testing.Predictions.prediction("pred-1", "default", "restart", 0.95,
                    0.97);
            // the record arrived in the trace the prediction keeps (the engine carries it from the event)
            TraceContext ingest = TraceContext.continuing(prediction.traceId(), new SplittableRandom(7));
            traces.raised(prediction, ingest);
            Instant now = Instant.now();
            RunRecord run = new RunRecord("run-1", ProjectId.of("default"), "auto-restart", 1, RunState.RUNNING,
                    RunMode.AUTOMATIC, "prediction.created.risk", "pred-1", "pred-1", "service", "checkout", "k-1",
                    null, "hub-local", "", null, now, now, null, now.plusSeconds(600),
                    List.of(NodeRecord.pending("check", 0, "probe", "check", false)));
            RemediationEvents events = traces.remediationEvents(RemediationEvents.none());
            events.runChanged(run, Optional.of(prediction));

            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext()
                    .intercept(Credentials.admin(hub)).build();
            try {
                BlockingQueue<AgentAssignment> received = new LinkedBlockingQueue<>();
                BlockingQueue<Boolean> registered = new LinkedBlockingQueue<>();
                StreamObserver<ConnectAgentRequest> agent = GrpcFixture.scoped(ScheduleServiceGrpc.newStub(channel),
                        "default").connectAgent(new StreamObserver<>() {
                    @Override
                    public void onNext(ConnectAgentResponse value) {
                        if (value.hasRegistered()) {
                            registered.add(true);
                        } else if (value.hasAssignment()) {
                            received.add(value.getAssignment());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                agent.onNext(ConnectAgentRequest.newBuilder().setRegister(AgentRegistration.newBuilder()
                        .setAgentId("probe-1").setAgentType("probe").addActions("*").setCapacity(4)).build());
                assertThat(registered.poll(15, TimeUnit.SECONDS)).isTrue();

                hub.scheduler().submit(new TaskSpec("default", Capability.parse("probe.check", "capability"),
                        "auto-restart", "run-1", "check", "", 1.0, 5, null, null, false, "", Map.of(),
                        Placement.DEFAULT, 3));
                hub.scheduler().submit(TaskSpec.of("default", "probe.check"));
                AgentAssignment first = received.poll(15, TimeUnit.SECONDS);
                AgentAssignment second = received.poll(15, TimeUnit.SECONDS);
                assertThat(first).isNotNull();
                assertThat(second).isNotNull();
                AgentAssignment ofRun = first.getWorkflowRunId().equals("run-1") ? first : second;
                AgentAssignment ofNone = ofRun == first ? second : first;

                assertThat(ofRun.getTraceparent()).matches("00-" + prediction.traceId() + "-[0-9a-f]{16}-01")
                        .satisfies(tp -> assertThat(TraceContext.isValid(tp)).isTrue());
                assertThat(ofNone.getTraceparent()).isEmpty();
                // the span it names is the run's, exported once the run ends
                events.runChanged(run.withState(RunState.SUCCEEDED, null, Instant.now()), Optional.of(prediction));
                await().atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).untilAsserted(() -> {
                    traces.flush();
                    assertThat(receiver.spans).anyMatch(s -> s.name().equals("remediation.run auto-restart")
                            && ofRun.getTraceparent().equals("00-" + s.traceId() + "-" + s.spanId() + "-01"));
                });
                agent.onCompleted();
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
