package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.Bindings;
import io.commandcenter.hub.workflow.FieldFilter;
import io.commandcenter.hub.workflow.PredictionFields;
import io.commandcenter.hub.workflow.Workflow;
import io.commandcenter.hub.workflow.WorkflowNode;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a workflow would do for a prediction (or a target) now, with the real decision; nothing is stored or run. */
final class DryRuns {
    private final RunStarter starter;
    private final Clock clock;

    DryRuns(RunStarter starter, Clock clock) {
        this.starter = starter;
        this.clock = clock;
    }

    DryRun dryRun(ProjectId project, Workflow workflow, int revision, Optional<PredictionRecord> prediction,
                  String targetKind, String targetId) {
        Target target = Target.resolve(prediction, targetKind, targetId, workflow.name());
        String matchReason = matchReason(workflow, prediction);
        Instant now = clock.instant();
        // without a prediction, a workflow that has a schedule is tried as its schedule firing
        Decision decision = Decision.decide(workflow, starter.facts(project, workflow, target,
                prediction.map(p -> p.confidence().value()),
                prediction.isEmpty() && workflow.trigger().schedule().isPresent(), now));
        Trigger trigger = new Trigger(prediction.map(PredictionRecord::id).orElse("dry-run"),
                prediction.map(PredictionRecord::subject).orElse("manual"), now);
        Bindings bindings = RunStarter.bindings(workflow.name(), revision, trigger, target, prediction)
                .run("dry-run").build();
        List<WorkflowNode> ordered = new ArrayList<>();
        workflow.order().forEach(id -> ordered.add(workflow.node(id)));
        workflow.nodes().stream().filter(WorkflowNode::compensating).forEach(ordered::add);
        List<DryRun.Node> nodes = new ArrayList<>();
        for (WorkflowNode n : ordered) {
            Map<String, String> inputs = new LinkedHashMap<>();
            String error = "";
            try {
                inputs = n.renderInputs(bindings);
            } catch (CommandCenterException e) {
                error = e.getMessage() + (e.getMessage().contains("nodes.") ? " (known once the run reaches it)" : "");
            }
            nodes.add(new DryRun.Node(n.id(), n.agent(), n.action(), inputs, n.dependsOn(), n.compensating(), error));
        }
        return new DryRun(matchReason.startsWith("matches"), matchReason, decision, nodes);
    }

    private static String matchReason(Workflow workflow, Optional<PredictionRecord> prediction) {
        var trigger = workflow.trigger();
        if (!trigger.onEvents()) {
            return "does not match: the workflow runs on its schedule only";
        }
        if (prediction.isEmpty()) {
            return "does not match: no prediction given";
        }
        String subject = prediction.get().subject();
        if (trigger.on().stream().noneMatch(p -> p.matches(subject))) {
            return "does not match: " + subject + " is not in on " + trigger.on();
        }
        Map<String, Object> fields = PredictionFields.of(prediction.get());
        for (FieldFilter f : trigger.filters()) {
            if (!f.test(fields.get(f.field()))) {
                return "does not match: filter " + f.field() + " does not hold for " + fields.get(f.field());
            }
        }
        return "matches " + subject + (trigger.filters().isEmpty() ? "" : " and its filters");
    }
}
