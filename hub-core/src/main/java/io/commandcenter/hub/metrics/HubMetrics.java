package io.commandcenter.hub.metrics;

import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.hub.feedback.Feedback;
import io.commandcenter.hub.feedback.FeedbackLabel;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictionRepository;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.ActionRecord;
import io.commandcenter.hub.remediate.ApprovalRecord;
import io.commandcenter.hub.remediate.ApprovalState;
import io.commandcenter.hub.remediate.Outcome;
import io.commandcenter.hub.remediate.PredictionLookup;
import io.commandcenter.hub.remediate.RemediationEvents;
import io.commandcenter.hub.remediate.RunMode;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.IngestPipeline;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import io.commandcenter.inference.ModelKey;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The hub's domain metrics (guide section 21): ingest, predictions, quality, remediation. One per
 * hub, fed by the observers of the ingest pipeline, the predictive engine, the feedback store and
 * the remediation engine's events; everything lands in one {@link MetricRegistry} that the hub
 * serves at {@code /metrics}. Labels are bounded: projects, model names and versions, record kinds,
 * workflows, states, outcomes and reason codes — never entity, run or prediction ids.
 */
public final class HubMetrics implements IngestPipeline.Observer, PredictiveEngine.Observer, Feedback.Listener {
    /** Latency buckets in seconds, 100 µs to 10 s. */
    static final double[] LATENCY = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1, 2.5, 5, 10};
    /** Ratio buckets for risk and confidence. */
    static final double[] RATIO = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1};
    /** Human-scale waits in seconds: a second to a day. */
    static final double[] WAIT = {1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400};
    /** Automatic reaction times in seconds. */
    static final double[] REACTION = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400};
    /** How far before an incident window a prediction still counts as its catch. */
    static final Duration CATCH_LEAD = Duration.ofHours(1);

    private final MetricRegistry registry;

    final MetricRegistry.Counter ingestRecords;
    final MetricRegistry.Counter ingestRejected;
    final MetricRegistry.Histogram ingestBatch;
    final MetricRegistry.Counter predictions;
    final MetricRegistry.Histogram predictionRisk;
    final MetricRegistry.Histogram predictionConfidence;
    final MetricRegistry.Counter modelRuns;
    final MetricRegistry.Histogram scoring;
    final MetricRegistry.Gauge engineLag;
    final MetricRegistry.Counter truePositives;
    final MetricRegistry.Counter falsePositives;
    final MetricRegistry.Counter missed;
    final MetricRegistry.Counter decisions;
    final MetricRegistry.Counter runs;
    final MetricRegistry.Counter outcomes;
    final MetricRegistry.Histogram approvalWait;
    final MetricRegistry.Histogram reaction;

    private final Set<ProjectId> projects = ConcurrentHashMap.newKeySet();
    private final Set<List<String>> modelsSeen = ConcurrentHashMap.newKeySet();
    private volatile PredictionRepository predictionStore;
    private volatile BiFunction<ProjectId, String, Optional<ModelKey>> champions = (p, k) -> Optional.empty();

    public HubMetrics(MetricRegistry registry) {
        this.registry = registry;
        ingestRecords = registry.counter("cc_ingest_records_total",
                "Telemetry records written by the ingest pipeline, by outcome (stored or duplicate).",
                "project", "kind", "outcome");
        ingestRejected = registry.counter("cc_ingest_records_rejected_total",
                "Telemetry records refused by validation, by the reason code of their first fault.",
                "project", "kind", "reason");
        ingestBatch = registry.histogram("cc_ingest_batch_duration_seconds",
                "Time to write one ingest batch (one transaction).", LATENCY);
        predictions = registry.counter("cc_predictions_total",
                "Predictions raised (risk above the model's threshold), by model and version.",
                "project", "model", "version", "type");
        predictionRisk = registry.histogram("cc_prediction_risk", "Risk of the predictions raised.", RATIO,
                "project", "model", "version");
        predictionConfidence = registry.histogram("cc_prediction_confidence",
                "Confidence of the predictions raised (the average is _sum / _count).", RATIO,
                "project", "model", "version");
        modelRuns = registry.counter("cc_model_runs_total", "Rows scored by the predictive engine.",
                "project", "model", "version");
        scoring = registry.histogram("cc_model_scoring_duration_seconds",
                "Time of one scoring call of the predictive engine (a batch of rows).", LATENCY, "model", "version");
        engineLag = registry.gauge("cc_engine_lag_seconds",
                "How old the last record the predictive engine scored was when it was scored.");
        truePositives = registry.counter("cc_quality_true_positives_total",
                "Predictions judged right: remediation recovered the entity (source outcome) or a person"
                        + " labelled it an incident (source person).", "project", "model", "version", "source");
        falsePositives = registry.counter("cc_quality_false_positives_total",
                "Predictions judged wrong: a person rejected their remediation or let it expire (source"
                        + " rejection) or labelled them a false alarm (source person).",
                "project", "model", "version", "source");
        missed = registry.counter("cc_quality_missed_incidents_total",
                "Incidents people declared that no prediction caught (none raised from an hour before the window"
                        + " to its end), under the model version that was champion then.", "project", "model",
                "version");
        decisions = registry.counter("cc_remediation_decisions_total",
                "Decisions on a trigger: mode automatic, approval (a person decides) or refused (skipped), with"
                        + " the reason code.", "project", "workflow", "mode", "reason");
        runs = registry.counter("cc_remediation_runs_total", "Remediation runs that ended, by final state.",
                "project", "workflow", "state");
        outcomes = registry.counter("cc_remediation_outcomes_total",
                "Judged outcomes of remediation decisions (recovered, not_recovered, worse).",
                "project", "decision", "outcome");
        approvalWait = registry.histogram("cc_remediation_approval_wait_seconds",
                "Time from an approval's request to its decision, by the state it reached.", WAIT,
                "project", "state");
        reaction = registry.histogram("cc_remediation_prediction_to_action_seconds",
                "Time from a prediction being raised to its remediation run starting (automatic, or once"
                        + " approved).", REACTION, "project", "mode");
    }

    public MetricRegistry registry() {
        return registry;
    }

    /**
     * What missed incidents are judged with: the stored predictions, and the champion model of an
     * entity kind in a project.
     */
    public HubMetrics judgeMissesWith(PredictionRepository store,
                                      BiFunction<ProjectId, String, Optional<ModelKey>> championOfKind) {
        this.predictionStore = store;
        this.champions = championOfKind;
        return this;
    }

    /**
     * Creates a project's remediation series at 0 the first time the project is seen, so that
     * PromQL's {@code increase()} counts their first event (a series born at 1 shows no increase).
     */
    void projectSeen(ProjectId project) {
        if (!projects.add(project)) {
            return;
        }
        String p = project.value();
        for (String decision : List.of("automatic", "approved", "manual")) {
            for (Outcome o : Outcome.values()) {
                outcomes.touch(p, decision, o.wireName());
            }
        }
        for (ApprovalState st : List.of(ApprovalState.APPROVED, ApprovalState.REJECTED, ApprovalState.EXPIRED)) {
            approvalWait.touch(p, st.wireName());
        }
        for (String mode : List.of("automatic", "approved")) {
            reaction.touch(p, mode);
        }
    }

    /** Creates the series of a model version at 0 the first time it scores (see {@link #projectSeen}). */
    void modelSeen(ProjectId project, String model, String version) {
        if (!modelsSeen.add(List.of(project.value(), model, version))) {
            return;
        }
        String p = project.value();
        predictions.touch(p, model, version, io.commandcenter.hub.predict.PredictionTypes.of(model));
        predictionRisk.touch(p, model, version);
        predictionConfidence.touch(p, model, version);
        for (String source : List.of("outcome", "person")) {
            truePositives.touch(p, model, version, source);
        }
        for (String source : List.of("rejection", "person")) {
            falsePositives.touch(p, model, version, source);
        }
        missed.touch(p, model, version);
    }

    /** Projects any figure was counted for (scored, decided, labelled). */
    public Set<ProjectId> projectsCounted() {
        return Set.copyOf(projects);
    }

    /** Projects seen in remediation (the pending-approval gauge reads these). */
    public Set<ProjectId> projectsSeen() {
        return Set.copyOf(projects);
    }

    // ------------------------------------------------------------------ ingest

    /** The label of a record's kind. */
    public static String kind(TelemetryRecord record) {
        if (record instanceof HealthSampleRecord) {
            return "health_sample";
        }
        if (record instanceof AuditRecord) {
            return "audit";
        }
        if (record instanceof TaskHistoryRecord) {
            return "task";
        }
        if (record instanceof WorkflowRunHistoryRecord) {
            return "workflow_run";
        }
        return "other";
    }

    @Override
    public void written(List<TelemetryStore.Scoped> items, List<TelemetryStore.Outcome> written, long nanos) {
        ingestBatch.observe(nanos / 1e9);
        // one series look-up per run of records with the same labels (a batch is mostly one or a few
        // runs), not one per record: this runs on the ingest writer's thread
        String project = null;
        String kind = null;
        String outcome = null;
        int run = 0;
        for (int i = 0; i < items.size(); i++) {
            TelemetryStore.Scoped s = items.get(i);
            String p = s.project().value();
            String k = kind(s.record());
            String o = written.get(i) == TelemetryStore.Outcome.STORED ? "stored" : "duplicate";
            if (run > 0 && !(p.equals(project) && k.equals(kind) && o.equals(outcome))) {
                ingestRecords.add(run, project, kind, outcome);
                run = 0;
            }
            project = p;
            kind = k;
            outcome = o;
            run++;
        }
        if (run > 0) {
            ingestRecords.add(run, project, kind, outcome);
        }
    }

    @Override
    public void rejected(ProjectId project, FieldViolation first) {
        String field = first.field();
        int dot = field.indexOf('.');
        String kind = switch (dot < 0 ? field : field.substring(0, dot)) {
            case "health_sample" -> "health_sample";
            case "audit" -> "audit";
            case "task" -> "task";
            case "workflow_run" -> "workflow_run";
            default -> "record";
        };
        ingestRejected.inc(project.value(), kind, first.reason());
    }

    // ------------------------------------------------------------------ predictions

    @Override
    public void scored(ProjectId project, ModelKey model, int rows, long nanos, Duration lag) {
        projectSeen(project);
        modelSeen(project, model.name(), model.version());
        modelRuns.add(rows, project.value(), model.name(), model.version());
        scoring.observe(nanos / 1e9, model.name(), model.version());
        engineLag.set(lag.toNanos() / 1e9);
    }

    @Override
    public void raised(PredictionRecord p, TraceContext trace) {
        String project = p.project().value();
        predictions.inc(project, p.modelName(), p.modelVersion(), p.type());
        predictionRisk.observe(p.risk(), project, p.modelName(), p.modelVersion());
        predictionConfidence.observe(p.confidence().value(), project, p.modelName(), p.modelVersion());
    }

    // ------------------------------------------------------------------ quality from people

    @Override
    public void labelled(FeedbackLabel label, PredictionRecord p) {
        projectSeen(p.project());
        (label.label() == FeedbackLabel.Label.INCIDENT ? truePositives : falsePositives)
                .inc(p.project().value(), p.modelName(), p.modelVersion(), "person");
    }

    @Override
    public void declared(FeedbackLabel label) {
        projectSeen(label.project());
        PredictionRepository store = predictionStore;
        if (store != null) {
            // the kind in the query: a newer prediction on another entity of the same id (a service and a
            // workflow both named checkout) must not hide this one's
            List<PredictionRecord> caught = store.list(label.project(), new PredictionRepository.Query(
                    label.targetId(), null, label.start().minus(CATCH_LEAD), label.end(), 1, null, null,
                    label.targetKind()));
            if (caught.stream().anyMatch(p -> p.targetKind().equals(label.targetKind()))) {
                return;
            }
        }
        Optional<ModelKey> champion = champions.apply(label.project(), label.targetKind());
        missed.inc(label.project().value(), champion.map(ModelKey::name).orElse(""),
                champion.map(ModelKey::version).orElse(""));
    }

    // ------------------------------------------------------------------ remediation

    /** The engine's events through these metrics on their way to {@code delegate}. */
    public RemediationEvents remediationEvents(RemediationEvents delegate, PredictionLookup lookup) {
        return new RemediationEvents() {
            @Override
            public void runChanged(RunRecord run, Optional<PredictionRecord> prediction) {
                try {
                    countRun(run, prediction);
                } finally {
                    delegate.runChanged(run, prediction);
                }
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
                    countApproval(approval, prediction);
                } finally {
                    delegate.approvalDecided(approval, prediction, run);
                }
            }

            @Override
            public void outcomeObserved(ActionRecord action) {
                try {
                    countOutcome(action, action.predictionId() == null ? Optional.empty()
                            : lookup.find(action.project(), action.predictionId()));
                } finally {
                    delegate.outcomeObserved(action);
                }
            }
        };
    }

    void countRun(RunRecord run, Optional<PredictionRecord> prediction) {
        projectSeen(run.project());
        String project = run.project().value();
        boolean created = run.state() == RunState.AWAITING_APPROVAL
                || (run.state() == RunState.SKIPPED && run.mode() != RunMode.APPROVAL)
                || (run.state() == RunState.RUNNING && run.mode().isAutomatic());
        if (created) {
            String mode = switch (run.state()) {
                case AWAITING_APPROVAL -> "approval";
                case SKIPPED -> "refused";
                default -> "automatic";
            };
            decisions.inc(project, run.workflow(), mode, reasonCode(run));
        }
        if (run.state() == RunState.RUNNING && (run.mode() == RunMode.AUTOMATIC || run.mode() == RunMode.APPROVED)) {
            prediction.ifPresent(p -> {
                Instant started = run.startedAt() != null ? run.startedAt() : run.createdAt();
                Duration d = Duration.between(p.createdAt(), started);
                reaction.observe(d.isNegative() ? 0 : d.toNanos() / 1e9, project, run.mode().wireName());
            });
        }
        if (run.state().isFinished()) {
            runs.inc(project, run.workflow(), run.state().name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A bounded code for why a run was decided as it was, from the decision's words
     * ({@code Decision}): {@code confident}, {@code low_confidence}, {@code paused}, {@code blast_radius},
     * {@code busy} (another run active on the target), {@code scheduled}, or {@code other}.
     */
    static String reasonCode(RunRecord run) {
        String why = run.error();
        return switch (run.state()) {
            case RUNNING -> run.mode() == RunMode.SCHEDULED ? "scheduled" : "confident";
            case SKIPPED -> why.contains("already active") ? "busy" : "other";
            case AWAITING_APPROVAL -> why.startsWith("automatic actions are paused") ? "paused"
                    : why.startsWith("confidence") ? "low_confidence"
                    : why.startsWith("blast radius") || why.startsWith("the workflow always asks") ? "blast_radius"
                    : "other";
            default -> "other";
        };
    }

    void countApproval(ApprovalRecord approval, Optional<PredictionRecord> prediction) {
        projectSeen(approval.project());
        if (approval.decidedAt() != null) {
            Duration wait = Duration.between(approval.requestedAt(), approval.decidedAt());
            approvalWait.observe(wait.isNegative() ? 0 : wait.toNanos() / 1e9, approval.project().value(),
                    approval.state().wireName());
        }
        if (approval.state() == ApprovalState.REJECTED || approval.state() == ApprovalState.EXPIRED) {
            prediction.ifPresent(p -> falsePositives.inc(p.project().value(), p.modelName(), p.modelVersion(),
                    "rejection"));
        }
    }

    void countOutcome(ActionRecord action, Optional<PredictionRecord> prediction) {
        if (action.outcome() == null) {
            return;
        }
        outcomes.inc(action.project().value(), action.decision().wireName(), action.outcome().wireName());
        if (action.outcome() == Outcome.RECOVERED) {
            prediction.ifPresent(p -> truePositives.inc(p.project().value(), p.modelName(), p.modelVersion(),
                    "outcome"));
        }
    }
}
