package io.commandcenter.hub.learning;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.json.Json;
import io.commandcenter.hub.agents.ActionResult;
import io.commandcenter.hub.agents.HubAgents;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.predict.RegisteredModel;
import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.inference.BackendScorer;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.explain.ExplainabilityValidator;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.train.loop.DataSnapshot;
import io.commandcenter.models.train.loop.Evaluator;
import io.commandcenter.models.train.loop.PromotionRule;
import io.commandcenter.models.train.loop.Retrainer;
import io.commandcenter.models.train.loop.RetrainingPath;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The learning loop in the hub: the four built-in agents of the seed's {@code retrain-predictive-models}
 * workflow and the installation of that workflow in every project.
 *
 * <table>
 *   <caption>agents</caption>
 *   <tr><td>{@code data-collector.snapshotMetrics}</td><td>the project's labelled series ({@link ProjectSnapshots}) with its hash</td></tr>
 *   <tr><td>{@code trainer.trainModel}</td><td>{@link RetrainingPath#make}: the retrained challenger ({@link Retrainer}: the bootstrap trainer, seeded, on the shipped corpus plus the snapshot) and the threshold-only one (the champion's weights, its threshold refitted on the rows before a forward holdout)</td></tr>
 *   <tr><td>{@code evaluator.validate}</td><td>{@link RetrainingPath#judge}: each challenger against the champion on its holdout and the shipped validation series ({@link Evaluator}), judged by the {@link PromotionRule}; the better one that passes is chosen</td></tr>
 *   <tr><td>{@code registry.updateModelRegistry}</td><td>registers the chosen challenger (always), promotes it only on the verdict, which is the registration's reason in the audit ledger</td></tr>
 * </table>
 *
 * <p>The seed's nodes carry no inputs, so the steps of one run share their products here, keyed by
 * the run: a cache. A step that finds its predecessor's product missing (it ran on another hub, or
 * before a restart) derives it again — the snapshot of the data now, the seeded trainer on it — and
 * the lineage names the data that step really used. A run on a model (its target {@code model NAME},
 * as {@code TrainModel} starts it) retrains that model; a scheduled run retrains service_health.
 * Training uses the hub's CPU on the trainer agent's thread (capacity 1 per hub): scoring never waits
 * for it, and models are judged on a private ONNX Runtime backend, never the one serving predictions.
 *
 * <p>Closing: {@link #stop} refuses new steps and ends the running ones at their next safe point
 * ({@link LearningSteps}: between pages of telemetry, series replayed, scoring batches and the training's
 * stages), never by an interrupt, which would make H2 close its file under them. A step so ended
 * reports {@code LEARNING_CANCELLED} (retryable), so its task fails with that reason and the run's retry
 * policy decides what follows. A step whose task is revoked — a person cancelled its run — ends at the
 * same safe points, with the same reason (its result is refused: the lease is gone); nothing of it is
 * registered.
 *
 * <p>Beside it: {@link LearningWorkflow} (the workflow's text, its installation, on-demand runs),
 * {@link ShippedCorpus} (the shipped corpus, replayed once), {@link ProjectSnapshots} (the data
 * collector's snapshot) and {@link ShadowGate} (a challenger's wait in shadow before promotion).
 */
public final class LearningLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LearningLoop.class.getName());

    /** The seed's workflow. */
    public static final String WORKFLOW = "retrain-predictive-models";
    /** The model the loop retrains (the one {@link Retrainer} makes). */
    public static final String MODEL = "service_health";
    /** Who registers challengers and installs the workflow. */
    public static final String BY = "learning-loop";
    /** The subject that starts the workflow when the schedule is disabled (nobody publishes it: on demand only). */
    public static final String ON_DEMAND_SUBJECT = "model.train.requested";
    /** The four agents and their actions. */
    public static final CapabilityCatalog CATALOG = CapabilityCatalog.of(Map.of(
            "data-collector", Set.of("snapshotMetrics"),
            "trainer", Set.of("trainModel"),
            "evaluator", Set.of("validate"),
            "registry", Set.of("updateModelRegistry")));
    private static final int MAX_RUNS_HELD = 16;

    private final LearningSettings settings;
    private final ProjectSnapshots snapshots;
    private final ModelRegistry registry;
    private final ShadowScoring shadows;
    private final Clock clock;
    private final OnnxBackend judging = new OnnxBackend();
    /** The models loaded on {@link #judging}, counted per step using them (see {@link SharedLoads}). */
    private final SharedLoads judgingLoads = new SharedLoads(judging);
    private final ExplainabilityValidator validator = new ExplainabilityValidator(judging);
    private final Map<String, RunState> runs = new ConcurrentHashMap<>();
    private final LearningSteps steps = new LearningSteps();
    private final ShippedCorpus corpus;
    private final LearningWorkflow workflow;
    private volatile ShadowGate gate;
    private final AtomicLong stepsTaken = new AtomicLong();
    private final AtomicLong trainings = new AtomicLong();
    private final AtomicLong stepsCancelled = new AtomicLong();
    private volatile java.util.function.BiFunction<ProjectId, String, Optional<RunRecord>> runs0 =
            (project, runId) -> Optional.empty();

    /** What one run's steps made so far. */
    private static final class RunState {
        final long born = System.nanoTime();
        String runId = "";
        DataSnapshot snapshot;
        ModelArtifact champion;
        /** the challengers the train step made: retrained, then threshold-only ({@link RetrainingPath#make}) */
        List<Retrainer.Challenger> made;
        /** the chosen challenger (the one to promote, or the retrained one when none passes) */
        Retrainer.Challenger challenger;
        PromotionRule.Comparison comparison;
        PromotionRule.Verdict verdict;
    }

    public LearningLoop(LearningSettings settings, io.commandcenter.hub.telemetry.TelemetryStore telemetry,
                        io.commandcenter.hub.feedback.Feedback feedback, ModelRegistry registry, ShadowScoring shadows,
                        Clock clock) {
        this(settings, telemetry, feedback, ProjectSnapshots.Remembered.NONE, registry, shadows, clock);
    }

    /** @param remembered the project's remembered incidents (the memory), read beside the feedback */
    public LearningLoop(LearningSettings settings, io.commandcenter.hub.telemetry.TelemetryStore telemetry,
                        io.commandcenter.hub.feedback.Feedback feedback, ProjectSnapshots.Remembered remembered,
                        ModelRegistry registry, ShadowScoring shadows, Clock clock) {
        this.settings = settings;
        this.snapshots = new ProjectSnapshots(telemetry, feedback, remembered, steps);
        this.registry = registry;
        this.shadows = shadows;
        this.clock = clock;
        this.corpus = new ShippedCorpus(settings.syntheticSeries(), settings.validationSeries(), steps);
        this.workflow = new LearningWorkflow(settings, registry);
    }

    public LearningSettings settings() {
        return settings;
    }

    /**
     * Turns the shadow gate on: in a project with a shadow period, a challenger the holdout verdict
     * would promote waits in shadow first ({@link ShadowGate}); its would-be predictions go to {@code store}.
     */
    public ShadowGate gateWith(ShadowGates store, io.commandcenter.hub.predict.PredictionRepository predictions,
                               io.commandcenter.hub.audit.AuditTrail audit) {
        ShadowGate g = new ShadowGate(settings, store, (project, wait) -> snapshots.take(project, wait.model(),
                wait.end(), Duration.between(wait.start(), wait.end()), settings.rowEvery()), registry,
                shadows, predictions, audit, clock);
        this.gate = g;
        return g;
    }

    /** The shadow gate, if turned on. */
    public Optional<ShadowGate> shadowGate() {
        return Optional.ofNullable(gate);
    }

    /** Learning steps this hub's agents took (each of a run's four nodes is one). */
    public long stepsTaken() {
        return stepsTaken.get();
    }

    /** Learning steps that ended at a safe point because the hub was closing or their task was revoked. */
    public long stepsCancelled() {
        return stepsCancelled.get();
    }

    /** Challengers this hub trained (a step that had to make its predecessor's product again counts too). */
    public long trainings() {
        return trainings.get();
    }

    /**
     * The four built-in agents, one task at a time each on this hub; not interruptible (their steps use the
     * database: {@link #stop} ends them).
     */
    public List<HubAgents.Agent> agents() {
        return List.of(
                new HubAgents.Agent("data-collector", Set.of("snapshotMetrics"), (t, a, in) -> step(t, this::collect, false), 1, false),
                new HubAgents.Agent("trainer", Set.of("trainModel"), (t, a, in) -> step(t, this::train, false), 1, false),
                new HubAgents.Agent("evaluator", Set.of("validate"), (t, a, in) -> step(t, this::validate, false), 1, false),
                new HubAgents.Agent("registry", Set.of("updateModelRegistry"), (t, a, in) -> step(t, this::register, true), 1, false));
    }

    /**
     * Stops the loop for the hub's close: no step starts any more (one asked to is refused with
     * {@code HUB_STOPPING}, retryable), the running ones end at their next safe point with
     * {@code LEARNING_CANCELLED} (retryable), and so does a shadow wait being judged. Waits up to {@code bound}
     * for them; never interrupts a thread. A step still running after the bound is logged and left to end
     * on its own (at its next safe point, or failing at its next database call once the database is closed).
     *
     * @return what was still running after the bound (empty: everything stopped in time)
     */
    public List<String> stop(Duration bound) {
        List<String> left = steps.stop(bound);
        if (!left.isEmpty()) {
            LOG.log(Level.WARNING, "learning loop: {0} step(s) did not reach a safe point within {1} and are left to end"
                    + " on their own (not interrupted): {2}", left.size(), bound, left);
        }
        return left;
    }

    /** Whether {@link #stop} has begun. */
    public boolean stopping() {
        return steps.stopping();
    }

    @FunctionalInterface
    private interface Step {
        Map<String, Object> run(ProjectId project, String model, RunState state);
    }

    private ActionResult step(HubAgents.Task task, Step step, boolean last) {
        Object token = new Object();
        if (!steps.enter(token, task.nodeId() + " of run " + task.workflowRunId() + " in " + task.project(),
                task.revoked())) {
            return ActionResult.failed("HUB_STOPPING", "the hub is closing: the learning step was not started", true);
        }
        try {
            ProjectId project = ProjectId.of(task.project());
            String model = "model".equals(task.targetKind()) ? task.targetId() : MODEL;
            if (!MODEL.equals(model)) {
                return ActionResult.failed("MODEL_NOT_RETRAINABLE", "the learning loop retrains " + MODEL
                        + " only, not " + model, false);
            }
            String key = task.project() + "/" + (task.workflowRunId().isEmpty() ? task.nodeId() : task.workflowRunId());
            RunState state = runs.computeIfAbsent(key, k -> new RunState());
            state.runId = task.workflowRunId();
            Map<String, Object> output;
            stepsTaken.incrementAndGet();
            synchronized (state) {
                output = step.run(project, model, state);
            }
            if (last) {
                runs.remove(key);
            }
            forgetOldRuns();
            return ActionResult.done(Json.write(output));
        } catch (LearningSteps.Cancelled e) {
            stepsCancelled.incrementAndGet();
            LOG.log(Level.INFO, "learning-loop step {0} of run {1}: {2}", task.nodeId(), task.workflowRunId(),
                    e.getMessage());
            return ActionResult.failed("LEARNING_CANCELLED", e.getMessage(), true);
        } catch (CommandCenterException e) {
            return ActionResult.failed(e.reason(), e.getMessage(), e.kind() == ErrorKind.UNAVAILABLE);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "learning-loop step of run " + task.workflowRunId() + " failed", e);
            return ActionResult.failed("LEARNING_FAILED", String.valueOf(e.getMessage()), false);
        } finally {
            steps.exit(token);
        }
    }

    private void forgetOldRuns() {
        while (runs.size() > MAX_RUNS_HELD) {
            runs.entrySet().stream().min((a, b) -> Long.compare(a.getValue().born, b.getValue().born))
                    .ifPresent(e -> runs.remove(e.getKey()));
        }
    }

    // ---- the four steps

    /**
     * Where a step reads what the run's earlier steps recorded (their outputs on the run), to derive
     * again what this hub lacks exactly as it was made: the snapshot up to the same time, the same
     * challenger version.
     */
    public void readRunsFrom(RemediationEngine engine) {
        this.runs0 = (project, runId) -> {
            try {
                return Optional.of(engine.run(project, runId));
            } catch (CommandCenterException e) {
                return Optional.empty();
            }
        };
    }

    /** A field of an earlier node's output on the run, if recorded. */
    private Optional<String> recorded(ProjectId project, RunState s, String node, String field) {
        if (s.runId.isEmpty()) {
            return Optional.empty();
        }
        return runs0.apply(project, s.runId).flatMap(r -> r.nodes().stream().filter(n -> n.nodeId().equals(node))
                .findFirst()).map(n -> {
                    try {
                        Object v = Json.parseObject(n.outputJson() == null ? "{}" : n.outputJson()).get(field);
                        return v == null ? null : v.toString();
                    } catch (RuntimeException e) {
                        return null;
                    }
                });
    }

    private Map<String, Object> collect(ProjectId project, String model, RunState s) {
        // a step deriving the snapshot again takes it up to the time the run's collect step did
        Instant end = recorded(project, s, "collect", "end").map(Instant::parse).orElseGet(clock::instant);
        s.snapshot = snapshot(project, model, end);
        DataSnapshot d = s.snapshot;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("series", d.series().size());
        out.put("rows", d.rows());
        out.put("incidents", d.incidents());
        out.put("incident_rows", d.incidentRows());
        out.put("feedback_rows", d.feedbackRows());
        out.put("data_hash", d.sha256());
        out.put("window", d.window());
        out.put("end", end.toString());
        return out;
    }

    /** The project's labelled data of {@code model} up to {@code end} (the data collector's snapshot). */
    public DataSnapshot snapshot(ProjectId project, String model, Instant end) {
        return snapshots.take(project, model, end, settings.window(), settings.rowEvery());
    }

    private Map<String, Object> train(ProjectId project, String model, RunState s) {
        if (s.snapshot == null) {
            collect(project, model, s);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String lacking = lacking(s.snapshot);
        if (lacking != null) {
            out.put("trained", false);
            out.put("reason", lacking);
            return out;
        }
        ModelKey championKey = registry.champion(project, model).orElseThrow(() -> CommandCenterException.notFound(
                "MODEL_NOT_FOUND", "no champion of " + model + " in project " + project));
        s.champion = registry.artifact(championKey);
        String version = recorded(project, s, "train", "challenger").orElseGet(() -> nextVersion(project, model));
        ShippedCorpus.Replayed c = corpus();
        steps.checkpoint("before training");
        trainings.incrementAndGet();
        List<ModelKey> loaded = new ArrayList<>();
        try {
            // both challengers, as cc retrain-eval makes them: the retrained one and the threshold-only one
            s.made = path(c, loaded).make(s.snapshot, s.champion, version);
        } finally {
            loaded.forEach(this::release);
        }
        steps.checkpoint("after training");
        s.challenger = s.made.get(0);
        out.put("trained", true);
        out.put("challenger", version);
        out.put("parent", s.champion.metadata().version());
        out.put("data_hash", s.snapshot.sha256());
        out.put("threshold", s.challenger.artifact().metadata().threshold());
        if (s.made.size() > 1) {
            ModelArtifact t = s.made.get(1).artifact();
            out.put("threshold_challenger", t.metadata().version());
            out.put("refit_threshold", t.metadata().threshold());
        }
        return out;
    }

    /** Why there is nothing to train on, or null. */
    private String lacking(DataSnapshot d) {
        if (d.incidents() < settings.rule().minIncidents()) {
            return "too little labelled data: " + d.incidents() + " incident(s), " + settings.rule().minIncidents()
                    + " needed; the champion stays";
        }
        if (d.rows() == 0) {
            return "no telemetry in the window; the champion stays";
        }
        return null;
    }

    private Map<String, Object> validate(ProjectId project, String model, RunState s) {
        if (s.made == null) {
            Map<String, Object> trained = train(project, model, s);
            if (!Boolean.TRUE.equals(trained.get("trained"))) {
                return trained;
            }
        }
        ModelArtifact champion = s.champion;
        steps.checkpoint("before judging");
        List<ModelKey> loaded = new ArrayList<>();
        RetrainingPath.Result result;
        try {
            result = path(corpus(), loaded).judge(s.snapshot, champion, s.made);
        } finally {
            loaded.forEach(this::release);
        }
        s.challenger = result.challenger();
        s.comparison = result.comparison();
        s.verdict = result.verdict();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("champion", champion.metadata().version());
        out.put("challenger", s.challenger.artifact().metadata().version());
        out.put("holdout", Map.of("champion", metrics(s.comparison.championProject()),
                "challenger", metrics(s.comparison.challengerProject())));
        out.put("validation", Map.of("champion", metrics(s.comparison.championShipped()),
                "challenger", metrics(s.comparison.challengerShipped())));
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (RetrainingPath.Candidate k : result.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", k.kind());
            m.put("version", k.version());
            m.put("threshold", k.challenger().artifact().metadata().threshold());
            m.put("holdout", Map.of("champion", metrics(k.comparison().championProject()),
                    "challenger", metrics(k.comparison().challengerProject())));
            m.put("validation_early_warning", Map.of("champion", k.comparison().championShipped().earlyWarning(),
                    "challenger", k.comparison().challengerShipped().earlyWarning()));
            m.put("passed", k.verdict().promote());
            m.put("verdict", k.verdict().reason());
            candidates.add(m);
        }
        out.put("candidates", candidates);
        out.put("promote", s.verdict.promote());
        out.put("verdict", s.verdict.reason());
        return out;
    }

    /**
     * The retraining path the agents run — the one {@code cc retrain-eval} runs — judging on this hub's private
     * backend; every model it loads is added to {@code loaded}, for the step to unload.
     */
    private RetrainingPath path(ShippedCorpus.Replayed c, List<ModelKey> loaded) {
        java.util.function.Function<ModelArtifact, ModelKey> load = a -> {
            ModelKey key = load(a);
            loaded.add(key);
            return key;
        };
        return new RetrainingPath(new Retrainer(), settings.rule(), c.training(), c.validation(),
                a -> new CheckedScorer(new BackendScorer(judging, load.apply(a)), steps),
                a -> validator.validate(load.apply(a), a).explainable(),
                RetrainingPath.Challengers.BOTH, RetrainingPath.DEFAULT_THRESHOLD_HOLDOUT);
    }

    /** Loads {@code a} on the judging backend for one user of the step; {@link #release} once per call. */
    private ModelKey load(ModelArtifact a) {
        return judgingLoads.acquire(ModelKey.of(a.metadata(), io.commandcenter.hub.predict.ModelRegistry.content(a)), a);
    }

    private void release(ModelKey key) {
        judgingLoads.release(key);
    }

    private Map<String, Object> register(ProjectId project, String model, RunState s) {
        if (s.verdict == null) {
            Map<String, Object> validated = validate(project, model, s);
            if (s.verdict == null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("registered", false);
                out.put("promoted", false);
                out.put("reason", validated.get("reason"));
                LOG.log(Level.INFO, "project {0}: {1} not retrained: {2}", project, model, validated.get("reason"));
                return out;
            }
        }
        // the last safe point: from here the step writes, and a write begun is finished
        steps.checkpoint("before registering");
        ShadowGate g = gate;
        boolean gated = s.verdict.promote() && g != null && !g.period(project).isZero();
        boolean promote = s.verdict.promote() && !gated;
        String reason = (promote ? "promoted: " : gated ? "awaiting shadow before promotion: holdout passed: "
                : "not promoted: ") + s.verdict.reason()
                + " (data " + s.snapshot.sha256().substring(0, 12) + ", " + s.snapshot.feedbackRows() + " feedback rows)";
        if (reason.length() > ModelRegistry.MAX_REASON) {
            reason = reason.substring(0, ModelRegistry.MAX_REASON);
        }
        ModelRegistry.Registration r = registerUnderAFreeVersion(project, model, s, promote, reason);
        String version = r.model().metadata().version();
        LOG.log(Level.INFO, "project {0}: challenger {1} of {2} registered, {3}", project, version, model, reason);
        boolean shadow = false;
        Map<String, Object> out = new LinkedHashMap<>();
        if (gated) {
            // the holdout says promote; the project wants the shadow to agree first
            ShadowGates.Gate wait = g.open(project, model, version, s.verdict.reason());
            shadow = true;
            out.put("shadow_until", wait.end().toString());
        } else if (promote) {
            shadows.stop(project, model);
        } else if (settings.shadow() && (g == null || g.pending(project, model).isEmpty())) {
            // the refused challenger scores live rows beside the champion, acting on nothing (a challenger
            // waiting for its shadow verdict keeps its place)
            ModelKey key = registry.resolve(project, model, version);
            shadows.start(project, key, registry.metadata(key), clock.instant());
            shadow = true;
        }
        out.put("registered", true);
        out.put("version", version);
        out.put("promoted", promote);
        out.put("shadow", shadow);
        out.put("gated", gated);
        out.put("reason", s.verdict.reason());
        out.put("champion", registry.champion(project, model).map(ModelKey::version).orElse(""));
        return out;
    }

    /** How many times registering looks for a free version before the conflict is the step's answer. */
    private static final int REGISTER_ATTEMPTS = 5;

    /**
     * Registers the run's challenger. Its version was chosen when it was trained (one more than the highest registered
     * then), so another retraining of the project trained meanwhile — the 03:00 run beside a person's
     * {@code TrainModel}, which has a target while the scheduled one has none, or a run on another hub — may have
     * registered that version first, with other bytes: {@code MODEL_VERSION_CONFLICT}. The challenger is then the
     * same model under the next free version (its threshold-only {@code t} kept), and the run's state carries the new
     * name, so a retried step registers the same.
     */
    private ModelRegistry.Registration registerUnderAFreeVersion(ProjectId project, String model, RunState s,
                                                                 boolean promote, String reason) {
        for (int attempt = 1; ; attempt++) {
            try {
                return registry.register(project, s.challenger.artifact(), promote, BY, reason);
            } catch (CommandCenterException e) {
                if (!"MODEL_VERSION_CONFLICT".equals(e.reason()) || attempt >= REGISTER_ATTEMPTS) {
                    throw e;
                }
                String taken = s.challenger.artifact().metadata().version();
                String free = nextVersion(project, model) + (taken.endsWith("t") ? "t" : "");
                LOG.log(Level.INFO, "project {0}: {1} {2} was registered meanwhile by another retraining; this run''s "
                        + "challenger is registered as {3}", project, model, taken, free);
                s.challenger = renamed(s.challenger, free);
            }
        }
    }

    /** The same challenger (bytes, threshold, lineage) named {@code version}. */
    private static Retrainer.Challenger renamed(Retrainer.Challenger c, String version) {
        io.commandcenter.models.artifact.ModelMetadata m = c.artifact().metadata();
        return new Retrainer.Challenger(new ModelArtifact(new io.commandcenter.models.artifact.ModelMetadata(m.name(),
                version, m.type(), m.features(), m.inputName(), m.outputName(), m.positiveIndex(), m.pipeline(),
                m.threshold(), m.reference(), m.calibration(), m.trainingWindow(), m.dataHash(), m.metrics(),
                m.codeVersion(), m.seed(), m.createdAt(), m.provenance(), m.onset()), c.artifact().onnx()), c.split(),
                c.snapshot());
    }

    private static Map<String, Object> metrics(Evaluator.Metrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", m.rows());
        out.put("incidents", m.incidents());
        out.put("precision", m.precision());
        out.put("recall", m.recall());
        out.put("f1", m.f1());
        out.put("auc", m.auc());
        out.put("early_warning", m.earlyWarning());
        out.put("calibration_error", m.calibrationError());
        out.put("false_alarms", m.falseAlarms());
        return out;
    }

    /**
     * The challenger's version: the shipped model's minor version plus one, and a count — {@code 2.1.0}
     * gives {@code 2.2.1}, {@code 2.2.2}, … (one more than the highest registered in the project).
     */
    private String nextVersion(ProjectId project, String model) {
        String[] parts = new BootstrapModels().load(model).metadata().version().split("\\.");
        int minor = parts.length > 1 && parts[1].matches("\\d+") ? Integer.parseInt(parts[1]) + 1 : 1;
        String prefix = parts[0] + "." + minor + ".";
        int k = 0;
        for (RegisteredModel m : registry.list(project, model)) {
            String v = m.metadata().version();
            // 2.4.3 and its threshold-only sibling 2.4.3t count alike
            String rest = v.startsWith(prefix) ? v.substring(prefix.length()) : "";
            if (rest.matches("\\d{1,9}t?")) {
                k = Math.max(k, Integer.parseInt(rest.endsWith("t") ? rest.substring(0, rest.length() - 1) : rest));
            }
        }
        return prefix + (k + 1);
    }

    private ShippedCorpus.Replayed corpus() {
        return corpus.get();
    }

    // ---- the workflow (LearningWorkflow)

    /** The seed's workflow as installed: its YAML, with the configured schedule (or on demand only). */
    public String workflowYaml() {
        return workflow.yaml();
    }

    /** @see LearningWorkflow#install(WorkflowCatalog, ProjectId) */
    public boolean install(WorkflowCatalog workflows, ProjectId project) {
        return workflow.install(workflows, project);
    }

    /** @see LearningWorkflow#installEverywhere(WorkflowCatalog, List) */
    public void installEverywhere(WorkflowCatalog workflows, List<ProjectId> projects) {
        workflow.installEverywhere(workflows, projects);
    }

    /** @see LearningWorkflow#train(RemediationEngine, ProjectId, String, String, String) */
    public RunRecord train(RemediationEngine engine, ProjectId project, String model, String by, String reason) {
        return workflow.train(engine, project, model, by, reason);
    }

    /**
     * Writes the shadow's queued would-be predictions (the hub closes the loop after the engine, before the
     * database), then closes the judging backend, unless a step is still using it (after a {@link #stop} that timed
     * out).
     */
    @Override
    public void close() {
        ShadowGate g = gate;
        if (g != null) {
            g.close();
        }
        if (steps.running() > 0) {
            LOG.log(Level.WARNING, "learning loop: a step is still running; its ONNX Runtime sessions are left open");
            return;
        }
        judging.close();
    }

    /** A scorer that checks for a stop before every batch (a safe point of training and judging). */
    private record CheckedScorer(io.commandcenter.models.scoring.BatchScorer scorer, LearningSteps steps)
            implements io.commandcenter.models.scoring.BatchScorer {
        @Override
        public int featureCount() {
            return scorer.featureCount();
        }

        @Override
        public double[] score(float[] rows, int rowCount) {
            steps.checkpoint("between scoring batches");
            return scorer.score(rows, rowCount);
        }

        @Override
        public Optional<io.commandcenter.models.scoring.AffineLogOdds> affineLogOdds() {
            return scorer.affineLogOdds();
        }
    }
}
