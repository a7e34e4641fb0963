package io.commandcenter.hub.workflow;

import io.commandcenter.hub.events.SubjectPattern;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What starts a workflow: events whose subject matches one of {@code on} (the hub's
 * {@link SubjectPattern} semantics: {@code *} is one token and a pattern matches every subject it
 * is a prefix of, so {@code prediction.created} matches {@code prediction.created.risk}) and whose
 * prediction passes every filter; and/or a cron {@code schedule}. At least one of the two.
 */
public record Trigger(List<SubjectPattern> on, List<FieldFilter> filters, Optional<CronSchedule> schedule) {
    public Trigger {
        on = List.copyOf(on);
        filters = List.copyOf(filters);
        Objects.requireNonNull(schedule, "schedule");
        if (on.isEmpty() && schedule.isEmpty()) {
            throw new IllegalArgumentException("a trigger needs 'on' or 'schedule'");
        }
        if (on.isEmpty() && !filters.isEmpty()) {
            throw new IllegalArgumentException("filters apply to events: 'on' is required with filters");
        }
    }

    /** Whether events start this workflow. */
    public boolean onEvents() {
        return !on.isEmpty();
    }

    /**
     * Whether an event starts this workflow: its subject matches a pattern of {@code on} and every
     * filter holds on the prediction's fields ({@link PredictionFields}); a field missing from the
     * map fails its filter. Always false for a workflow triggered only by schedule.
     */
    public boolean matches(String subject, Map<String, ?> predictionFields) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(predictionFields, "predictionFields");
        return on.stream().anyMatch(p -> p.matches(subject))
                && filters.stream().allMatch(f -> f.test(predictionFields.get(f.field())));
    }

    /** The schedule's time zone, UTC without a schedule. */
    public ZoneId timezone() {
        return schedule.map(CronSchedule::zone).orElse(ZoneOffset.UTC);
    }

    /** The next scheduled start strictly after an instant; empty without a schedule. */
    public Optional<Instant> nextFire(Instant after) {
        return schedule.map(s -> s.next(after));
    }
}
