package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Parses workflow YAML into a {@link Workflow}, or refuses it with every problem found.
 *
 * <p>The document (grammar in {@link WorkflowGrammar} and {@code docs/workflow.schema.json}):
 * <pre>
 * name: auto-restart                # required, [a-z0-9][a-z0-9._-]{0,63}
 * description: ...                  # optional
 * trigger:                          # required: on, schedule, or both
 *   on: [prediction.created]        # subject pattern(s); a prefix matches everything below it
 *   filters: {recommendedAction: restart, risk: {gte: 0.8}, entity: [service, job]}
 *   schedule: "0 3 * * *"           # 5-field cron, see CronSchedule
 *   timezone: Europe/Paris          # IANA zone of the schedule, default UTC
 * approval: {min_confidence: 0.9, expires_after: 30m}
 * concurrency: {per_target: 1}
 * blast_radius: {max_per_hour: 3}
 * deadline: 30m
 * priority: 5                       # 1-10: the share of this workflow's tasks inside the project
 * idempotency_key: "$workflow.name:$trigger.id"   # begins with $workflow.name and : or / (else "$workflow.name:" is put in front)
 * nodes:                            # 1 to 100
 *   - id: restart_service           # unique, [a-z0-9_][a-z0-9_-]{0,63}
 *     agent: devops                 # known to the CapabilityCatalog, with the action
 *     action: restart
 *     inputs: {service: $entity.id} # name -> Template; numbers and booleans taken as written
 *     depends_on: [other]           # see Workflow for the sequential rule
 *     retry: {max_attempts: 3, backoff: 1s, max_backoff: 30s, multiplier: 2, jitter: 0.2, non_retryable: [NOT_FOUND]}
 *     timeout: 60s
 *     cost: 1                       # > 0: what one attempt weighs in fair queueing
 *     on_failure: rollback          # a compensating node
 * </pre>
 * Durations are {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601.
 * Unknown keys are errors, with "did you mean" when one is close.
 *
 * <p>The parser holds no state between calls and may be shared.
 */
public final class WorkflowParser {
    static final Duration MAX_DEADLINE = Duration.ofDays(7);
    static final Duration MAX_EXPIRY = Duration.ofDays(7);

    private final CapabilityCatalog catalog;
    private final SafeYaml safeYaml = new SafeYaml();

    public WorkflowParser(CapabilityCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Parses and validates a workflow.
     *
     * @throws CommandCenterException INVALID with reason {@code WORKFLOW_INVALID} and one field violation per
     *         problem (field = a path such as {@code nodes[1].agent}, empty for the document as a
     *         whole; message starting with {@code line L, column C:}). Limits crossed (size, depth,
     *         aliases, tags, merge keys) and YAML that does not parse stop at the first problem.
     */
    public Workflow parse(String text) {
        return parse(text, new Problems());
    }

    /**
     * Parses a revision already stored (the latest, a run's pinned one): as {@link #parse}, except that
     * rules added after revisions were stored only warn, so a revision stored before them loads as it
     * did (its runs resume, its approvals can be decided). Today those are the trigger pattern checks:
     * such a pattern is kept as written and may never match.
     *
     * @param warnings hears each rule the revision breaks, as {@code field (line L, column C: rule)}, once
     *                 the revision has parsed
     */
    public Workflow parseStored(String text, Consumer<String> warnings) {
        Problems problems = new Problems(true);
        Workflow workflow = parse(text, problems);
        problems.warnings().forEach(warnings);
        return workflow;
    }

    private Workflow parse(String text, Problems problems) {
        Objects.requireNonNull(text, "text");
        String source = Workflow.normalize(text);
        MappingNode root = safeYaml.read(source);
        YamlReader yaml = new YamlReader(problems);
        YamlReader.Fields top = yaml.mapping(root, "", WorkflowGrammar.WORKFLOW).orElseThrow();

        String name = required(top, "name", problems).flatMap(n -> yaml.matching(n, "name", WorkflowGrammar.NAME_FORM,
                "1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")).orElse(null);
        String description = top.value("description").flatMap(n -> yaml.text(n, "description")).orElse("");
        if (description.length() > WorkflowGrammar.MAX_DESCRIPTION) {
            problems.add("description", top.at("description"), "description is longer than "
                    + WorkflowGrammar.MAX_DESCRIPTION + " characters");
        }
        Optional<Trigger> trigger = required(top, "trigger", problems).flatMap(n -> new TriggerReader(yaml).read(n));
        boolean hasEvent = trigger.map(Trigger::onEvents).orElse(true);
        Approval approval = section(top, "approval", WorkflowGrammar.APPROVAL, yaml, Approval.defaults(),
                f -> new Approval(
                        f.value("min_confidence").flatMap(n -> yaml.decimal(n, f.path("min_confidence"), 0, 1))
                                .orElse(Approval.DEFAULT_MIN_CONFIDENCE),
                        f.value("expires_after").flatMap(n -> yaml.duration(n, f.path("expires_after"),
                                Duration.ofSeconds(1), MAX_EXPIRY)).orElse(Approval.DEFAULT_EXPIRES_AFTER),
                        f.value("min_confidence").isPresent()));
        Concurrency concurrency = section(top, "concurrency", WorkflowGrammar.CONCURRENCY, yaml,
                Concurrency.defaults(), f -> new Concurrency(f.value("per_target")
                        .flatMap(n -> yaml.integer(n, f.path("per_target"), 1, 100)).orElse(Concurrency.DEFAULT_PER_TARGET)));
        BlastRadius blastRadius = section(top, "blast_radius", WorkflowGrammar.BLAST_RADIUS, yaml,
                BlastRadius.defaults(), f -> new BlastRadius(f.value("max_per_hour")
                        .flatMap(n -> yaml.integer(n, f.path("max_per_hour"), 0, 1000))
                        .orElse(BlastRadius.DEFAULT_MAX_PER_HOUR)));
        Duration deadline = top.value("deadline").flatMap(n -> yaml.duration(n, "deadline", Duration.ofSeconds(1),
                MAX_DEADLINE)).orElse(Workflow.DEFAULT_DEADLINE);
        int priority = top.value("priority").flatMap(n -> yaml.integer(n, "priority", WorkflowGrammar.MIN_PRIORITY,
                WorkflowGrammar.MAX_PRIORITY)).orElse(WorkflowGrammar.DEFAULT_PRIORITY);
        Template idempotencyKey = idempotencyKey(top, yaml, hasEvent);

        Optional<WorkflowChecks.Checked> nodes = new WorkflowChecks(new NodeReader(yaml, catalog).read(top), problems)
                .check(hasEvent);
        problems.throwIfAny();
        return new Workflow(name, description, trigger.orElseThrow(), approval, concurrency, blastRadius, deadline,
                priority, idempotencyKey, nodes.orElseThrow().nodes(), nodes.orElseThrow().sequential(), source);
    }

    private static Optional<Node> required(YamlReader.Fields top, String key, Problems problems) {
        Optional<Node> value = top.value(key);
        if (value.isEmpty()) {
            problems.add(key, top.at(key), key + " is required");
        }
        return value;
    }

    /** An optional mapping section; its defaults when absent. */
    private static <T> T section(YamlReader.Fields top, String key, Set<String> keys, YamlReader yaml, T defaults,
                                 Function<YamlReader.Fields, T> read) {
        return top.value(key).flatMap(n -> yaml.mapping(n, key, keys)).map(read).orElse(defaults);
    }

    private static Template idempotencyKey(YamlReader.Fields top, YamlReader yaml, boolean hasEvent) {
        Template fallback = Template.parse(Workflow.DEFAULT_IDEMPOTENCY_KEY);
        Optional<Node> node = top.value("idempotency_key");
        Optional<String> text = node.flatMap(n -> yaml.text(n, "idempotency_key"));
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            Template template = Template.parse(text.get());
            References.Scope scope = new References.Scope(hasEvent, null, Set.of(), Set.of());
            for (Template.Reference r : template.references()) {
                References.problem(r, scope).ifPresent(p -> yaml.problems().add("idempotency_key", node.get(), p));
            }
            if (template.references().isEmpty()) {
                yaml.problems().add("idempotency_key", node.get(), "an idempotency key without references is the "
                        + "same for every run, so only the first run would ever start; include $trigger.id");
            }
            // Keys are unique per project, not per workflow: without the workflow's name in front, two
            // workflows rendering the same key (two schedules at one minute, "$trigger.id") would let one run.
            return template.startsWithWorkflowName() ? template
                    : template.after(Template.parse(Workflow.IDEMPOTENCY_KEY_NAMESPACE));
        } catch (CommandCenterException e) {
            yaml.problems().add("idempotency_key", node.get(), e.getMessage());
            return fallback;
        }
    }
}
