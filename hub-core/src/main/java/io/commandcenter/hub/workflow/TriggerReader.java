package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.EventSubjects;
import io.commandcenter.hub.events.SubjectPattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code trigger} section: {@code on}, {@code filters}, {@code schedule}, {@code timezone}. */
final class TriggerReader {
    private final YamlReader yaml;
    private final Problems problems;

    TriggerReader(YamlReader yaml) {
        this.yaml = yaml;
        this.problems = yaml.problems();
    }

    /** The trigger, or empty when the section has problems (all recorded). */
    Optional<Trigger> read(Node node) {
        int before = problems.count();
        Optional<YamlReader.Fields> read = yaml.mapping(node, "trigger", WorkflowGrammar.TRIGGER);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        YamlReader.Fields fields = read.get();
        List<SubjectPattern> on = fields.value("on").map(this::patterns).orElse(List.of());
        List<FieldFilter> filters = fields.value("filters").map(this::filters).orElse(List.of());
        ZoneId zone = fields.value("timezone").flatMap(this::zone).orElse(ZoneOffset.UTC);
        Optional<CronSchedule> schedule = fields.value("schedule").flatMap(n -> schedule(n, zone));
        if (fields.value("on").isEmpty() && fields.value("schedule").isEmpty()) {
            problems.add("trigger", node, "trigger needs 'on' (event subjects), 'schedule' (cron), or both");
        }
        if (fields.value("filters").isPresent() && fields.value("on").isEmpty()) {
            problems.add("trigger.filters", fields.at("filters"), "filters apply to events: add 'on'");
        }
        if (fields.value("timezone").isPresent() && fields.value("schedule").isEmpty()) {
            problems.add("trigger.timezone", fields.at("timezone"), "timezone applies to a schedule: add 'schedule'");
        }
        if (problems.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new Trigger(on, filters, schedule));
    }

