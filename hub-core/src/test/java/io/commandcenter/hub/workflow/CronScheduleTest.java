package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CronScheduleTest {
    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static ZonedDateTime next(String cron, ZoneId zone, String after) {
        return CronSchedule.parse(cron, zone).next(ZonedDateTime.parse(after));
    }

    static String nextUtc(String cron, String after) {
        return next(cron, ZoneOffset.UTC, after).toString();
    }

    @Test
    void everyFifteenMinutes_firesOnTheQuarters_strictlyAfter() {
        assertThat(nextUtc("*/15 * * * *", "2026-03-01T10:07:00Z")).isEqualTo("2026-03-01T10:15Z");
        assertThat(nextUtc("*/15 * * * *", "2026-03-01T10:15:00Z")).isEqualTo("2026-03-01T10:30Z");
        assertThat(nextUtc("*/15 * * * *", "2026-03-01T10:45:30Z")).isEqualTo("2026-03-01T11:00Z");
    }

    @Test
    void theSeedsNightlySchedule_firesAtThreeNextDay_andAcrossAYearEnd() {
        assertThat(nextUtc("0 3 * * *", "2026-03-01T03:00:00Z")).isEqualTo("2026-03-02T03:00Z");
        assertThat(nextUtc("0 3 * * *", "2026-12-31T04:00:00Z")).isEqualTo("2027-01-01T03:00Z");
    }

    @Test
    void theThirtyFirst_skipsMonthsWithoutOne() {
        assertThat(nextUtc("0 0 31 * *", "2026-04-01T00:00:00Z")).isEqualTo("2026-05-31T00:00Z");
        assertThat(nextUtc("0 0 31 * *", "2026-05-31T00:00:00Z")).isEqualTo("2026-07-31T00:00Z");
    }

    @Test
    void february29_firesOnlyInLeapYears_andSkips2100() {
        assertThat(nextUtc("0 0 29 2 *", "2025-03-01T00:00:00Z")).isEqualTo("2028-02-29T00:00Z");
        assertThat(nextUtc("0 0 29 2 *", "2096-03-01T00:00:00Z")).isEqualTo("2104-02-29T00:00Z");
    }

    @Test
    void namesOfMonthsAndWeekdays_areAccepted_inAnyCase() {
        // 2026-01-01 is a Thursday
        assertThat(nextUtc("0 9 * jan,JUL Mon-Fri", "2026-01-02T10:00:00Z")).isEqualTo("2026-01-05T09:00Z");
        assertThat(nextUtc("0 9 * JAN,JUL MON-FRI", "2026-01-30T10:00:00Z")).isEqualTo("2026-07-01T09:00Z");
    }

    @Test
    void sevenIsSunday_likeZero() {
        // 2026-03-01 is a Sunday
        assertThat(nextUtc("0 0 * * 7", "2026-02-27T00:00:00Z")).isEqualTo("2026-03-01T00:00Z");
        assertThat(nextUtc("0 0 * * SUN", "2026-02-27T00:00:00Z")).isEqualTo("2026-03-01T00:00Z");
    }

    @Test
    void dayOfMonthAndDayOfWeek_bothRestricted_matchEitherOne() {
        // the 13th or any Friday: 2026-03-06 is a Friday, before the 13th
        assertThat(nextUtc("0 0 13 * FRI", "2026-03-01T00:00:00Z")).isEqualTo("2026-03-06T00:00Z");
        assertThat(nextUtc("0 0 13 * FRI", "2026-03-10T00:00:00Z")).isEqualTo("2026-03-13T00:00Z");
        // the 14th, a Saturday, matches through day-of-month alone
        assertThat(nextUtc("0 0 14 * FRI", "2026-03-13T00:00:00Z")).isEqualTo("2026-03-14T00:00Z");
    }

    @Test
    void aStarredDayField_makesTheOtherTheOnlyRule() {
        assertThat(nextUtc("0 0 * * FRI", "2026-03-07T00:00:00Z")).isEqualTo("2026-03-13T00:00Z");
        assertThat(nextUtc("0 0 13 * *", "2026-03-01T00:00:00Z")).isEqualTo("2026-03-13T00:00Z");
    }

    @Test
    void listsRangesAndSteps_combine() {
        assertThat(nextUtc("10-50/20 8,20 * * *", "2026-03-01T08:30:00Z")).isEqualTo("2026-03-01T08:50Z");
        assertThat(nextUtc("10-50/20 8,20 * * *", "2026-03-01T08:50:00Z")).isEqualTo("2026-03-01T20:10Z");
        assertThat(nextUtc("5/30 * * * *", "2026-03-01T08:06:00Z")).isEqualTo("2026-03-01T08:35Z");
    }

    @Test
    void macros_expand() {
        assertThat(nextUtc("@hourly", "2026-03-01T08:30:00Z")).isEqualTo("2026-03-01T09:00Z");
        assertThat(nextUtc("@daily", "2026-03-01T08:30:00Z")).isEqualTo("2026-03-02T00:00Z");
        assertThat(nextUtc("@monthly", "2026-03-01T08:30:00Z")).isEqualTo("2026-04-01T00:00Z");
    }

    @Test
    void paris_springForward_aTimeThatDoesNotExistIsSkipped() {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day
        ZonedDateTime next = next("30 2 * * *", PARIS, "2026-03-28T03:00:00+01:00[Europe/Paris]");

        assertThat(next).hasToString("2026-03-30T02:30+02:00[Europe/Paris]");
    }

    @Test
    void paris_springForward_everyQuarter_jumpsOverTheMissingHour() {
        ZonedDateTime next = next("*/15 * * * *", PARIS, "2026-03-29T01:50:00+01:00[Europe/Paris]");

        assertThat(next).hasToString("2026-03-29T03:00+02:00[Europe/Paris]");
    }

    @Test
    void paris_fallBack_theRepeatedHourFiresOnce() {
        // 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice
        CronSchedule s = CronSchedule.parse("30 2 * * *", PARIS);
        ZonedDateTime first = s.next(ZonedDateTime.parse("2026-10-25T00:00:00+02:00[Europe/Paris]"));
        ZonedDateTime second = s.next(first);

        assertThat(first.toInstant()).hasToString("2026-10-25T00:30:00Z");
        assertThat(second).hasToString("2026-10-26T02:30+01:00[Europe/Paris]");
    }

    @Test
    void paris_fallBack_fromInsideTheSecondPass_doesNotFireTheRepeatedTimesAgain() {
        ZonedDateTime after = ZonedDateTime.parse("2026-10-25T02:10:00+01:00[Europe/Paris]"); // the second 02:10

        assertThat(next("*/15 * * * *", PARIS, after.toString())).hasToString("2026-10-25T03:00+01:00[Europe/Paris]");
    }

    @Test
    void newYork_springForward_skipsTwoOClock() {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT
        assertThat(next("0 2 * * *", NEW_YORK, "2026-03-07T03:00:00-05:00[America/New_York]"))
                .hasToString("2026-03-09T02:00-04:00[America/New_York]");
    }

    @Test
    void newYork_fallBack_firesOnceAtTheFirstOneThirty() {
        // 2026-11-01: 02:00 EDT goes back to 01:00 EST
        CronSchedule s = CronSchedule.parse("30 1 * * *", NEW_YORK);
        ZonedDateTime first = s.next(ZonedDateTime.parse("2026-11-01T00:00:00-04:00[America/New_York]"));

        assertThat(first).hasToString("2026-11-01T01:30-04:00[America/New_York]");
        assertThat(s.next(first)).hasToString("2026-11-02T01:30-05:00[America/New_York]");
    }

    @Test
    void next_acceptsATimeInAnyZone_andAnswersInTheSchedulesZone() {
        ZonedDateTime next = next("0 9 * * *", PARIS, "2026-06-01T12:00:00Z");

        assertThat(next).hasToString("2026-06-02T09:00+02:00[Europe/Paris]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 3 * *         | expression   | a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 4",
            "60 * * * *      | minute       | minute field '60' value 60 is out of range 0-59",
            "0 25 * * *      | hour         | hour field '25' value 25 is out of range 0-23",
            "0 0 0 * *       | day-of-month | day-of-month field '0' value 0 is out of range 1-31",
            "0 0 * 13 *      | month        | month field '13' value 13 is out of range 1-12",
            "0 0 * FOO *     | month        | month field 'FOO' value 'FOO' is not a number or a name (JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC)",
            "0 0 * * 8       | day-of-week  | day-of-week field '8' value 8 is out of range 0-7",
            "0 0 * * FRI-MON | day-of-week  | day-of-week field 'FRI-MON' range FRI-MON runs backwards",
            "*/0 * * * *     | minute       | minute field '*/0' step must be at least 1",
            "1,,2 * * * *    | minute       | minute field '1,,2' has an empty list item",
            "0 0 30 2 *      | day-of-month | day-of-month field '30' names days that never occur in the months given",
            "@reboot         | expression   | unknown macro '@reboot'; known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"})
    void badExpressions_areRefusedNamingTheCronField(String cron, String field, String message) {
        CommandCenterException e = catchThrowableOfType(() -> CronSchedule.parse(cron, ZoneOffset.UTC), CommandCenterException.class);

        assertThat(e.reason()).isEqualTo("CRON_INVALID");
        assertThat(e.violations().get(0).field()).isEqualTo(field);
        assertThat(e.getMessage()).isEqualTo(message);
    }
}
