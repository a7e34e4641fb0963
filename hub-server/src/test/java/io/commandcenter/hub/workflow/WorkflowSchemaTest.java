package io.commandcenter.hub.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/workflow.schema.json says what the parser does: the same keys, forms and defaults. */
class WorkflowSchemaTest {
    static final JsonNode SCHEMA = read();

    static JsonNode read() {
        Path path = Files.exists(Path.of("../docs/workflow.schema.json")) ? Path.of("../docs/workflow.schema.json")
                : Path.of("docs/workflow.schema.json");
        try {
            return new ObjectMapper().readTree(path.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path.toAbsolutePath(), e);
        }
    }

    /** Follows a local {@code $ref} when there is one. */
    static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : resolve(SCHEMA.at(ref.asText().substring(1)));
    }

    static JsonNode at(String pointer) {
        return resolve(SCHEMA.at(pointer));
    }

    static Set<String> keys(JsonNode objectSchema) {
        Set<String> out = new TreeSet<>();
        resolve(objectSchema).get("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void everySectionsKeys_areTheParsersKeys_noMoreNoLess() {
        assertThat(keys(SCHEMA)).isEqualTo(new TreeSet<>(WorkflowGrammar.WORKFLOW));
        assertThat(keys(at("/properties/trigger"))).isEqualTo(new TreeSet<>(WorkflowGrammar.TRIGGER));
        assertThat(keys(at("/properties/approval"))).isEqualTo(new TreeSet<>(WorkflowGrammar.APPROVAL));
        assertThat(keys(at("/properties/concurrency"))).isEqualTo(new TreeSet<>(WorkflowGrammar.CONCURRENCY));
        assertThat(keys(at("/properties/blast_radius"))).isEqualTo(new TreeSet<>(WorkflowGrammar.BLAST_RADIUS));
        assertThat(keys(at("/properties/nodes/items"))).isEqualTo(new TreeSet<>(WorkflowGrammar.NODE));
        assertThat(keys(at("/properties/nodes/items").get("properties").get("retry")))
                .isEqualTo(new TreeSet<>(WorkflowGrammar.RETRY));
        assertThat(keys(at("/$defs/filter/oneOf/2"))).isEqualTo(new TreeSet<>(WorkflowGrammar.FILTER_OPERATORS));
    }

    @Test
    void filterFields_areThePredictionFields() {
        Set<String> names = new LinkedHashSet<>();
        at("/properties/trigger/properties/filters/propertyNames/enum").forEach(n -> names.add(n.asText()));

        assertThat(names).containsExactlyElementsOf(PredictionFields.NAMES);
    }

    @Test
    void everyObject_refusesUnknownKeys_asTheParserDoes() {
        for (String pointer : new String[] {"", "/properties/trigger", "/properties/approval", "/properties/concurrency",
                "/properties/blast_radius", "/$defs/node", "/$defs/retry", "/$defs/filter/oneOf/2"}) {
            assertThat(at(pointer).get("additionalProperties").asBoolean(true)).as(pointer).isFalse();
        }
    }

    @Test
    void requiredKeys_areTheParsersRequiredKeys() {
        assertThat(SCHEMA.get("required")).extracting(JsonNode::asText).containsExactly("name", "trigger", "nodes");
        assertThat(at("/$defs/node").get("required")).extracting(JsonNode::asText).containsExactly("id", "agent", "action");
    }

    @Test
    void patternsAndLimits_areTheParsers() {
        assertThat(at("/properties/name").get("pattern").asText()).isEqualTo("^" + WorkflowGrammar.NAME + "$");
        assertThat(at("/$defs/nodeId").get("pattern").asText()).isEqualTo("^" + WorkflowGrammar.NODE_ID + "$");
        assertThat(at("/$defs/node/properties/inputs/propertyNames/pattern").asText())
                .isEqualTo("^" + WorkflowGrammar.INPUT_KEY + "$");
        assertThat(at("/$defs/retry/properties/non_retryable/items/pattern").asText())
                .isEqualTo("^" + WorkflowGrammar.REASON + "$");
        assertThat(at("/properties/nodes").get("maxItems").asInt()).isEqualTo(WorkflowGrammar.MAX_NODES);
        assertThat(at("/$defs/node/properties/inputs").get("maxProperties").asInt()).isEqualTo(WorkflowGrammar.MAX_INPUTS);
        assertThat(at("/properties/description").get("maxLength").asInt()).isEqualTo(WorkflowGrammar.MAX_DESCRIPTION);
        assertThat(at("/$defs/template").get("maxLength").asInt()).isEqualTo(Template.MAX_LENGTH);
    }

    @Test
    void defaults_areWhatTheParserFillsIn() {
        Workflow w = new WorkflowParser(CapabilityCatalog.builtIn()).parse(SeedWorkflows.AUTO_RESTART);
        WorkflowNode node = w.node("notify");
        RetryPolicy retry = node.retry();

        assertThat(defaultDuration("/properties/approval/properties/expires_after")).isEqualTo(w.approval().expiresAfter());
        assertThat(defaultNumber("/properties/approval/properties/min_confidence")).isEqualTo(w.approval().minConfidence());
        assertThat(defaultNumber("/properties/concurrency/properties/per_target")).isEqualTo(w.concurrency().perTarget());
        assertThat(defaultNumber("/properties/blast_radius/properties/max_per_hour")).isEqualTo(w.blastRadius().maxPerHour());
        assertThat(defaultDuration("/properties/deadline")).isEqualTo(w.deadline());
        assertThat(SCHEMA.at("/properties/idempotency_key/default").asText()).isEqualTo(w.idempotencyKey().source());
        assertThat(SCHEMA.at("/properties/trigger/properties/timezone/default").asText()).isEqualTo("UTC");
        assertThat(defaultDuration("/$defs/node/properties/timeout")).isEqualTo(node.timeout());
        assertThat(defaultNumber("/$defs/retry/properties/max_attempts")).isEqualTo(retry.maxAttempts());
        assertThat(defaultDuration("/$defs/retry/properties/backoff")).isEqualTo(retry.backoff());
        assertThat(defaultDuration("/$defs/retry/properties/max_backoff")).isEqualTo(retry.maxBackoff());
        assertThat(defaultNumber("/$defs/retry/properties/multiplier")).isEqualTo(retry.multiplier());
        assertThat(defaultNumber("/$defs/retry/properties/jitter")).isEqualTo(retry.jitter());
    }

    @Test
    void theDurationPattern_acceptsTheParsersShortForms() {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(at("/$defs/duration").get("pattern").asText());

        for (String text : new String[] {"500ms", "30s", "5m", "2h", "1d", "PT5M"}) {
            assertThat(pattern.matcher(text).find()).as(text).isTrue();
            assertThat(Durations.parse(text)).isPositive();
        }
        assertThat(pattern.matcher("5 minutes").find()).isFalse();
    }

    @Test
    void theBuiltInCatalog_isWhatTheSchemaDescribes() {
        String actions = at("/$defs/node/properties/action").get("description").asText();
        CapabilityCatalog catalog = CapabilityCatalog.builtIn();

        for (String agent : catalog.agents()) {
            assertThat(actions).contains(agent + ": ");
            assertThat(catalog.actionsOf(agent)).allSatisfy(action -> assertThat(actions).contains(action));
        }
    }

    private static Duration defaultDuration(String pointer) {
        return Durations.parse(SCHEMA.at(pointer + "/default").asText());
    }

    private static double defaultNumber(String pointer) {
        JsonNode value = SCHEMA.at(pointer + "/default");
        assertThat(value.isNumber()).as(pointer + " default is a number").isTrue();
        return value.asDouble();
    }
}