    private List<SubjectPattern> patterns(Node node) {
        List<Node> items = node instanceof SequenceNode s ? s.getValue() : List.of(node);
        String prefix = node instanceof SequenceNode ? "trigger.on[" : null;
        if (items.isEmpty()) {
            problems.add("trigger.on", node, "trigger.on needs at least one subject pattern, e.g. prediction.created");
        }
        List<SubjectPattern> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = prefix == null ? "trigger.on" : prefix + i + "]";
            Node item = items.get(i);
            yaml.text(item, path).flatMap(text -> pattern(text, path, item)).ifPresent(out::add);
        }
        return out;
    }

    /**
     * One pattern, refused (recorded) when it could never match: a comma (a list written as one
     * string), a wildcard inside a token or {@code >}, a first token no subject has, or a second
     * token where the subjects under the first all share another ({@link EventSubjects}). Those rules
     * are newer than stored revisions: in a stored revision being loaded they only warn
     * ({@link Problems#addNewRule}) and the pattern is kept.
     */
    private Optional<SubjectPattern> pattern(String text, String path, Node item) {
        Optional<String> comma = Optional.empty();
        if (text.contains(",")) {
            String list = String.join(", ", text.split("\\s*,\\s*"));
            comma = Optional.of("'" + YamlReader.abbreviate(text) + "' is one pattern with a comma in it; "
                    + "name several as a list: on: [" + YamlReader.abbreviate(list) + "]");
            if (problems.addNewRule(path, item, comma.get())) {
                return Optional.empty();
            }
        }
        SubjectPattern pattern;
        try {
            pattern = SubjectPattern.parse(text);
        } catch (CommandCenterException e) {
            problems.add(path, item, comma.orElse(e.getMessage()));
            return Optional.empty();
        }
        Optional<String> never = comma.isPresent() ? Optional.empty() : neverMatches(pattern);
        if (never.isPresent() && problems.addNewRule(path, item, never.get())) {
            return Optional.empty();
        }
        return Optional.of(pattern);
    }

    /** Why a pattern (without a comma) could never match a subject the hub publishes, if it could not. */
    private static Optional<String> neverMatches(SubjectPattern pattern) {
        String[] tokens = pattern.toString().split("\\.");
        for (int t = 0; t < tokens.length; t++) {
            String token = tokens[t];
            if (token.contains(">")) {
                String below = String.join(".", Arrays.copyOf(tokens, t));
                return Optional.of("'>' is not a wildcard here: a pattern already matches every subject below it"
                        + (below.isEmpty() ? "; write '*' for every subject" : "; write '" + below + "'"));
            }
            if (token.contains("*") && !token.equals("*")) {
                return Optional.of("'" + YamlReader.abbreviate(token) + "': '*' stands for one whole token "
                        + "(hub.health.*), never part of one");
            }
        }
        String root = tokens[0];
        if (!root.equals("*") && !EventSubjects.roots().contains(root)) {
            return Optional.of("no event subject starts with '" + YamlReader.abbreviate(root) + "'"
                    + Suggestions.didYouMean(root, EventSubjects.roots()) + "; subjects start with "
                    + String.join(", ", EventSubjects.roots()));
        }
        if (tokens.length > 1 && !tokens[1].equals("*")) {
            Optional<String> second = EventSubjects.secondToken(root).filter(s -> !s.equals(tokens[1]));
            if (second.isPresent()) {
                return Optional.of("no event subject starts with '" + root + "." + YamlReader.abbreviate(tokens[1])
                        + "' (did you mean '" + root + "." + second.get() + "'?); every subject under '" + root
                        + "' starts with " + root + "." + second.get());
            }
        }
        return Optional.empty();
    }

    private List<FieldFilter> filters(Node node) {
        List<FieldFilter> out = new ArrayList<>();
        yaml.mapping(node, "trigger.filters", Set.copyOf(PredictionFields.NAMES)).ifPresent(fields -> {
            for (Map.Entry<String, NodeTuple> e : fields.entries().entrySet()) {
                String path = fields.path(e.getKey());
                conditions(e.getValue().getValueNode(), path).ifPresent(c -> out.add(new FieldFilter(e.getKey(), c)));
            }
        });
        return out;
    }

    /** A scalar is eq, a list is in, a mapping lists operators. */
    private Optional<List<FieldFilter.Condition>> conditions(Node node, String path) {
        if (node instanceof MappingNode) {
            Optional<YamlReader.Fields> ops = yaml.mapping(node, path, WorkflowGrammar.FILTER_OPERATORS);
            if (ops.isEmpty()) {
                return Optional.empty();
            }
            if (ops.get().entries().isEmpty()) {
                problems.add(path, node, path + " needs at least one operator: "
                        + String.join(", ", WorkflowGrammar.FILTER_OPERATORS));
                return Optional.empty();
            }
            List<FieldFilter.Condition> out = new ArrayList<>();
            boolean ok = true;
            for (String key : ops.get().entries().keySet()) {
                FieldFilter.Operator op = FieldFilter.Operator.of(key).orElseThrow();
                Node value = ops.get().entries().get(key).getValueNode();
                Optional<FieldFilter.Condition> condition = condition(op, value, ops.get().path(key));
                ok &= condition.isPresent();
                condition.ifPresent(out::add);
            }
            return ok ? Optional.of(out) : Optional.empty();
        }
        FieldFilter.Operator op = node instanceof SequenceNode ? FieldFilter.Operator.IN : FieldFilter.Operator.EQ;
        return condition(op, node, path).map(List::of);
    }

    private Optional<FieldFilter.Condition> condition(FieldFilter.Operator op, Node node, String path) {
        List<Node> items = node instanceof SequenceNode s ? s.getValue() : List.of(node);
        if (op != FieldFilter.Operator.IN && node instanceof SequenceNode) {
            problems.add(path, node, path + " takes one value; use 'in' for a list");
            return Optional.empty();
        }
        if (items.isEmpty()) {
            problems.add(path, node, path + " needs at least one value");
            return Optional.empty();
        }
        List<Object> operands = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? path + "[" + i + "]" : path;
            Optional<Object> value = item instanceof ScalarNode scalar ? Values.scalar(scalar) : Optional.empty();
            if (value.isEmpty()) {
                problems.add(itemPath, item, itemPath + " must be a string, a finite number or a boolean, not "
                        + YamlReader.describe(item));
            } else if (op.ordered() && !(value.get() instanceof BigDecimal)) {
                problems.add(itemPath, item, op.key() + " compares numbers; got " + YamlReader.describe(item));
            } else {
                operands.add(value.get());
            }
        }
        return operands.size() == items.size() ? Optional.of(new FieldFilter.Condition(op, operands)) : Optional.empty();
    }

    private Optional<ZoneId> zone(Node node) {
        return yaml.text(node, "trigger.timezone").flatMap(text -> {
            if (ZoneId.getAvailableZoneIds().contains(text)) {
                return Optional.of(ZoneId.of(text));
            }
            problems.add("trigger.timezone", node, "unknown time zone '" + YamlReader.abbreviate(text)
                    + "'; use an IANA name such as Europe/Paris or UTC"
                    + Suggestions.didYouMean(text, ZoneId.getAvailableZoneIds()));
            return Optional.empty();
        });
    }

    private Optional<CronSchedule> schedule(Node node, ZoneId zone) {
        return yaml.text(node, "trigger.schedule").flatMap(text -> {
            try {
                return Optional.of(CronSchedule.parse(text, zone));
            } catch (CommandCenterException e) {
                problems.add("trigger.schedule", node, "cron '" + YamlReader.abbreviate(text) + "': " + e.getMessage());
                return Optional.empty();
            }
        });
    }
}
