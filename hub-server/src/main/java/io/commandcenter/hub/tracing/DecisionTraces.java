package io.commandcenter.hub.tracing;

import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.RemediationEvents;
import io.commandcenter.hub.remediate.RunMode;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.events.SchedulerEvents;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One OpenTelemetry trace per decision loop (guide section 21): the telemetry record that caused a
 * prediction, the prediction, the remediation decision, the approval (if any), the run, each node's
 * task through the scheduler (queued, assigned to an agent, ended) and the judged outcome — every
 * span in the trace the record arrived with (its W3C {@code traceparent}), each the child of the
 * step that led to it. Every loop is traced: the client's sampled flag is not followed (a record sent
 * with flags {@code 00} still gets its trace, in the client's trace id). Spans are built when each step is known, with the step's own times, and
 * exported in batches by OTLP/HTTP (protobuf) to the configured endpoint.
 *
 * <p>Off ({@link TracingSettings#enabled()} false) the hub never builds one: no observer is
 * registered, nothing is allocated on any path.
 */
public final class DecisionTraces implements PredictiveEngine.Observer, SchedulerEvents, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DecisionTraces.class.getName());
    /** Most decisions, runs and tasks whose spans are remembered for their children. */
    static final int REMEMBERED = 10_000;

    static final AttributeKey<String> PROJECT = AttributeKey.stringKey("cc.project");
    static final AttributeKey<String> ENTITY_KIND = AttributeKey.stringKey("cc.entity.kind");
    static final AttributeKey<String> ENTITY_ID = AttributeKey.stringKey("cc.entity.id");
    static final AttributeKey<String> PREDICTION = AttributeKey.stringKey("cc.prediction.id");
    static final AttributeKey<String> RUN = AttributeKey.stringKey("cc.run.id");
    static final AttributeKey<String> WORKFLOW = AttributeKey.stringKey("cc.workflow");

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final Map<String, SpanContext> predictions = lru();
    private final Map<String, SpanContext> decisions = lru();
    private final Map<String, Span> runs = lru();
    private final Map<String, Span> tasks = lru();

    private DecisionTraces(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get("io.commandcenter.hub");
    }

    /** Starts exporting to the settings' endpoint; empty when tracing is off. */
    public static Optional<DecisionTraces> start(TracingSettings settings, String hubId) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(settings.endpoint()).build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "commandcenter-hub",
                        AttributeKey.stringKey("service.instance.id"), hubId))))
                // every decision loop is traced: the SDK's default follows a parent's sampled flag, so a client
                // sending traceparent flags 00 would switch the loop's trace off (guide 21.2)
                .setSampler(Sampler.alwaysOn())
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(settings.delay()).build())
                .build();
        LOG.log(System.Logger.Level.INFO, "traces of every decision loop go to {0} (OTLP/HTTP)", settings.endpoint());
        return Optional.of(new DecisionTraces(provider));
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    private static Context parent(SpanContext context) {
        return Context.root().with(Span.wrap(context));
    }

    /** The span a W3C traceparent names, as a remote parent. */
    static SpanContext remote(TraceContext trace) {
        String[] parts = trace.traceparent().split("-");
        return SpanContext.createFromRemoteParent(parts[1], parts[2], TraceFlags.fromHex(parts[3], 0),
                TraceState.getDefault());
    }

    // ------------------------------------------------------------------ record and prediction

    @Override
    public void raised(PredictionRecord p, TraceContext trace) {
        Span record = tracer.spanBuilder("telemetry.record").setParent(parent(remote(trace)))
                .setSpanKind(SpanKind.CONSUMER).setStartTimestamp(p.observedAt())
                .setAttribute(PROJECT, p.project().value()).setAttribute(ENTITY_KIND, p.targetKind())
                .setAttribute(ENTITY_ID, p.targetId()).startSpan();
        record.end(max(p.observedAt(), p.createdAt()));
        Span prediction = tracer.spanBuilder("prediction").setParent(parent(record.getSpanContext()))
                .setStartTimestamp(p.createdAt())
                .setAttribute(PROJECT, p.project().value()).setAttribute(PREDICTION, p.id())
                .setAttribute(ENTITY_KIND, p.targetKind()).setAttribute(ENTITY_ID, p.targetId())
                .setAttribute("cc.model", p.modelName()).setAttribute("cc.model.version", p.modelVersion())
                .setAttribute("cc.risk", p.risk()).setAttribute("cc.confidence", p.confidence().value())
                .setAttribute("cc.threshold", p.threshold()).setAttribute("cc.action", p.recommendedAction())
                .startSpan();
        prediction.end(p.createdAt());
        synchronized (predictions) {
            predictions.put(p.id(), prediction.getSpanContext());
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    // ------------------------------------------------------------------ remediation

    /** The remediation engine's events through these traces on their way to {@code delegate}. */
    public RemediationEvents remediationEvents(RemediationEvents delegate) {
        return new RemediationEvents() {
            @Override
            public void runChanged(RunRecord run, Optional<PredictionRecord> prediction) {
                try {
                    traceRun(run);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "tracing run {0}: {1}", run.runId(), e.getMessage());
                }
                delegate.runChanged(run, prediction);
            }

            @Override
            public void approvalRequested(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                          RunRecord run) {
                delegate.approvalRequested(approval, prediction, run);
            }

            @Override
            public void approvalDecided(ApprovalRecord approval, Optional<PredictionRecord> prediction,
                                        RunRecord run) {
                try {
                    traceApproval(approval);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "tracing approval {0}: {1}", approval.approvalId(),
                            e.getMessage());
                }
                delegate.approvalDecided(approval, prediction, run);
            }

            @Override
            public void outcomeObserved(ActionRecord action) {
                try {
                    traceOutcome(action);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "tracing outcome {0}: {1}", action.actionId(), e.getMessage());
                }
                delegate.outcomeObserved(action);
            }
        };
    }

    private SpanContext decision(String runId) {
        synchronized (decisions) {
            return decisions.get(runId);
        }
    }

    void traceRun(RunRecord run) {
        boolean created = run.state() == RunState.AWAITING_APPROVAL
                || (run.state() == RunState.SKIPPED && run.mode() != RunMode.APPROVAL)
                || (run.state() == RunState.RUNNING && (run.mode().isAutomatic() || run.mode() == RunMode.MANUAL));
        if (created && run.predictionId() != null) {
            SpanContext cause;
            synchronized (predictions) {
                cause = predictions.get(run.predictionId());
            }
            if (cause != null) {
                Span decision = tracer.spanBuilder("remediation.decision").setParent(parent(cause))
                        .setStartTimestamp(run.createdAt())
                        .setAttribute(PROJECT, run.project().value()).setAttribute(RUN, run.runId())
                        .setAttribute(WORKFLOW, run.workflow()).setAttribute(PREDICTION, run.predictionId())
                        .setAttribute("cc.decision", switch (run.state()) {
                            case AWAITING_APPROVAL -> "approval";
                            case SKIPPED -> "refused";
                            default -> "automatic";
                        })
                        .setAttribute("cc.reason", run.error()).startSpan();
                decision.end(run.createdAt());
                synchronized (decisions) {
                    decisions.put(run.runId(), decision.getSpanContext());
                }
            }
        }
        SpanContext decided = decision(run.runId());
        if (decided == null) {
            return;
        }
        if (run.state() == RunState.RUNNING) {
            synchronized (runs) {
                if (!runs.containsKey(run.runId())) {
                    runs.put(run.runId(), tracer.spanBuilder("remediation.run " + run.workflow())
                            .setParent(parent(decided))
                            .setStartTimestamp(run.startedAt() != null ? run.startedAt() : run.createdAt())
                            .setAttribute(PROJECT, run.project().value()).setAttribute(RUN, run.runId())
                            .setAttribute(WORKFLOW, run.workflow()).setAttribute("cc.mode", run.mode().wireName())
                            .setAttribute(ENTITY_KIND, run.targetKind()).setAttribute(ENTITY_ID, run.targetId())
                            .startSpan());
                }
            }
        } else if (run.state().isFinished()) {
            Span span;
            synchronized (runs) {
                span = runs.remove(run.runId());
            }
            if (span != null) {
                span.setAttribute("cc.state", run.state().name().toLowerCase(Locale.ROOT));
                if (run.state() != RunState.SUCCEEDED) {
                    span.setStatus(StatusCode.ERROR, run.error());
                }
                span.end(run.finishedAt() != null ? run.finishedAt() : Instant.now());
            }
        }
    }

    void traceApproval(ApprovalRecord approval) {
        SpanContext decided = decision(approval.runId());
        if (decided == null) {
            return;
        }
        Span span = tracer.spanBuilder("approval").setParent(parent(decided)).setStartTimestamp(approval.requestedAt())
                .setAttribute(PROJECT, approval.project().value()).setAttribute(RUN, approval.runId())
                .setAttribute("cc.approval.id", approval.approvalId())
                .setAttribute("cc.approval.state", approval.state().wireName())
                .setAttribute("cc.approval.by", approval.decidedBy()).startSpan();
        span.end(approval.decidedAt() != null ? approval.decidedAt() : Instant.now());
    }

    void traceOutcome(ActionRecord action) {
        SpanContext decided = decision(action.runId());
        if (decided == null || action.outcome() == null) {
            return;
        }
        Instant at = action.outcomeAt() != null ? action.outcomeAt() : Instant.now();
        var builder = tracer.spanBuilder("remediation.outcome").setParent(parent(decided)).setStartTimestamp(at)
                .setAttribute(PROJECT, action.project().value()).setAttribute(RUN, action.runId())
                .setAttribute("cc.outcome", action.outcome().wireName())
                .setAttribute("cc.decision", action.decision().wireName());
        if (action.riskBefore() != null) {
            builder.setAttribute("cc.risk.before", action.riskBefore());
        }
        if (action.riskAfter() != null) {
            builder.setAttribute("cc.risk.after", action.riskAfter());
        }
        builder.startSpan().end(at);
    }

    // ------------------------------------------------------------------ the scheduler's part

    @Override
    public void onEvent(SchedulerEvent event) {
        try {
            if (event instanceof SchedulerEvent.TaskChanged t) {
                traceTask(t);
            } else if (event instanceof SchedulerEvent.AssignmentMade a) {
                Span span;
                synchronized (tasks) {
                    span = tasks.get(a.assignment().taskId());
                }
                if (span != null) {
                    var as = a.assignment();
                    span.addEvent("assigned", Attributes.builder().put("cc.agent.id", as.agentId())
                            .put("cc.agent.type", as.agentType()).put("cc.agent.hub", as.agentHub())
                            .put("cc.attempt", as.attempt()).build(), as.assignedAt());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "tracing a scheduler event: {0}", e.getMessage());
        }
    }

    private void traceTask(SchedulerEvent.TaskChanged t) {
        String taskId = t.task().id();
        switch (t.change()) {
            case "queued" -> {
                String runId = t.task().spec().workflowRunId();
                Span run;
                synchronized (runs) {
                    run = runId.isEmpty() ? null : runs.get(runId);
                }
                if (run == null) {
                    return;
                }
                Span span = tracer.spanBuilder("task " + t.task().spec().nodeId()).setParent(parent(run.getSpanContext()))
                        .setSpanKind(SpanKind.PRODUCER).setStartTimestamp(t.time())
                        .setAttribute(PROJECT, t.project()).setAttribute(RUN, runId)
                        .setAttribute("cc.task.id", taskId).setAttribute("cc.node", t.task().spec().nodeId())
                        .setAttribute("cc.capability", String.valueOf(t.task().spec().capability())).startSpan();
                synchronized (tasks) {
                    tasks.put(taskId, span);
                }
            }
            case "requeued" -> {
                Span span;
                synchronized (tasks) {
                    span = tasks.get(taskId);
                }
                if (span != null) {
                    span.addEvent("requeued", Attributes.of(AttributeKey.stringKey("cc.reason"),
                            t.task().stateReason() == null ? "" : t.task().stateReason()), t.time());
                }
            }
            default -> {
                Span span;
                synchronized (tasks) {
                    span = tasks.remove(taskId);
                }
                if (span != null) {
                    span.setAttribute("cc.task.state", t.change());
                    if (!"succeeded".equals(t.change())) {
                        span.setStatus(StatusCode.ERROR, t.change());
                    }
                    span.end(t.time());
                }
            }
        }
    }

    /**
     * The W3C traceparent an agent receives with a task of a remediation run: the decision's trace
     * and the run's span, so a remote agent continues the trace; empty for a task of no traced run.
     */
    public String traceparent(io.commandcenter.scheduler.task.TaskSpec spec) {
        String runId = spec.workflowRunId();
        if (runId.isEmpty()) {
            return "";
        }
        Span run;
        synchronized (runs) {
            run = runs.get(runId);
        }
        if (run == null) {
            return "";
        }
        SpanContext c = run.getSpanContext();
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** Sends what is finished now (tests, shutdown). */
    public void flush() {
        provider.forceFlush().join(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
