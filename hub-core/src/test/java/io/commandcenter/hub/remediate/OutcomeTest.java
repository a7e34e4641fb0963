package io.commandcenter.hub.remediate;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** How a decision's outcome is judged from the target's risk before and after. */
class OutcomeTest {
    static final double THRESHOLD = 0.8;
    static final double MARGIN = 0.05;

    static Outcome judge(double before, Double after) {
        return Outcome.judge(before, Optional.ofNullable(after), THRESHOLD, MARGIN);
    }

    @Test
    void belowTheThreshold_isRecovered() {
        assertThat(judge(0.93, 0.12)).isEqualTo(Outcome.RECOVERED);
        assertThat(judge(0.93, 0.7999)).isEqualTo(Outcome.RECOVERED);
    }

    @Test
    void atTheThreshold_isNotRecovered() {
        assertThat(judge(0.93, 0.8)).isEqualTo(Outcome.NOT_RECOVERED);
    }

    @Test
    void aRiseByTheMarginOrMore_isWorse_theMarginItselfIncluded() {
        assertThat(judge(0.93, 0.98)).isEqualTo(Outcome.WORSE);
        assertThat(judge(0.85, 0.9)).isEqualTo(Outcome.WORSE);
        assertThat(judge(0.93, 0.9799)).isEqualTo(Outcome.NOT_RECOVERED);
    }

    @Test
    void noTelemetry_isNotRecovered() {
        assertThat(judge(0.93, null)).isEqualTo(Outcome.NOT_RECOVERED);
    }

    @Test
    void wireNames_roundTrip_andTheEmptyNameIsNotJudged() {
        for (Outcome o : Outcome.values()) {
            assertThat(Outcome.of(o.wireName())).contains(o);
        }
        assertThat(Outcome.NOT_RECOVERED.wireName()).isEqualTo("not_recovered");
        assertThat(Outcome.of("")).isEmpty();
    }
}
