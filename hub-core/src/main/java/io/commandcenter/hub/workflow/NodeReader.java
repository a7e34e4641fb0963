package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the {@code nodes} list, checking each node's fields and its agent and action against the catalog. */
final class NodeReader {
    static final Duration MIN_DURATION = Duration.ofMillis(1);
    static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    static final Duration MAX_BACKOFF = Duration.ofHours(24);

    private final YamlReader yaml;
    private final Problems problems;
    private final CapabilityCatalog catalog;

    NodeReader(YamlReader yaml, CapabilityCatalog catalog) {
        this.yaml = yaml;
        this.problems = yaml.problems();
        this.catalog = catalog;
    }

    /** The nodes as read (some incomplete when they have problems); empty when the list itself is wrong. */
    List<NodeDraft> read(YamlReader.Fields top) {
        Optional<Node> value = top.value("nodes");
        if (value.isEmpty()) {
            problems.add("nodes", top.at("nodes"), "nodes is required: a list of at least one node");
            return List.of();
        }
        Optional<List<Node>> items = yaml.sequence(value.get(), "nodes");
        if (items.isEmpty()) {
            return List.of();
        }
        if (items.get().isEmpty()) {
            problems.add("nodes", value.get(), "nodes needs at least one node");
        } else if (items.get().size() > WorkflowGrammar.MAX_NODES) {
            problems.add("nodes", value.get(), "at most " + WorkflowGrammar.MAX_NODES + " nodes, got "
                    + items.get().size());
            return List.of();
        }
        List<NodeDraft> out = new ArrayList<>();
        for (int i = 0; i < items.get().size(); i++) {
            node(i, items.get().get(i)).ifPresent(out::add);
        }
        return out;
    }

    private Optional<NodeDraft> node(int index, Node node) {
        String path = "nodes[" + index + "]";
        Optional<YamlReader.Fields> read = yaml.mapping(node, path, WorkflowGrammar.NODE);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        YamlReader.Fields f = read.get();
        String id = required(f, "id").flatMap(n -> yaml.matching(n, f.path("id"), WorkflowGrammar.NODE_ID_FORM,
                "1-64 lowercase letters, digits, '_' or '-', not starting with '-'")).orElse(null);
        String agent = required(f, "agent").flatMap(n -> yaml.text(n, f.path("agent"))).orElse(null);
        String action = required(f, "action").flatMap(n -> yaml.text(n, f.path("action"))).orElse(null);
        if (agent != null && action != null) {
            checkCapability(f, agent, action);
        }
        Map<String, Node> inputAt = new LinkedHashMap<>();
        Map<String, Template> inputs = f.value("inputs").map(n -> inputs(n, f.path("inputs"), inputAt))
                .orElse(Map.of());
        List<Node> dependsOnAt = new ArrayList<>();
        List<String> dependsOn = f.value("depends_on").map(n -> dependsOn(n, f.path("depends_on"), dependsOnAt))
                .orElse(List.of());
        RetryPolicy retry = f.value("retry").map(n -> retry(n, f.path("retry"))).orElse(RetryPolicy.defaults());
        Duration timeout = f.value("timeout").flatMap(n -> yaml.duration(n, f.path("timeout"), MIN_DURATION,
                MAX_TIMEOUT)).orElse(WorkflowNode.DEFAULT_TIMEOUT);
        double cost = f.value("cost").flatMap(n -> positive(n, f.path("cost"))).orElse(WorkflowGrammar.DEFAULT_COST);
        Node onFailureAt = f.value("on_failure").orElse(null);
        String onFailure = onFailureAt == null ? null : yaml.matching(onFailureAt, f.path("on_failure"),
                WorkflowGrammar.NODE_ID_FORM, "a node id").orElse(null);
        return Optional.of(new NodeDraft(index, node, id, f.value("id").orElse(node), agent, action, inputs, inputAt,
                f.has("depends_on"), dependsOn, dependsOnAt, retry, timeout, cost, onFailure, onFailureAt));
    }

    /** A cost: above 0 (a free attempt would never advance its workflow's share), at most the scheduler's limit. */
    private Optional<Double> positive(Node node, String path) {
        Optional<Double> value = yaml.decimal(node, path, 0, WorkflowGrammar.MAX_COST);
        if (value.isPresent() && value.get() == 0) {
            problems.add(path, node, path + " must be above 0");
            return Optional.empty();
        }
        return value;
    }

    private Optional<Node> required(YamlReader.Fields f, String key) {
        Optional<Node> value = f.value(key);
        if (value.isEmpty()) {
            problems.add(f.path(key), f.at(key), f.path(key) + " is required");
        }
        return value;
    }

    private void checkCapability(YamlReader.Fields f, String agent, String action) {
        Set<String> actions = catalog.actionsOf(agent);
        if (actions.isEmpty()) {
            Set<String> agents = new TreeSet<>(catalog.agents());
            problems.add(f.path("agent"), f.value("agent").orElseThrow(), "unknown agent '" + agent + "'"
                    + Suggestions.didYouMean(agent, agents)
                    + (agents.isEmpty() ? "" : "; known agents: " + String.join(", ", agents)));
        } else if (!catalog.knows(agent, action)) {
            problems.add(f.path("action"), f.value("action").orElseThrow(), "agent '" + agent + "' has no action '"
                    + action + "'" + Suggestions.didYouMean(action, actions) + "; its actions: "
                    + String.join(", ", new TreeSet<>(actions)));
        }
    }

