package io.commandcenter.hub.workflow;

/** The seed's workflows, exactly as written in the blueprint (sections 3.2 and 5.3). */
final class SeedWorkflows {
    static final String AUTO_RESTART = """
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

    static final String RETRAIN = """
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

    private SeedWorkflows() {
    }
}
