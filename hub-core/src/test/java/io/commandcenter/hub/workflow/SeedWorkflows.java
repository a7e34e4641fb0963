package io.commandcenter.hub.workflow;

import java.util.Map;
import java.util.Set;

/** The seed's workflows, exactly as written in the blueprint (sections 3.2 and 5.3). */
public final class SeedWorkflows {
    public static final String AUTO_RESTART = """
            name: auto-restart
            trigger:
              on: [prediction.created]
              filters:
                recommendedAction: restart
            nodes:
              - id: restart_service
                agent: devops
                action: restart
                inputs:
                  service: $entity.id
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "Service $entity.id restarted after predicted failure."
            """;

    public static final String RETRAIN = """
            name: retrain-predictive-models
            trigger:
              schedule: "0 3 * * *"
            nodes:
              - id: collect
                agent: data-collector
                action: snapshotMetrics
              - id: train
                agent: trainer
                action: trainModel
              - id: evaluate
                agent: evaluator
                action: validate
              - id: register
                agent: registry
                action: updateModelRegistry
            """;

    /**
     * The agents {@link #RETRAIN} names, none of them built in: what a hub's catalog holds once agents
     * of these types (the learning-loop work's, or anyone's over ConnectAgent) register with its scheduler.
     */
    static final CapabilityCatalog RETRAINING_AGENTS = CapabilityCatalog.of(Map.of(
            "data-collector", Set.of("snapshotMetrics"),
            "trainer", Set.of("trainModel"),
            "evaluator", Set.of("validate"),
            "registry", Set.of("updateModelRegistry")));

    private SeedWorkflows() {
    }

    /** A parser of a hub whose scheduler has the retraining agents connected. */
    static WorkflowParser parserWithRetrainingAgents() {
        return new WorkflowParser(CapabilityCatalog.builtIn().and(RETRAINING_AGENTS));
    }
}
