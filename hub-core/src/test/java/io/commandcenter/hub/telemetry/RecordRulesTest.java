package io.commandcenter.hub.telemetry;

import io.commandcenter.common.error.FieldViolation;
import io.commandcenter.common.error.Violations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecordRulesTest {
    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    final RecordRules rules = new RecordRules(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

    static String reason(Violations v) {
        return v.isEmpty() ? "OK" : v.list().get(0).reason();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "checkout-api", "db:primary/eu-west.1", "A_B"})
    void service_acceptsNamesOfTheDocumentedForm(String name) {
        Violations v = new Violations();
        rules.service(v, "service", name);
        assertThat(v.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "semi;colon", "quote\"", "ünïcode", "tab\t", "$(rm -rf)"})
    void service_refusesOtherCharacters(String name) {
        Violations v = new Violations();
        rules.service(v, "service", name);
        assertThat(reason(v)).isEqualTo("BAD_FORMAT");
    }

    @Test
    void service_refusesEmptyAndOverlong() {
        Violations empty = new Violations();
        rules.service(empty, "service", "");
        Violations longer = new Violations();
        rules.service(longer, "service", "a".repeat(129));
        Violations longest = new Violations();
        rules.service(longest, "service", "a".repeat(128));

        assertThat(reason(empty)).isEqualTo("REQUIRED");
        assertThat(reason(longer)).isEqualTo("TOO_LONG");
        assertThat(reason(longest)).isEqualTo("OK");
    }

    @Test
    void time_allowsTheSkew_butNotMore_andNothingBefore1970() {
        Violations within = new Violations();
        rules.time(within, "t", NOW.plus(Duration.ofMinutes(5)));
        Violations beyond = new Violations();
        rules.time(beyond, "t", NOW.plus(Duration.ofMinutes(5)).plusMillis(1));
        Violations ancient = new Violations();
        rules.time(ancient, "t", Instant.EPOCH.minusSeconds(1));

        assertThat(reason(within)).isEqualTo("OK");
        assertThat(reason(beyond)).isEqualTo("IN_FUTURE");
        assertThat(reason(ancient)).isEqualTo("OUT_OF_RANGE");
    }

    @Test
    void fraction_boundsAndHintsAtPercentages() {
        Violations percent = new Violations();
        rules.fraction(percent, "cpu", 45.0);
        Violations one = new Violations();
        rules.fraction(one, "cpu", 1.0);
        Violations nan = new Violations();
        rules.fraction(nan, "cpu", Double.NaN);

        assertThat(percent.list()).extracting(FieldViolation::message).singleElement().asString()
                .contains("divide percentages by 100");
        assertThat(reason(one)).isEqualTo("OK");
        assertThat(reason(nan)).isEqualTo("NOT_FINITE");
    }

    @Test
    void metrics_limitsCountNamesAndValues() {
        Violations tooMany = new Violations();
        java.util.Map<String, Double> many = new java.util.HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("m" + i, 1.0);
        }
        rules.metrics(tooMany, "metrics", many);
        Violations badName = new Violations();
        rules.metrics(badName, "metrics", Map.of("bad name", 1.0));
        Violations fine = new Violations();
        rules.metrics(fine, "metrics", Map.of("gc.pause_ms:p99", 1.0));

        assertThat(reason(tooMany)).isEqualTo("TOO_MANY");
        assertThat(reason(badName)).isEqualTo("BAD_FORMAT");
        assertThat(reason(fine)).isEqualTo("OK");
    }
}
