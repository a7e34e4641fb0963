package io.commandcenter.scheduler.task;

import io.commandcenter.common.error.Violations;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a submitter asks for: one unit of work in one project. Validated on construction; every
 * fault is reported at once, named by its field in {@code SubmitTaskRequest} (the project by its
 * header, {@code x-cc-project}).
 *
 * @param project         the project the task belongs to
 * @param capability      what it needs
 * @param workflow        the fair-queueing flow inside the project ({@code default} when none)
 * @param workflowRunId   optional, "" when none
 * @param nodeId          optional, "" when none
 * @param inputsJson      the action's inputs as a JSON object, "" when none; size limits are the
 *                        scheduler's setting
 * @param cost            > 0 and <= 1e6: what fair queueing charges
 * @param priority        1 to 10
 * @param prediction      the prediction that caused it, or null
 * @param target          the entity it acts on, or null
 * @param exclusiveTarget never run beside another exclusive task on the same target
 * @param idempotencyKey  "" or 1 to 128 printable ASCII characters
 * @param affinity        preferred agent labels
 * @param placement       where it may run
 * @param maxAttempts     1 to 100 assignments
 * @throws io.commandcenter.common.error.CommandCenterException INVALID naming every field at fault
 */
public record TaskSpec(String project, Capability capability, String workflow, String workflowRunId, String nodeId,
                       String inputsJson, double cost, int priority, PredictionCause prediction, TargetRef target,
                       boolean exclusiveTarget, String idempotencyKey, Map<String, String> affinity,
                       Placement placement, int maxAttempts) {
    public static final String DEFAULT_WORKFLOW = "default";
    public static final double MAX_COST = 1e6;

    public TaskSpec {
        Objects.requireNonNull(capability, "capability");
        workflow = workflow == null || workflow.isEmpty() ? DEFAULT_WORKFLOW : workflow;
        workflowRunId = workflowRunId == null ? "" : workflowRunId;
        nodeId = nodeId == null ? "" : nodeId;
        inputsJson = inputsJson == null ? "" : inputsJson;
        idempotencyKey = idempotencyKey == null ? "" : idempotencyKey;
        affinity = affinity == null ? Map.of() : Map.copyOf(new TreeMap<>(affinity));
        placement = placement == null ? Placement.DEFAULT : placement;

        Violations v = new Violations();
        if (!Forms.isProject(project)) {
            v.add("x-cc-project", "INVALID_PROJECT", "project id must be 1-63 characters of lowercase letters, digits,"
                    + " '-', '_' or '.', starting with a letter or digit; got '" + Forms.abbreviate(project) + "'");
        }
        if (capability.action().equals(Capability.ANY_ACTION)) {
            v.add("capability", "INVALID_CAPABILITY", "a task names one action, not '*'");
        }
        Forms.required(v, "workflow", workflow, Forms.NAME,
                "1-128 characters of letters, digits, '.', '_', ':' and '-'");
        Forms.maxLength(v, "workflow_run_id", workflowRunId, 128);
        Forms.maxLength(v, "node_id", nodeId, 128);
        if (!Double.isFinite(cost) || cost <= 0 || cost > MAX_COST) {
            v.add("cost", "OUT_OF_RANGE", "cost must be > 0 and <= 1e6, got " + cost);
        }
        if (priority < 1 || priority > 10) {
            v.add("priority", "OUT_OF_RANGE", "priority must be 1 to 10, got " + priority);
        }
        if (prediction != null) {
            if (prediction.predictionId().isEmpty()) {
                v.add("prediction.prediction_id", "REQUIRED", "a prediction cause needs the prediction's id");
            } else {
                Forms.printable(v, "prediction.prediction_id", prediction.predictionId(), 128);
            }
            Forms.fraction(v, "prediction.risk", prediction.risk());
            Forms.fraction(v, "prediction.confidence", prediction.confidence());
        }
        if (target != null) {
            Forms.required(v, "target.kind", target.kind(), Forms.ENTITY_KIND,
                    "1-32 characters of lowercase letters, digits, '-' and '_', starting with a letter");
            if (target.id().isEmpty()) {
                v.add("target.id", "REQUIRED", "target.id is required");
            } else {
                Forms.printable(v, "target.id", target.id(), 128);
            }
        }
        if (exclusiveTarget && target == null) {
            v.add("exclusive_target", "REQUIRED", "exclusive_target needs a target");
        }
        if (!idempotencyKey.isEmpty()) {
            Forms.printable(v, "idempotency_key", idempotencyKey, 128);
        }
        Forms.labels(v, "affinity", affinity, 16);
        if (maxAttempts < 1 || maxAttempts > 100) {
            v.add("max_attempts", "OUT_OF_RANGE", "max_attempts must be 1 to 100, got " + maxAttempts);
        }
        v.throwIfAnyWithSharedReason("INVALID_TASK", "invalid task");
    }

    /** A task with every optional part at its default: for tests and built-in submitters. */
    public static TaskSpec of(String project, String capability) {
        return new TaskSpec(project, Capability.parse(capability, "capability"), DEFAULT_WORKFLOW, "", "", "", 1.0, 5,
                null, null, false, "", Map.of(), Placement.DEFAULT, 3);
    }

    public TaskSpec withWorkflow(String value) {
        return new TaskSpec(project, capability, value, workflowRunId, nodeId, inputsJson, cost, priority, prediction,
                target, exclusiveTarget, idempotencyKey, affinity, placement, maxAttempts);
    }

    public TaskSpec withCost(double value) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, value, priority,
                prediction, target, exclusiveTarget, idempotencyKey, affinity, placement, maxAttempts);
    }

    public TaskSpec withPriority(int value) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, cost, value, prediction,
                target, exclusiveTarget, idempotencyKey, affinity, placement, maxAttempts);
    }

    public TaskSpec withPrediction(PredictionCause value) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, cost, priority, value,
                target, exclusiveTarget, idempotencyKey, affinity, placement, maxAttempts);
    }

    /** The same task acting on a target, exclusively or not. */
    public TaskSpec withTarget(TargetRef value, boolean exclusive) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, cost, priority,
                prediction, value, exclusive, idempotencyKey, affinity, placement, maxAttempts);
    }

    public TaskSpec withIdempotencyKey(String value) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, cost, priority,
                prediction, target, exclusiveTarget, value, affinity, placement, maxAttempts);
    }

    public TaskSpec withInputs(String json) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, json, cost, priority, prediction,
                target, exclusiveTarget, idempotencyKey, affinity, placement, maxAttempts);
    }

    public TaskSpec withAffinity(Map<String, String> value) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, cost, priority,
                prediction, target, exclusiveTarget, idempotencyKey, value, placement, maxAttempts);
    }

    public TaskSpec withPlacement(Placement value) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, cost, priority,
                prediction, target, exclusiveTarget, idempotencyKey, affinity, value, maxAttempts);
    }

    public TaskSpec withMaxAttempts(int value) {
        return new TaskSpec(project, capability, workflow, workflowRunId, nodeId, inputsJson, cost, priority,
                prediction, target, exclusiveTarget, idempotencyKey, affinity, placement, value);
    }

    /** Whether the task is remediation work (caused by a prediction). */
    public boolean isRemediation() {
        return prediction != null;
    }

    /**
     * A fingerprint of everything the submitter chose, to tell a resubmission of the same task
     * (same idempotency key, same content) from a reuse of the key for another task.
     */
    public String fingerprint() {
        byte[] bytes = io.commandcenter.scheduler.wire.Wire.encode(out -> write(out, this));
        long h = 1125899906842597L;
        for (byte b : bytes) {
            h = 31 * h + b;
        }
        return Long.toHexString(h) + ":" + bytes.length;
    }

    public static void write(WireOut out, TaskSpec s) {
        out.str(s.project).str(s.capability.agentType()).str(s.capability.action()).str(s.workflow)
                .str(s.workflowRunId).str(s.nodeId).str(s.inputsJson).f64(s.cost).i32(s.priority)
                .optional(s.prediction, (o, p) -> o.str(p.predictionId()).f64(p.risk()).f64(p.confidence()))
                .optional(s.target, (o, t) -> o.str(t.kind()).str(t.id()))
                .bool(s.exclusiveTarget).str(s.idempotencyKey).stringMap(new TreeMap<>(s.affinity))
                .i32(s.placement.ordinal()).i32(s.maxAttempts);
    }

    public static TaskSpec read(WireIn in) {
        return new TaskSpec(in.str(), new Capability(in.str(), in.str()), in.str(), in.str(), in.str(), in.str(),
                in.f64(), in.i32(), in.optional(i -> new PredictionCause(i.str(), i.f64(), i.f64())),
                in.optional(i -> new TargetRef(i.str(), i.str())), in.bool(), in.str(), in.stringMap(),
                Placement.values()[in.i32()], in.i32());
    }
}