    private Map<String, Template> inputs(Node node, String path, Map<String, Node> inputAt) {
        if (!(node instanceof MappingNode mapping)) {
            problems.add(path, node, path + " must be a mapping of names to text");
            return null;
        }
        if (mapping.getValue().size() > WorkflowGrammar.MAX_INPUTS) {
            problems.add(path, node, "at most " + WorkflowGrammar.MAX_INPUTS + " inputs per node");
            return null;
        }
        Map<String, Template> out = new LinkedHashMap<>();
        boolean ok = true;
        for (NodeTuple entry : mapping.getValue()) {
            String key = ((ScalarNode) entry.getKeyNode()).getValue();
            String keyPath = path + "." + key;
            Node value = entry.getValueNode();
            if (!WorkflowGrammar.INPUT_KEY_FORM.matcher(key).matches()) {
                problems.add(keyPath, entry.getKeyNode(), "input name '" + YamlReader.abbreviate(key)
                        + "' must be 1-64 letters, digits, '_' or '-', starting with a letter or '_'");
                ok = false;
            } else if (!(value instanceof ScalarNode scalar) || YamlReader.isNull(value)) {
                problems.add(keyPath, value, "input '" + key + "' must be text (a number or boolean is taken as "
                        + "written), not " + (YamlReader.isNull(value) ? "empty; write \"\" for empty text"
                        : YamlReader.describe(value) + "; nested lists and maps are not allowed"));
                ok = false;
            } else {
                try {
                    out.put(key, Template.parse(scalar.getValue()));
                    inputAt.put(key, value);
                } catch (CommandCenterException e) {
                    problems.add(keyPath, value, "input '" + key + "': " + e.getMessage());
                    ok = false;
                }
            }
        }
        return ok ? out : null;
    }

    private List<String> dependsOn(Node node, String path, List<Node> at) {
        List<Node> items = node instanceof SequenceNode s ? s.getValue() : List.of(node);
        Set<String> out = new LinkedHashSet<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            String itemPath = node instanceof SequenceNode ? path + "[" + i + "]" : path;
            Optional<String> id = yaml.matching(items.get(i), itemPath, WorkflowGrammar.NODE_ID_FORM, "a node id");
            if (id.isPresent() && !out.add(id.get())) {
                problems.add(itemPath, items.get(i), "'" + id.get() + "' is listed twice");
            }
            if (id.isPresent()) {
                at.add(items.get(i));
            }
            ok &= id.isPresent();
        }
        return ok && out.size() == items.size() ? List.copyOf(out) : null;
    }

    private RetryPolicy retry(Node node, String path) {
        Optional<YamlReader.Fields> read = yaml.mapping(node, path, WorkflowGrammar.RETRY);
        if (read.isEmpty()) {
            return null;
        }
        YamlReader.Fields f = read.get();
        int before = problems.count();
        int attempts = f.value("max_attempts").flatMap(n -> yaml.integer(n, f.path("max_attempts"), 1, 100))
                .orElse(RetryPolicy.DEFAULT_MAX_ATTEMPTS);
        Duration backoff = f.value("backoff").flatMap(n -> yaml.duration(n, f.path("backoff"), MIN_DURATION,
                Duration.ofHours(1))).orElse(RetryPolicy.DEFAULT_BACKOFF);
        Duration maxBackoff = f.value("max_backoff").flatMap(n -> yaml.duration(n, f.path("max_backoff"),
                MIN_DURATION, MAX_BACKOFF)).orElse(max(backoff, RetryPolicy.DEFAULT_MAX_BACKOFF));
        double multiplier = f.value("multiplier").flatMap(n -> yaml.decimal(n, f.path("multiplier"), 1, 10))
                .orElse(RetryPolicy.DEFAULT_MULTIPLIER);
        double jitter = f.value("jitter").flatMap(n -> yaml.decimal(n, f.path("jitter"), 0, 1))
                .orElse(RetryPolicy.DEFAULT_JITTER);
        Set<String> nonRetryable = new LinkedHashSet<>();
        f.value("non_retryable").flatMap(n -> yaml.sequence(n, f.path("non_retryable"))).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                yaml.matching(items.get(i), f.path("non_retryable") + "[" + i + "]", WorkflowGrammar.REASON_FORM,
                        "an error reason in UPPER_SNAKE case, e.g. PERMISSION_DENIED").ifPresent(nonRetryable::add);
            }
        });
        if (maxBackoff.compareTo(backoff) < 0) {
            problems.add(f.path("max_backoff"), f.at("max_backoff"), "max_backoff (" + Durations.format(maxBackoff)
                    + ") must not be shorter than backoff (" + Durations.format(backoff) + ")");
        }
        if (problems.count() > before) {
            return null;
        }
        return new RetryPolicy(attempts, backoff, maxBackoff, multiplier, jitter, nonRetryable);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
