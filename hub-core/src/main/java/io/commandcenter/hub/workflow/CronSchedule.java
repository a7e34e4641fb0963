package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A five-field cron schedule ({@code minute hour day-of-month month day-of-week}) in a time zone.
 * Fields take {@code *}, values, lists, ranges and steps ({@code 1-5}, {@code *}{@code /15},
 * {@code 10-50/20}), month and weekday names ({@code JAN}, {@code MON-FRI}), and 0 or 7 for
 * Sunday; {@code @yearly}, {@code @monthly}, {@code @weekly}, {@code @daily} (or {@code @midnight})
 * and {@code @hourly} stand for their usual expansions.
 *
 * <p>Days follow Vixie cron: when both day-of-month and day-of-week are restricted (written not
 * starting with {@code *}), a day matches if either does; otherwise both must.
 *
 * <p>Times are wall-clock times in the zone. A time that does not exist there (skipped by a
 * daylight-saving change) does not fire; a time that occurs twice (the repeated hour) fires once,
 * at its first occurrence.
 */
public final class CronSchedule {
    private static final Map<String, String> MACROS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    /** Longer than any gap between firings of a valid schedule (Feb 29 across 2100: eight years). */
    private static final int SEARCH_YEARS = 10;

    private final String expression;
    private final ZoneId zone;
    private final CronField minutes;
    private final CronField hours;
    private final CronField days;
    private final CronField months;
    private final CronField weekdays;

    private CronSchedule(String expression, ZoneId zone, List<CronField> fields) {
        this.expression = expression;
        this.zone = zone;
        this.minutes = fields.get(0);
        this.hours = fields.get(1);
        this.days = fields.get(2);
        this.months = fields.get(3);
        this.weekdays = fields.get(4);
    }

    /**
     * Parses an expression.
     *
     * @throws CommandCenterException INVALID ({@code CRON_INVALID}, field = the cron field at fault, e.g.
     *         {@code hour}, or {@code expression}) when a field is malformed or out of range, when
     *         there are not exactly five fields, or when the days can never occur (e.g.
     *         {@code 0 0 30 2 *})
     */
    public static CronSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
        String text = expression.strip();
        String expanded = MACROS.getOrDefault(text.toLowerCase(java.util.Locale.ROOT), text);
        if (expanded.startsWith("@")) {
            throw CommandCenterException.invalid("CRON_INVALID", "expression", "unknown macro '" + YamlReader.abbreviate(text)
                    + "'; known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly");
        }
        String[] parts = expanded.isEmpty() ? new String[0] : expanded.split("\\s+");
        if (parts.length != 5) {
            throw CommandCenterException.invalid("CRON_INVALID", "expression", "a cron expression has 5 fields "
                    + "(minute hour day-of-month month day-of-week), got " + parts.length);
        }
        CronField.Kind[] kinds = CronField.Kind.values();
        CronField[] fields = new CronField[5];
        for (int i = 0; i < 5; i++) {
            fields[i] = CronField.parse(kinds[i], parts[i]);
        }
        CronSchedule schedule = new CronSchedule(text, zone, List.of(fields));
        schedule.checkDaysOccur(parts[2]);
        return schedule;
    }

    /** Parses an expression in UTC; see {@link #parse(String, ZoneId)}. */
    public static CronSchedule parse(String expression) {
        return parse(expression, java.time.ZoneOffset.UTC);
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first firing strictly after the instant {@code after}, in this schedule's zone. */
    public ZonedDateTime next(ZonedDateTime after) {
        Instant from = after.toInstant();
        LocalDateTime t = after.withZoneSameInstant(zone).toLocalDateTime().truncatedTo(ChronoUnit.MINUTES)
                .plusMinutes(1);
        LocalDateTime limit = t.plusYears(SEARCH_YEARS);
        while (t.isBefore(limit)) {
            if (!months.has(t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
            } else if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!hours.has(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.has(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                List<ZoneOffset> offsets = zone.getRules().getValidOffsets(t);
                // in a gap there is no offset; in an overlap ofLocal takes the earlier one
                ZonedDateTime fire = offsets.isEmpty() ? null : ZonedDateTime.ofLocal(t, zone, null);
                if (fire != null && fire.toInstant().isAfter(from)) {
                    return fire;
                }
                t = t.plusMinutes(1);
            }
        }
        throw new IllegalStateException("no firing of '" + expression + "' within " + SEARCH_YEARS + " years");
    }

    /** The first firing strictly after an instant. */
    public Instant next(Instant after) {
        return next(after.atZone(zone)).toInstant();
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = days.has(date.getDayOfMonth());
        boolean dow = weekdays.has(date.getDayOfWeek().getValue() % 7);
        return days.star() || weekdays.star() ? dom && dow : dom || dow;
    }

    private void checkDaysOccur(String dayField) {
        if (days.star() || !weekdays.star()) {
            return; // every day of the month allowed, or weekdays make days occur anyway
        }
        for (Month month : Month.values()) {
            if (months.has(month.getValue())) {
                for (int d = 1; d <= month.maxLength(); d++) {
                    if (days.has(d)) {
                        return;
                    }
                }
            }
        }
        throw CronField.invalid(CronField.Kind.DAY_OF_MONTH, dayField, "names days that never occur in the months given");
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CronSchedule that && expression.equals(that.expression) && zone.equals(that.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, zone);
    }
}
