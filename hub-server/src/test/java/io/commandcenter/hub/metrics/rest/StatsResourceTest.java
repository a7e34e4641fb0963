package io.commandcenter.hub.metrics.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code GET /api/stats?since=}: the window it asks for, and every bad value refused naming {@code since}. */
class StatsResourceTest {

    @Test
    void since_isASpanBackFromNow_upTo24Hours_andAbsentMeansSinceTheHubStarted() {
        assertThat(StatsResource.window(null)).isNull();
        assertThat(StatsResource.window(" ")).isNull();
        assertThat(StatsResource.window("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(StatsResource.window("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(StatsResource.window("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(StatsResource.window("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(StatsResource.window("1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void badOrTooLongSpans_areInvalidArgument_namingSince() {
        for (String bad : new String[]{"yesterday", "-1h", "1w", "1.5h", "2026-12-06T10:00:00Z", "9999999999h",
                "1h; drop", "\u0000"}) {
            assertThatThrownBy(() -> StatsResource.window(bad)).as(bad)
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
                        assertThat(e.reason()).isEqualTo("BAD_FORMAT");
                        assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("since"));
                    });
        }
        for (String tooLong : new String[]{"25h", "2d", "86401s", "999999999d"}) {
            assertThatThrownBy(() -> StatsResource.window(tooLong)).as(tooLong)
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("OUT_OF_RANGE");
                        assertThat(e.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("since"));
                    });
        }
    }
}
