package io.commandcenter.memory;

import java.time.Instant;
import java.util.Optional;

/**
 * Which memories of a project a search, listing or count considers. Every set field must match
 * exactly; {@code from} is inclusive and {@code until} exclusive; {@code labelledOnly} keeps only
 * memories with an outcome.
 */
public record MemoryFilter(Optional<String> entity, Optional<String> kind, Optional<String> action,
                           Optional<String> outcome, Optional<Instant> from, Optional<Instant> until,
                           boolean labelledOnly) {
    public static final MemoryFilter ALL = new MemoryFilter(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), false);

    public MemoryFilter withEntity(String v) {
        return new MemoryFilter(opt(v), kind, action, outcome, from, until, labelledOnly);
    }

    public MemoryFilter withKind(String v) {
        return new MemoryFilter(entity, opt(v), action, outcome, from, until, labelledOnly);
    }

    public MemoryFilter withAction(String v) {
        return new MemoryFilter(entity, kind, opt(v), outcome, from, until, labelledOnly);
    }

    public MemoryFilter withOutcome(String v) {
        return new MemoryFilter(entity, kind, action, opt(v), from, until, labelledOnly);
    }

    /** Memories at or after {@code v} (null: no lower bound). */
    public MemoryFilter withFrom(Instant v) {
        return new MemoryFilter(entity, kind, action, outcome, Optional.ofNullable(v), until, labelledOnly);
    }

    /** Memories before {@code v} (null: no upper bound). */
    public MemoryFilter withUntil(Instant v) {
        return new MemoryFilter(entity, kind, action, outcome, from, Optional.ofNullable(v), labelledOnly);
    }

    public MemoryFilter labelled() {
        return new MemoryFilter(entity, kind, action, outcome, from, until, true);
    }

    /** Whether {@code m} passes (the exact store's test, and the definition the others must agree with). */
    public boolean test(Memory m) {
        return entity.map(m.entity()::equals).orElse(true)
                && kind.map(m.kind()::equals).orElse(true)
                && action.map(m.action()::equals).orElse(true)
                && outcome.map(m.outcome()::equals).orElse(true)
                && from.map(f -> !m.at().isBefore(f)).orElse(true)
                && until.map(u -> m.at().isBefore(u)).orElse(true)
                && (!labelledOnly || m.isLabelled());
    }

    private static Optional<String> opt(String v) {
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }
}
