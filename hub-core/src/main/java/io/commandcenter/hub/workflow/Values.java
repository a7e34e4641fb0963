package io.commandcenter.hub.workflow;

import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** How values are turned into text and numbers, the same way for filters and templates. */
final class Values {
    private Values() {
    }

    /**
     * The canonical text of a value: strings as they are, whole numbers without a fraction,
     * decimals in plain notation without trailing zeros ({@code 0.92}, {@code 3}), booleans as
     * {@code true}/{@code false}, anything else by {@code toString}; empty for null, maps and lists.
     */
    static Optional<String> text(Object value) {
        if (value == null || value instanceof Map<?, ?> || value instanceof Collection<?>) {
            return Optional.empty();
        }
        if (value instanceof String s) {
            return Optional.of(s);
        }
        if ((value instanceof Double || value instanceof Float) && !Double.isFinite(((Number) value).doubleValue())) {
            return Optional.of(value.toString());
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            BigDecimal decimal = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
            return Optional.of(decimal.compareTo(BigDecimal.ZERO) == 0 ? "0" : decimal.stripTrailingZeros().toPlainString());
        }
        return Optional.of(value.toString());
    }

    /** A value as a number: numbers (finite) and strings that read as one; empty otherwise. */
    static Optional<BigDecimal> number(Object value) {
        if (value instanceof BigDecimal b) {
            return Optional.of(b);
        }
        if (value instanceof BigInteger i) {
            return Optional.of(new BigDecimal(i));
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Optional.of(BigDecimal.valueOf(((Number) value).longValue()));
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? Optional.of(new BigDecimal(Double.toString(d))) : Optional.empty();
        }
        if (value instanceof String s && s.length() <= 64) {
            try {
                return Optional.of(new BigDecimal(s.strip()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * A YAML scalar as a value of the core schema: {@link BigDecimal} for finite numbers,
     * {@link Boolean}, {@link String}; empty for null and for infinite or not-a-number floats.
     */
    static Optional<Object> scalar(ScalarNode node) {
        String text = node.getValue();
        Tag tag = node.getTag();
        if (tag.equals(Tag.INT)) {
            String digits = text.startsWith("+") ? text.substring(1) : text;
            if (digits.startsWith("0x")) {
                return Optional.of(new BigDecimal(new BigInteger(digits.substring(2), 16)));
            }
            if (digits.startsWith("0o")) {
                return Optional.of(new BigDecimal(new BigInteger(digits.substring(2), 8)));
            }
            return Optional.of(new BigDecimal(digits));
        }
        if (tag.equals(Tag.FLOAT)) {
            try {
                return Optional.of(new BigDecimal(text.startsWith("+") ? text.substring(1) : text));
            } catch (NumberFormatException e) {
                return Optional.empty(); // .inf, .nan
            }
        }
        if (tag.equals(Tag.BOOL)) {
            return Optional.of(Boolean.valueOf(text.toLowerCase(java.util.Locale.ROOT)));
        }
        if (tag.equals(Tag.STR)) {
            return Optional.of(text);
        }
        return Optional.empty();
    }
}
