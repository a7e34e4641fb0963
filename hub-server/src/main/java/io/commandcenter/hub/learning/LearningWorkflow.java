package io.commandcenter.hub.learning;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.WorkflowCatalog;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;

/**
 * The seed's {@code retrain-predictive-models} as the learning loop installs it: its text with the
 * configured schedule (or on demand only), kept installed in every project, and started on demand
 * for a model ({@code TrainModel}).
 */
public final class LearningWorkflow {
    private static final System.Logger LOG = System.getLogger(LearningWorkflow.class.getName());
    /** The models every project gets (bootstrap), by name. */
    private static final Set<String> SHIPPED = Set.of("service_health", "compliance_risk", "workflow_failure");

    private final LearningSettings settings;
    private final ModelRegistry registry;

    LearningWorkflow(LearningSettings settings, ModelRegistry registry) {
        this.settings = settings;
        this.registry = registry;
    }

    /** The seed's workflow as installed: its YAML, with the configured schedule (or on demand only). */
    public String yaml() {
        String trigger = settings.schedule().isEmpty() ? "  on: [" + LearningLoop.ON_DEMAND_SUBJECT + "]\n"
                : "  schedule: \"" + settings.schedule() + "\"\n";
        return "name: " + LearningLoop.WORKFLOW + "\n"
                + "trigger:\n"
                + trigger
                + "nodes:\n"
                + "  - id: collect\n"
                + "    agent: data-collector\n"
                + "    action: snapshotMetrics\n"
                + "  - id: train\n"
                + "    agent: trainer\n"
                + "    action: trainModel\n"
                + "  - id: evaluate\n"
                + "    agent: evaluator\n"
                + "    action: validate\n"
                + "  - id: register\n"
                + "    agent: registry\n"
                + "    action: updateModelRegistry\n";
    }

    /**
     * Installs the workflow in a project: when it has none of that name, or when the latest revision
     * is the loop's own and differs (the schedule was reconfigured). A revision someone else stored is
     * theirs and is left alone, read from the store: one that does not load (an agent it names is not
     * connected) is not in the catalog's memory, and still theirs.
     *
     * @return whether a revision was stored
     */
    public boolean install(WorkflowCatalog workflows, ProjectId project) {
        String yaml = yaml();
        var latest = workflows.storedLatest(project, LearningLoop.WORKFLOW);
        if (latest.isPresent() && !LearningLoop.BY.equals(latest.get().createdBy())) {
            return false;
        }
        if (latest.isPresent() && latest.get().source().equals(yaml)
                && workflows.latest(project, LearningLoop.WORKFLOW).isPresent()) {
            return false;
        }
        // the loop's own text stored by another hub (or by this hub's installer a moment ago) but not yet in this
        // catalog's memory: stored again, the identical text finds that revision and loads it (created false)
        return workflows.put(project, yaml, LearningLoop.BY).created();
    }

    /** Installs the workflow in every project named; a failure in one is logged and the others go on. */
    public void installEverywhere(WorkflowCatalog workflows, List<ProjectId> projects) {
        for (ProjectId p : projects) {
            try {
                if (install(workflows, p)) {
                    LOG.log(Level.INFO, "project {0}: workflow {1} installed ({2})", p, LearningLoop.WORKFLOW,
                            settings.schedule().isEmpty() ? "on demand only" : "schedule " + settings.schedule());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "project {0}: workflow {1} not installed: {2}", p, LearningLoop.WORKFLOW, e.getMessage());
            }
        }
    }

    /**
     * Starts a retraining of {@code model} in the project now: a manual run of the workflow on the
     * model (installed first if the project lacks it).
     *
     * @throws CommandCenterException NOT_FOUND (MODEL_NOT_FOUND), PRECONDITION (MODEL_NOT_RETRAINABLE; TARGET_BUSY
     *         while a retraining of the model runs), INVALID (TOO_LONG reason)
     */
    public RunRecord train(RemediationEngine engine, ProjectId project, String model, String by, String reason) {
        // a refusal changes nothing: the name is checked before the project's bootstrap models are registered
        boolean known = SHIPPED.contains(model) || !registry.history(project, model).isEmpty();
        if (!known) {
            throw CommandCenterException.notFound("MODEL_NOT_FOUND", "no model " + model + " in project " + project);
        }
        if (!LearningLoop.MODEL.equals(model)) {
            throw new CommandCenterException(ErrorKind.PRECONDITION, "MODEL_NOT_RETRAINABLE",
                    "the learning loop retrains " + LearningLoop.MODEL + " only, not " + model);
        }
        registry.champion(project, model).orElseThrow(() -> CommandCenterException.notFound("MODEL_NOT_FOUND",
                "no model " + model + " in project " + project));
        if (engine.catalog().latest(project, LearningLoop.WORKFLOW).isEmpty()) {
            try {
                install(engine.catalog(), project);
            } catch (CommandCenterException e) {
                // the hub's installer may have stored the same first revision at the same moment (its tick at
                // start), and the key refused this one: stored again, the identical text finds that revision
                install(engine.catalog(), project);
            }
        }
        return engine.trigger(project, LearningLoop.WORKFLOW, "", "model", model, by, reason);
    }
}
