package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TimeArgumentTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void anInstantOrASpanBack_isParsed() {
        assertThat(TimeArgument.parse("2026-11-24T09:00:00Z", CLOCK, "since")).isEqualTo("2026-11-24T09:00:00Z");
        assertThat(TimeArgument.parse("15m", CLOCK, "since")).isEqualTo("2026-11-24T09:45:00Z");
        assertThat(TimeArgument.parse(" ", CLOCK, "since")).isNull();
    }

    @Test
    void anAbsurdDate_isOutOfRange_namingTheField_notAFailureOfTheStore() {
        for (String absurd : new String[]{"+1000000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z", "999999999d"}) {
            CommandCenterException e = catchThrowableOfType(CommandCenterException.class,
                    () -> TimeArgument.parse(absurd, CLOCK, "since"));

            assertThat(e).as(absurd).isNotNull();
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
            assertThat(e.reason()).isEqualTo("OUT_OF_RANGE");
            assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("since"));
        }
        assertThat(TimeArgument.parse("9999-12-31T23:59:59Z", CLOCK, "until")).isBefore(TimeArgument.LATEST);
    }

    @Test
    void aPageTokenForgedWithATimeNoStoreHolds_isAMalformedToken() {
        String forged = PageToken.encode(7, Instant.ofEpochSecond(31_556_889_832_780_799L), "r-1");

        CommandCenterException e = catchThrowableOfType(CommandCenterException.class,
                () -> PageToken.decode(forged, 7, "page_token"));

        assertThat(e.reason()).isEqualTo("INVALID_PAGE_TOKEN");
        assertThat(PageToken.decode(PageToken.encode(7, Instant.EPOCH, "r-1"), 7, "page_token")).isPresent();
    }
}
