package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Typed reads from a checked node tree ({@link SafeYaml}); every mismatch is recorded in
 * {@link Problems} with its field path and position, and the read returns empty so parsing goes on.
 */
final class YamlReader {
    private final Problems problems;

    YamlReader(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    /** A mapping's entries; unknown keys are reported (with a suggestion) and left out. */
    Optional<Fields> mapping(Node node, String path, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            problems.add(path, node, label(path) + " must be a mapping of " + String.join(", ", new TreeSet<>(allowed)));
            return Optional.empty();
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            String key = ((ScalarNode) entry.getKeyNode()).getValue();
            if (allowed.contains(key)) {
                entries.put(key, entry);
            } else {
                problems.add(child(path, key), entry.getKeyNode(), "unknown key '" + key + "'"
                        + (path.isEmpty() ? "" : " in " + path) + Suggestions.didYouMean(key, allowed)
                        + "; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return Optional.of(new Fields(mapping, path, entries));
    }

    /** A scalar's text, whatever its type (a number or boolean as written). */
    Optional<String> text(Node node, String path) {
        if (node instanceof ScalarNode scalar && !node.getTag().equals(Tag.NULL)) {
            return Optional.of(scalar.getValue());
        }
        problems.add(path, node, label(path) + " must be a single value, not " + describe(node));
        return Optional.empty();
    }

    /** A scalar's text checked against a pattern, described in words for the message. */
    Optional<String> matching(Node node, String path, Pattern form, String formInWords) {
        Optional<String> text = text(node, path);
        if (text.isPresent() && !form.matcher(text.get()).matches()) {
            problems.add(path, node, label(path) + " '" + abbreviate(text.get()) + "' must be " + formInWords);
            return Optional.empty();
        }
        return text;
    }

    /** An integer within [min, max]. */
    Optional<Integer> integer(Node node, String path, int min, int max) {
        Optional<BigDecimal> number = number(node, path);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal value = number.get();
        if (value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.valueOf(min)) < 0
                || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            problems.add(path, node, label(path) + " must be a whole number from " + min + " to " + max + ", got "
                    + abbreviate(((ScalarNode) node).getValue()));
            return Optional.empty();
        }
        return Optional.of(value.intValueExact());
    }

    /** A number within [min, max]. */
    Optional<Double> decimal(Node node, String path, double min, double max) {
        Optional<BigDecimal> number = number(node, path);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        double value = number.get().doubleValue();
        if (!(value >= min && value <= max)) {
            problems.add(path, node, label(path) + " must be a number from " + min + " to " + max + ", got "
                    + abbreviate(((ScalarNode) node).getValue()));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** A YAML number (int or float tag, finite). */
    Optional<BigDecimal> number(Node node, String path) {
        Optional<Object> value = node instanceof ScalarNode ? Values.scalar((ScalarNode) node) : Optional.empty();
        if (value.isPresent() && value.get() instanceof BigDecimal number) {
            return Optional.of(number);
        }
        problems.add(path, node, label(path) + " must be a number, not " + describe(node));
        return Optional.empty();
    }

    /** A duration ({@link Durations}) within [min, max]. */
    Optional<Duration> duration(Node node, String path, Duration min, Duration max) {
        Optional<String> text = text(node, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration value = Durations.parse(text.get());
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                problems.add(path, node, label(path) + " must be from " + Durations.format(min) + " to "
                        + Durations.format(max) + ", got " + abbreviate(text.get()));
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (CommandCenterException e) {
            problems.add(path, node, label(path) + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** A list's items; a single value where a list is allowed is the caller's business. */
    Optional<List<Node>> sequence(Node node, String path) {
        if (node instanceof SequenceNode sequence) {
            return Optional.of(sequence.getValue());
        }
        problems.add(path, node, label(path) + " must be a list, not " + describe(node));
        return Optional.empty();
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            return node.getTag().equals(Tag.NULL) ? "empty" : "'" + abbreviate(scalar.getValue()) + "'";
        }
        return node instanceof SequenceNode ? "a list" : "a mapping";
    }

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static String label(String path) {
        return path.isEmpty() ? "the document" : path;
    }

    /** The known entries of one mapping, by key in document order. */
    record Fields(MappingNode node, String path, Map<String, NodeTuple> entries) {
        /** The value, absent when the key is missing or its value is empty ({@code key:} or {@code ~}). */
        Optional<Node> value(String key) {
            NodeTuple entry = entries.get(key);
            return entry == null || isNull(entry.getValueNode()) ? Optional.empty() : Optional.of(entry.getValueNode());
        }

        /** Whether the key is written, even with an empty value. */
        boolean has(String key) {
            return entries.containsKey(key);
        }

        /** Where to point for the key: the key itself when written, else the mapping. */
        Node at(String key) {
            NodeTuple entry = entries.get(key);
            return entry == null ? node : entry.getKeyNode();
        }

        String path(String key) {
            return child(path, key);
        }
    }
}
