package io.commandcenter.hub.workflow;

import io.commandcenter.scheduler.task.TaskSpec;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The vocabulary of the workflow YAML: the keys each section accepts, the forms of names, and the
 * limits. {@code docs/workflow.schema.json} publishes the same (a test holds them together).
 */
public final class WorkflowGrammar {
    /** Top-level keys. */
    public static final Set<String> WORKFLOW = Set.of("name", "description", "trigger", "approval", "concurrency",
            "blast_radius", "deadline", "priority", "idempotency_key", "nodes");
    public static final Set<String> TRIGGER = Set.of("on", "filters", "schedule", "timezone");
    public static final Set<String> APPROVAL = Set.of("min_confidence", "expires_after");
    public static final Set<String> CONCURRENCY = Set.of("per_target");
    public static final Set<String> BLAST_RADIUS = Set.of("max_per_hour");
    public static final Set<String> NODE = Set.of("id", "agent", "action", "inputs", "depends_on", "retry", "timeout",
            "cost", "on_failure");
    public static final Set<String> RETRY = Set.of("max_attempts", "backoff", "max_backoff", "multiplier", "jitter",
            "non_retryable");
    /** The operators of a filter written as a mapping. */
    public static final Set<String> FILTER_OPERATORS = Set.of("eq", "ne", "gt", "gte", "lt", "lte", "in");

    /** A workflow's name. */
    public static final String NAME = "[a-z0-9][a-z0-9._-]{0,63}";
    /** A node's id. */
    public static final String NODE_ID = "[a-z0-9_][a-z0-9_-]{0,63}";
    /** An input's key. */
    public static final String INPUT_KEY = "[A-Za-z_][A-Za-z0-9_-]{0,63}";
    /** An error reason in {@code non_retryable}: UPPER_SNAKE, as the hub's reasons are. */
    public static final String REASON = "[A-Z][A-Z0-9_]{0,63}";

    public static final int MAX_NODES = 100;
    public static final int MAX_INPUTS = 64;
    public static final int MAX_DESCRIPTION = 2000;
    /** A workflow's priority: 1 (least) to 10, default {@value #DEFAULT_PRIORITY}, as the scheduler's tasks. */
    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 10;
    public static final int DEFAULT_PRIORITY = 5;
    /** What one attempt of a node costs in fair queueing: above 0, at most {@value #MAX_COST}, default 1. */
    public static final double MAX_COST = TaskSpec.MAX_COST;
    public static final double DEFAULT_COST = 1.0;

    static final Pattern NAME_FORM = Pattern.compile(NAME);
    static final Pattern NODE_ID_FORM = Pattern.compile(NODE_ID);
    static final Pattern INPUT_KEY_FORM = Pattern.compile(INPUT_KEY);
    static final Pattern REASON_FORM = Pattern.compile(REASON);

    private WorkflowGrammar() {
    }
}
