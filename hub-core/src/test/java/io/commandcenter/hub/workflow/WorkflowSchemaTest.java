package io.commandcenter.hub.workflow;

import io.commandcenter.common.json.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/workflow.schema.json says what the parser does: the same keys, forms and defaults. */
class WorkflowSchemaTest {
    static final Map<String, Object> SCHEMA = read();

    static Map<String, Object> read() {
        Path path = Files.exists(Path.of("../docs/workflow.schema.json")) ? Path.of("../docs/workflow.schema.json")
                : Path.of("docs/workflow.schema.json");
        try {
            return Json.parseObject(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path.toAbsolutePath(), e);
        }
    }

    /** The value at a JSON pointer (RFC 6901) from the schema's root; null when there is none. */
    static Object pointer(String pointer) {
        Object node = SCHEMA;
        if (pointer.isEmpty()) {
            return node;
        }
        for (String token : pointer.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            if (node instanceof Map<?, ?> object) {
                node = object.get(name);
            } else if (node instanceof List<?> array && name.matches("\\d+") && Integer.parseInt(name) < array.size()) {
                node = array.get(Integer.parseInt(name));
            } else {
                return null;
            }
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    /** Follows a local {@code $ref} when there is one. */
    static Map<String, Object> resolve(Object node) {
        Map<String, Object> object = object(node);
        Object ref = object.get("$ref");
        return ref == null ? object : resolve(pointer(((String) ref).substring(1)));
    }

    static Map<String, Object> at(String pointer) {
        return resolve(pointer(pointer));
    }

    static Set<String> keys(Object objectSchema) {
        return new TreeSet<>(object(resolve(objectSchema).get("properties")).keySet());
    }

    static String text(Map<String, Object> node, String name) {
        return (String) node.get(name);
    }

    static int integer(Map<String, Object> node, String name) {
        return ((Number) node.get(name)).intValue();
    }

    @Test
    void everySectionsKeys_areTheParsersKeys_noMoreNoLess() {
        assertThat(keys(SCHEMA)).isEqualTo(new TreeSet<>(WorkflowGrammar.WORKFLOW));
        assertThat(keys(at("/properties/trigger"))).isEqualTo(new TreeSet<>(WorkflowGrammar.TRIGGER));
        assertThat(keys(at("/properties/approval"))).isEqualTo(new TreeSet<>(WorkflowGrammar.APPROVAL));
        assertThat(keys(at("/properties/concurrency"))).isEqualTo(new TreeSet<>(WorkflowGrammar.CONCURRENCY));
        assertThat(keys(at("/properties/blast_radius"))).isEqualTo(new TreeSet<>(WorkflowGrammar.BLAST_RADIUS));
        assertThat(keys(at("/properties/nodes/items"))).isEqualTo(new TreeSet<>(WorkflowGrammar.NODE));
        assertThat(keys(object(at("/properties/nodes/items").get("properties")).get("retry")))
                .isEqualTo(new TreeSet<>(WorkflowGrammar.RETRY));
        assertThat(keys(at("/$defs/filter/oneOf/2"))).isEqualTo(new TreeSet<>(WorkflowGrammar.FILTER_OPERATORS));
    }

    @Test
    void filterFields_areThePredictionFields() {
        Set<String> names = new LinkedHashSet<>();
        ((List<?>) pointer("/properties/trigger/properties/filters/propertyNames/enum"))
                .forEach(n -> names.add((String) n));

        assertThat(names).containsExactlyElementsOf(PredictionFields.NAMES);
    }

    @Test
    void everyObject_refusesUnknownKeys_asTheParserDoes() {
        for (String pointer : new String[] {"", "/properties/trigger", "/properties/approval", "/properties/concurrency",
                "/properties/blast_radius", "/$defs/node", "/$defs/retry", "/$defs/filter/oneOf/2"}) {
            assertThat(at(pointer).get("additionalProperties")).as(pointer).isEqualTo(false);
        }
    }

    @Test
    void requiredKeys_areTheParsersRequiredKeys() {
        assertThat(SCHEMA.get("required")).isEqualTo(List.of("name", "trigger", "nodes"));
        assertThat(at("/$defs/node").get("required")).isEqualTo(List.of("id", "agent", "action"));
    }

    @Test
    void patternsAndLimits_areTheParsers() {
        assertThat(text(at("/properties/name"), "pattern")).isEqualTo("^" + WorkflowGrammar.NAME + "$");
        assertThat(text(at("/$defs/nodeId"), "pattern")).isEqualTo("^" + WorkflowGrammar.NODE_ID + "$");
        assertThat(pointer("/$defs/node/properties/inputs/propertyNames/pattern"))
                .isEqualTo("^" + WorkflowGrammar.INPUT_KEY + "$");
        assertThat(pointer("/$defs/retry/properties/non_retryable/items/pattern"))
                .isEqualTo("^" + WorkflowGrammar.REASON + "$");
        assertThat(integer(at("/properties/nodes"), "maxItems")).isEqualTo(WorkflowGrammar.MAX_NODES);
        assertThat(integer(at("/$defs/node/properties/inputs"), "maxProperties")).isEqualTo(WorkflowGrammar.MAX_INPUTS);
        assertThat(integer(at("/properties/description"), "maxLength")).isEqualTo(WorkflowGrammar.MAX_DESCRIPTION);
        assertThat(integer(at("/$defs/template"), "maxLength")).isEqualTo(Template.MAX_LENGTH);
        assertThat(integer(at("/properties/priority"), "minimum")).isEqualTo(WorkflowGrammar.MIN_PRIORITY);
        assertThat(integer(at("/properties/priority"), "maximum")).isEqualTo(WorkflowGrammar.MAX_PRIORITY);
        assertThat(((Number) at("/$defs/node/properties/cost").get("maximum")).doubleValue())
                .isEqualTo(WorkflowGrammar.MAX_COST);
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
        assertThat(defaultNumber("/properties/priority")).isEqualTo(w.priority());
        assertThat(defaultNumber("/$defs/node/properties/cost")).isEqualTo(node.cost());
        assertThat(pointer("/properties/idempotency_key/default")).isEqualTo(w.idempotencyKey().source());
        assertThat(pointer("/properties/trigger/properties/timezone/default")).isEqualTo("UTC");
        assertThat(defaultDuration("/$defs/node/properties/timeout")).isEqualTo(node.timeout());
        assertThat(defaultNumber("/$defs/retry/properties/max_attempts")).isEqualTo(retry.maxAttempts());
        assertThat(defaultDuration("/$defs/retry/properties/backoff")).isEqualTo(retry.backoff());
        assertThat(defaultDuration("/$defs/retry/properties/max_backoff")).isEqualTo(retry.maxBackoff());
        assertThat(defaultNumber("/$defs/retry/properties/multiplier")).isEqualTo(retry.multiplier());
        assertThat(defaultNumber("/$defs/retry/properties/jitter")).isEqualTo(retry.jitter());
    }

    @Test
    void theSubjectPattern_namesTheRootsTheParserAccepts() {
        assertThat(text(at("/$defs/subjectPattern"), "pattern")).isEqualTo("^(\\*|"
                + String.join("|", io.commandcenter.hub.events.EventSubjects.roots()) + ")(\\.([^.\\s,>*]+|\\*))*$");
    }

    @Test
    void theDurationPattern_acceptsTheParsersShortForms() {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(text(at("/$defs/duration"), "pattern"));

        for (String text : new String[] {"500ms", "30s", "5m", "2h", "1d", "PT5M"}) {
            assertThat(pattern.matcher(text).find()).as(text).isTrue();
            assertThat(Durations.parse(text)).isPositive();
        }
        assertThat(pattern.matcher("5 minutes").find()).isFalse();
    }

    @Test
    void theBuiltInCatalog_isExactlyWhatTheSchemaDescribesAsBuiltIn() {
        String actions = text(at("/$defs/node/properties/action"), "description");
        String builtInPart = actions.substring(actions.indexOf("Built in: ") + "Built in: ".length(),
                actions.indexOf(". ", actions.indexOf("Built in: ")));
        Map<String, Set<String>> described = new TreeMap<>();
        for (String entry : builtInPart.split("; ")) {
            String[] agentAndActions = entry.split(": ", 2);
            described.put(agentAndActions[0], Set.of(agentAndActions[1].split(", ")));
        }
        CapabilityCatalog catalog = CapabilityCatalog.builtIn();

        assertThat(described.keySet()).isEqualTo(catalog.agents());
        described.forEach((agent, declared) -> assertThat(declared).as(agent).isEqualTo(catalog.actionsOf(agent)));
    }

    @Test
    void theRetrainingAgents_areDescribedAsNotBuiltIn() {
        String agents = text(at("/$defs/node/properties/agent"), "description");

        assertThat(agents).contains("built into every hub, devops and notifier;")
                .contains("(data-collector, trainer, evaluator, registry) are not built in");
    }

    private static Duration defaultDuration(String pointer) {
        return Durations.parse((String) pointer(pointer + "/default"));
    }

    private static double defaultNumber(String pointer) {
        Object value = pointer(pointer + "/default");
        assertThat(value).as(pointer + " default is a number").isInstanceOf(Number.class);
        return ((Number) value).doubleValue();
    }
}
