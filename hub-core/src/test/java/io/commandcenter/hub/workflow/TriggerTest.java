package io.commandcenter.hub.workflow;

import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.models.confidence.Confidence;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TriggerTest {
    final WorkflowParser parser = new WorkflowParser(CapabilityCatalog.builtIn());

    Trigger trigger(String triggerYaml) {
        return parser.parse("name: w\ntrigger:\n" + triggerYaml.indent(2)
                + "nodes:\n  - {id: a, agent: devops, action: restart}\n").trigger();
    }

    static Map<String, Object> prediction(Object... keyValues) {
        Map<String, Object> out = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }

    @Test
    void aPlainPrefix_matchesEverySubjectBelowIt_asTheHubsSubjectPatternsDo() {
        Trigger t = trigger("on: prediction.created");

        assertThat(t.matches("prediction.created", Map.of())).isTrue();
        assertThat(t.matches("prediction.created.risk", Map.of())).isTrue();
        assertThat(t.matches("prediction.createdx", Map.of())).isFalse();
        assertThat(t.matches("audit.result.failed", Map.of())).isFalse();
    }

    @Test
    void aStar_matchesExactlyOneToken_andAnyOfSeveralPatternsWill() {
        Trigger t = trigger("on: [prediction.*.risk, hub.health]");

        assertThat(t.matches("prediction.created.risk", Map.of())).isTrue();
        assertThat(t.matches("prediction.created.failure", Map.of())).isFalse();
        assertThat(t.matches("hub.health.api", Map.of())).isTrue();
    }

    @Test
    void aScalarFilter_isEquality_caseSensitive() {
        Trigger t = trigger("on: prediction.created\nfilters: {recommendedAction: restart}");

        assertThat(t.matches("prediction.created.risk", prediction("recommendedAction", "restart"))).isTrue();
        assertThat(t.matches("prediction.created.risk", prediction("recommendedAction", "Restart"))).isFalse();
    }

    @Test
    void aListFilter_isAnyOf() {
        Trigger t = trigger("on: prediction.created\nfilters: {entity: [service, job]}");

        assertThat(t.matches("prediction.created", prediction("entity", "job"))).isTrue();
        assertThat(t.matches("prediction.created", prediction("entity", "host"))).isFalse();
    }

    @Test
    void numbers_compareNumerically_withNumbersOrNumericText() {
        Trigger t = trigger("on: prediction.created\nfilters: {risk: {gt: 0.8, lte: 1}, threshold: 0.5}");

        assertThat(t.matches("prediction.created", prediction("risk", 0.92, "threshold", 0.50))).isTrue();
        assertThat(t.matches("prediction.created", prediction("risk", "0.95", "threshold", "0.500"))).isTrue();
        assertThat(t.matches("prediction.created", prediction("risk", 0.8, "threshold", 0.5))).isFalse();
        assertThat(t.matches("prediction.created", prediction("risk", "high", "threshold", 0.5))).isFalse();
    }

    @Test
    void everyOperator_holdsAsNamed() {
        Map<String, Object> p = prediction("risk", 0.9);
        assertThat(trigger("on: prediction.created\nfilters: {risk: {eq: 0.9}}").matches("prediction.created", p)).isTrue();
        assertThat(trigger("on: prediction.created\nfilters: {risk: {ne: 0.9}}").matches("prediction.created", p)).isFalse();
        assertThat(trigger("on: prediction.created\nfilters: {risk: {gt: 0.9}}").matches("prediction.created", p)).isFalse();
        assertThat(trigger("on: prediction.created\nfilters: {risk: {gte: 0.9}}").matches("prediction.created", p)).isTrue();
        assertThat(trigger("on: prediction.created\nfilters: {risk: {lt: 0.9}}").matches("prediction.created", p)).isFalse();
        assertThat(trigger("on: prediction.created\nfilters: {risk: {lte: 0.9}}").matches("prediction.created", p)).isTrue();
        assertThat(trigger("on: prediction.created\nfilters: {risk: {in: [0.5, 0.9]}}").matches("prediction.created", p)).isTrue();
    }

    @Test
    void aMissingField_failsEveryCondition_neIncluded() {
        Trigger t = trigger("on: prediction.created\nfilters: {recommendedAction: {ne: restart}}");

        assertThat(t.matches("prediction.created", prediction("recommendedAction", "scale"))).isTrue();
        assertThat(t.matches("prediction.created", prediction())).isFalse();
        assertThat(t.matches("prediction.created", prediction("recommendedAction", null))).isFalse();
    }

    @Test
    void aStringFilter_comparesWithTheFieldsCanonicalText() {
        Trigger t = trigger("on: prediction.created\nfilters: {modelVersion: \"3\"}");

        assertThat(t.matches("prediction.created", prediction("modelVersion", 3))).isTrue();
        assertThat(t.matches("prediction.created", prediction("modelVersion", "3.0"))).isFalse();
    }

    @Test
    void theFieldsOfARealPrediction_matchTheSeedsFilter() {
        PredictionRecord record = new PredictionRecord("p-1", ProjectId.of("demo"), "service", "veria-api", "risk", 0.92,
                new Confidence(0.95, 1, 1, 1, 1), "restart", List.of(), "service_health", "2", 0.8, "t", "run-1",
                Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T10:00:01Z"));
        Trigger t = trigger("on: [prediction.created]\nfilters: {recommendedAction: restart, entity: service, "
                + "confidence: {gte: 0.9}, createdAt: \"2026-03-01T10:00:01Z\"}");

        assertThat(PredictionFields.of(record).keySet()).containsExactlyElementsOf(PredictionFields.NAMES);
        assertThat(t.matches(record.subject(), PredictionFields.of(record))).isTrue();
    }

    @Test
    void aBooleanFilter_matchesABooleanOrItsText() {
        FieldFilter f = new FieldFilter("x", List.of(new FieldFilter.Condition(FieldFilter.Operator.EQ, List.of(true))));

        assertThat(f.test(true)).isTrue();
        assertThat(f.test("true")).isTrue();
        assertThat(f.test("True")).isFalse();
    }

    @Test
    void aScheduledTrigger_keepsItsZone() {
        Trigger t = trigger("schedule: \"30 2 * * *\"\ntimezone: Europe/Paris");

        assertThat(t.timezone()).hasToString("Europe/Paris");
        assertThat(t.nextFire(Instant.parse("2026-01-10T00:00:00Z"))).contains(Instant.parse("2026-01-10T01:30:00Z"));
    }
}
