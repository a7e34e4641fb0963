package io.commandcenter.hub.workflow;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A trigger filter on one prediction field: every condition must hold. In YAML a scalar means
 * {@code eq}, a list means {@code in}, a mapping lists operators ({@code eq, ne, gt, gte, lt, lte, in}).
 *
 * <p>Operands are strings, numbers ({@link BigDecimal}) or booleans. A number compares
 * numerically with a number or with a string that reads as one ({@code 0.8} equals {@code "0.80"});
 * a string equals the field's canonical text ({@link Bindings#of}), case-sensitively; a boolean
 * equals a boolean or the text {@code true}/{@code false}. Order operators need a number on both
 * sides. A field that is absent (or null) fails every condition, {@code ne} included: a filter
 * that cannot be checked never starts a run.
 */
public record FieldFilter(String field, List<Condition> conditions) {
    public FieldFilter {
        Objects.requireNonNull(field, "field");
        conditions = List.copyOf(conditions);
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("a filter needs at least one condition");
        }
    }

    /** Whether the field's value satisfies every condition. */
    public boolean test(Object actual) {
        return actual != null && conditions.stream().allMatch(c -> c.test(actual));
    }

    public enum Operator {
        EQ, NE, GT, GTE, LT, LTE, IN;

        /** The YAML key: {@code eq}, {@code gte}, ... */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Operator> of(String key) {
            for (Operator op : values()) {
                if (op.key().equals(key)) {
                    return Optional.of(op);
                }
            }
            return Optional.empty();
        }

        boolean ordered() {
            return this == GT || this == GTE || this == LT || this == LTE;
        }
    }

    /** One operator and its operands (one, or several for {@code in}). */
    public record Condition(Operator operator, List<Object> operands) {
        public Condition {
            Objects.requireNonNull(operator, "operator");
            operands = List.copyOf(operands);
            if (operands.isEmpty() || (operator != Operator.IN && operands.size() != 1)) {
                throw new IllegalArgumentException(operator.key() + " takes " + (operator == Operator.IN
                        ? "at least one operand" : "exactly one operand"));
            }
            for (Object o : operands) {
                if (!(o instanceof String || o instanceof BigDecimal || o instanceof Boolean)) {
                    throw new IllegalArgumentException("operand must be a String, BigDecimal or Boolean: " + o);
                }
                if (operator.ordered() && !(o instanceof BigDecimal)) {
                    throw new IllegalArgumentException(operator.key() + " needs a number: " + o);
                }
            }
        }

        boolean test(Object actual) {
            Object operand = operands.get(0);
            return switch (operator) {
                case EQ -> equal(actual, operand);
                case NE -> !equal(actual, operand);
                case IN -> operands.stream().anyMatch(o -> equal(actual, o));
                case GT, GTE, LT, LTE -> Values.number(actual).map(a -> {
                    int c = a.compareTo((BigDecimal) operand);
                    return switch (operator) {
                        case GT -> c > 0;
                        case GTE -> c >= 0;
                        case LT -> c < 0;
                        default -> c <= 0;
                    };
                }).orElse(false);
            };
        }

        private static boolean equal(Object actual, Object operand) {
            if (operand instanceof BigDecimal number) {
                return Values.number(actual).map(a -> a.compareTo(number) == 0).orElse(false);
            }
            if (operand instanceof Boolean) {
                return operand.toString().equals(Values.text(actual).orElse(null));
            }
            return operand.equals(Values.text(actual).orElse(null));
        }
    }
}
