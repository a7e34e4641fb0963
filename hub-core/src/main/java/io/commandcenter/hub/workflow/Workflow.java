package io.commandcenter.hub.workflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A validated workflow definition, built by {@link WorkflowParser}; immutable and safe to share.
 *
 * <p>Nodes run as a DAG over {@link WorkflowNode#dependsOn()}. <b>Sequential rule:</b> when no node
 * of the workflow writes {@code depends_on}, the nodes run one after another in list order (each
 * depends on the previous one), which is what a plain list like the seed's examples means; as
 * soon as one node writes {@code depends_on} (even {@code []}), only the written dependencies
 * count and nodes without one are roots that start at once. Compensating nodes (some node's
 * {@code on_failure}) are never part of the order: they run only when the node naming them fails
 * for good.
 */
public final class Workflow {
    /** Default run deadline. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(30);
    /**
     * What a key gets in front when it does not already begin with the workflow's name and a
     * character no name holds, so that two workflows' keys never meet.
     */
    public static final String IDEMPOTENCY_KEY_NAMESPACE = "$workflow.name:";
    /** Default idempotency key: one run per workflow and trigger. */
    public static final String DEFAULT_IDEMPOTENCY_KEY = IDEMPOTENCY_KEY_NAMESPACE + "$trigger.id";

    private final String name;
    private final String description;
    private final Trigger trigger;
    private final Approval approval;
    private final Concurrency concurrency;
    private final BlastRadius blastRadius;
    private final Duration deadline;
    private final int priority;
    private final Template idempotencyKey;
    private final List<WorkflowNode> nodes;
    private final boolean sequential;
    private final String source;
    private final String sha256;
    private final WorkflowGraph graph;

    Workflow(String name, String description, Trigger trigger, Approval approval, Concurrency concurrency,
             BlastRadius blastRadius, Duration deadline, int priority, Template idempotencyKey,
             List<WorkflowNode> nodes, boolean sequential, String source) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.trigger = Objects.requireNonNull(trigger, "trigger");
        this.approval = Objects.requireNonNull(approval, "approval");
        this.concurrency = Objects.requireNonNull(concurrency, "concurrency");
        this.blastRadius = Objects.requireNonNull(blastRadius, "blastRadius");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.priority = priority;
        this.idempotencyKey = Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        this.nodes = List.copyOf(nodes);
        this.sequential = sequential;
        this.source = normalize(source);
        this.sha256 = sha256(this.source);
        this.graph = new WorkflowGraph(this.nodes);
    }

    public String name() {
        return name;
    }

    /** The description, empty when none was written. */
    public String description() {
        return description;
    }

    public Trigger trigger() {
        return trigger;
    }

    public Approval approval() {
        return approval;
    }

    public Concurrency concurrency() {
        return concurrency;
    }

    public BlastRadius blastRadius() {
        return blastRadius;
    }

    /** The whole run's deadline. */
    public Duration deadline() {
        return deadline;
    }

    /**
     * The priority of the workflow's tasks in the mesh scheduler, 1 to 10 (default 5): inside a
     * project, fair queueing serves the workflows in proportion to it (scaled up by the risk of the
     * prediction behind a task); it never changes a project's share.
     */
    public int priority() {
        return priority;
    }

    /**
     * Rendered per run; two runs with the same key are one run. Always starts with the workflow's name
     * and a character no name holds: as written when it begins {@code $workflow.name} (or
     * {@code ${workflow.name}}) followed by such a character ({@code $workflow.name/$entity.id}), else
     * with {@value #IDEMPOTENCY_KEY_NAMESPACE} put in front ({@code $trigger.id} →
     * {@code $workflow.name:$trigger.id}), so two workflows firing on the same trigger never take each
     * other's key.
     */
    public Template idempotencyKey() {
        return idempotencyKey;
    }

    /** Every node as written, compensating ones included. */
    public List<WorkflowNode> nodes() {
        return nodes;
    }

    /** Whether the sequential rule applied (no node wrote {@code depends_on}). */
    public boolean sequential() {
        return sequential;
    }

    /**
     * The node with this id.
     *
     * @throws io.commandcenter.common.error.CommandCenterException NOT_FOUND ({@code WORKFLOW_NODE_NOT_FOUND})
     */
    public WorkflowNode node(String id) {
        return graph.node(id);
    }

    /** A topological order of the normal nodes (ties broken by list order); no compensating nodes. */
    public List<String> order() {
        return graph.order();
    }

    /** The normal nodes that depend on nothing, in list order: where a run starts. */
    public List<String> roots() {
        return graph.order().stream().filter(id -> graph.node(id).dependsOn().isEmpty()).toList();
    }

    /** The direct dependencies of a node (empty for roots and compensating nodes). */
    public List<String> dependenciesOf(String nodeId) {
        return graph.node(nodeId).dependsOn();
    }

    /** The nodes that directly depend on this one. */
    public List<String> dependents(String nodeId) {
        return graph.dependents(nodeId);
    }

    /** Every node that must have succeeded before this one starts. */
    public Set<String> ancestorsOf(String nodeId) {
        return graph.ancestors(nodeId);
    }

    /** The compensating node to run when this one fails for good. */
    public Optional<WorkflowNode> compensationFor(String nodeId) {
        return graph.node(nodeId).onFailure().map(graph::node);
    }

    /** The source text, normalized (see {@link #sha256()}). */
    public String source() {
        return source;
    }

    /**
     * SHA-256 (lowercase hex) of the normalized source's UTF-8 bytes: byte-order mark removed and
     * line ends as {@code \n}. Two texts differing only in those hash alike; any other edit,
     * comments and spacing included, is a new revision.
     */
    public String sha256() {
        return sha256;
    }

    /**
     * The text as the YAML reader sees it: without a byte-order mark, line ends as {@code \n}.
     * Nothing else changes, since trailing spaces and final newlines are content in block scalars.
     */
    static String normalize(String text) {
        String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Workflow[" + name + " " + sha256.substring(0, 12) + "]";
    }
}
