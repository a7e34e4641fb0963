package io.commandcenter.hub.events;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectPatternTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "hub.health.*, hub.health.api, true",
            "hub.health.*, hub.health.checkout.eu, true",
            "hub.health.*, hub.health, false",
            "hub.health.*, hub.healthy.api, false",
            "hub.health, hub.health.api, true",
            "hub.health, hub.health, true",
            "hub.health, hub.healthz, false",
            "hub, hub.health.api, true",
            "audit.result, audit.result.failed, true",
            "audit.result.failed, audit.result.passed, false",
            "*, task.failed, true",
            "*.failed, task.failed, true",
            "*.failed, workflow.run.failed, false",
            "task.*, task.failed, true",
            "workflow.run.*, workflow.run.succeeded, true",
            "prediction.created, prediction.created.risk, true",
    })
    void matches_tokenByToken_asAPrefix(String pattern, String subject, boolean expected) {
        assertThat(SubjectPattern.parse(pattern).matches(subject)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "hub..health", ".hub", "hub.", "hub.he alth"})
    void parse_refusesMalformedPatterns(String pattern) {
        assertThatThrownBy(() -> SubjectPattern.parse(pattern))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("INVALID_PATTERN");
                    assertThat(e.violations()).extracting(v -> v.field()).containsExactly("pattern");
                });
    }

    @org.junit.jupiter.api.Test
    void parse_refusesOverlongPatterns() {
        assertThatThrownBy(() -> SubjectPattern.parse("a.".repeat(200) + "b")).isInstanceOf(CommandCenterException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "approval,prediction.created | approval.requested | true",
            "approval,prediction.created | prediction.created.risk | true",
            "approval , entity.risk | entity.risk.service | true",
            "approval,prediction.created | hub.health.api | false",
            "hub.health.api | hub.health.api | true",
    })
    void parseAny_matchesWhatAnyAlternativeMatches(String pattern, String subject, boolean expected) {
        assertThat(SubjectPattern.parseAny(pattern).matches(subject)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"approval,", ",approval", "approval,,task", "approval, ", "approval,hub..health"})
    void parseAny_refusesEmptyOrMalformedAlternatives(String pattern) {
        assertThatThrownBy(() -> SubjectPattern.parseAny(pattern))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason())
                        .isEqualTo("INVALID_PATTERN"));
    }

    @org.junit.jupiter.api.Test
    void parseAny_keepsItsText_andEqualsTheSameAlternatives() {
        assertThat(SubjectPattern.parseAny("approval, task").toString()).isEqualTo("approval,task");
        assertThat(SubjectPattern.parseAny("approval,task")).isEqualTo(SubjectPattern.parseAny("approval, task"))
                .isNotEqualTo(SubjectPattern.parse("approval"));
    }
}
