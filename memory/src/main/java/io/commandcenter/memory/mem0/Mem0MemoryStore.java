package io.commandcenter.memory.mem0;

import io.commandcenter.common.concurrent.CircuitBreaker;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.http.HttpCalls;
import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.memory.ExactMemoryStore;
import io.commandcenter.memory.Memory;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryHit;
import io.commandcenter.memory.MemoryRules;
import io.commandcenter.memory.MemoryStore;
import io.commandcenter.memory.Vectors;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The memory port over Mem0's REST API (v1), for teams that already run Mem0. A CommandCenter project
 * is a Mem0 {@code user_id}, every memory is written with {@code agent_id=commandcenter} and
 * {@code infer: false} (stored as given: no LLM in the write path), and the memory's fields, vector
 * included, travel in Mem0's {@code metadata} under {@code cc_*} keys. Calls used:
 * <ul>
 *   <li>{@code POST /v1/memories/} — add;</li>
 *   <li>{@code GET /v1/memories/?user_id=&agent_id=&metadata=&page=&page_size=} — get by id, list, and
 *       the candidates of a search (exact-match filters on entity, kind, action and outcome are sent as
 *       {@code metadata}, and checked again here);</li>
 *   <li>{@code PUT /v1/memories/{memory_id}/} — replace: the memory's text and metadata rewritten in place,
 *       so a failed replace leaves the memory as it was;</li>
 *   <li>{@code DELETE /v1/memories/{memory_id}/} — delete (and copies of one memory a replace finds).</li>
 * </ul>
 * Mem0's own search ranks by its embedding of the text; the hub's similarity is over its incident
 * vector, which Mem0 cannot take as a query, so a search reads the filtered candidates and ranks them
 * here exactly (a scan per search: fine for thousands of memories per project, not millions — the
 * embedded store is for those).
 *
 * <p>{@code timeout} bounds each HTTP call to Mem0 (one page of a listing, one write), headers and body
 * included; {@code budget} bounds one operation's calls together (a search with every page it reads, an
 * add with its lookup and write). Two circuit breakers stand in front of Mem0, one for reads (get, search,
 * count, list) and one for writes (add, delete), so failing searches never refuse an add: after
 * {@value #BREAKER_FAILURES} operations of one kind fail in a row, operations of that kind fail at once
 * for {@link #BREAKER_OPEN}, then one trial goes through. What counts as a failure is Mem0's doing: an I/O
 * error, an answer other than 2xx or unreadable, a call that did not complete within {@code timeout}, or
 * within what was left of the budget when that was at least half the timeout. An operation that runs out
 * of its budget while Mem0 kept answering (a call cut with less than half the timeout left, or not sent),
 * or whose thread is interrupted, fails too but is not counted. Every failure, an open breaker included, is UNAVAILABLE {@code MEMORY_UNAVAILABLE}.
 */
public final class Mem0MemoryStore implements MemoryStore {
    static final String AGENT = "commandcenter";
    private static final int PAGE = 100;
    private static final int MAX_PAGES = 10_000;
    static final int BREAKER_FAILURES = 5;
    static final Duration BREAKER_OPEN = Duration.ofSeconds(30);
    /** The budget of one operation when none is given ({@code cc.memory.mem0.search-budget}'s default). */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);

    private final URI base;
    private final String apiKey;
    private final int dimensions;
    private final Duration timeout;
    private final Duration budget;
    private final LongSupplier ticker;
    private final CircuitBreaker reads;
    private final CircuitBreaker writes;
    private final HttpClient http;

    /** @param timeout the deadline of each call to Mem0; an operation's budget is {@link #DEFAULT_BUDGET} */
    public Mem0MemoryStore(URI base, String apiKey, int dimensions, Duration timeout) {
        this(base, apiKey, dimensions, timeout, DEFAULT_BUDGET, Clock.systemUTC());
    }

    /**
     * @param timeout the deadline of each call to Mem0
     * @param budget  the deadline of one operation, all its calls together; at least {@code timeout}
     * @param clock   what the breakers' cool-down is read on (budgets on {@link System#nanoTime})
     */
    public Mem0MemoryStore(URI base, String apiKey, int dimensions, Duration timeout, Duration budget, Clock clock) {
        this(base, apiKey, dimensions, timeout, budget, clock, System::nanoTime);
    }

    /** @param ticker nanoseconds, what budgets are read on */
    public Mem0MemoryStore(URI base, String apiKey, int dimensions, Duration timeout, Duration budget, Clock clock,
                           LongSupplier ticker) {
        if (timeout.isZero() || timeout.isNegative() || budget.compareTo(timeout) < 0) {
            throw new IllegalArgumentException("need 0 < timeout <= budget, got timeout " + timeout + ", budget " + budget);
        }
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b : b + "/");
        this.apiKey = apiKey;
        this.dimensions = dimensions;
        this.timeout = timeout;
        this.budget = budget;
        this.ticker = ticker;
        this.reads = new CircuitBreaker(clock, BREAKER_FAILURES, BREAKER_OPEN);
        this.writes = new CircuitBreaker(clock, BREAKER_FAILURES, BREAKER_OPEN);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    /**
     * Adds the memory, or replaces the one with its id in place ({@code PUT}): when the write fails, the
     * memory stays as it was. Copies of the id an older version left behind are deleted after the write.
     */
    @Override
    public void add(Memory memory) {
        MemoryRules.check(memory, dimensions);
        Memory unit = memory.withVector(Vectors.unit(memory.vector()));
        String content = unit.text().isEmpty() ? unit.kind() + " " + unit.entity() : unit.text();
        operation(writes, "writes to", op -> {
            List<Stored> old = find(unit.project(), Map.of("cc_id", unit.id()), op);
            if (old.isEmpty()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("messages", List.of(Map.of("role", "user", "content", content)));
                body.put("user_id", unit.project());
                body.put("agent_id", AGENT);
                body.put("infer", false);
                body.put("metadata", metadata(unit));
                call("POST", "v1/memories/", Json.write(body), op);
                return null;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("text", content);
            body.put("metadata", metadata(unit));
            call("PUT", "v1/memories/" + encode(old.get(0).mem0Id()) + "/", Json.write(body), op);
            for (Stored copy : old.subList(1, old.size())) {
                call("DELETE", "v1/memories/" + encode(copy.mem0Id()) + "/", null, op);
            }
            return null;
        });
    }

    @Override
    public Optional<Memory> get(String project, String id) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkId(id, "memory_id");
        return operation(reads, "reads from", op -> find(project, Map.of("cc_id", id), op)).stream().map(Stored::memory)
                .filter(m -> m.id().equals(id)).findFirst();
    }

    /** Reads the filtered candidates and ranks them here, every page within one budget. */
    @Override
    public List<MemoryHit> search(String project, float[] vector, int k, MemoryFilter filter) {
        MemoryRules.checkSearch(project, vector, k, dimensions);
        return oracle(project, filter).search(project, vector, k, MemoryFilter.ALL);
    }

    @Override
    public boolean delete(String project, String id) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkId(id, "memory_id");
        return operation(writes, "writes to", op -> {
            List<Stored> found = find(project, Map.of("cc_id", id), op);
            for (Stored s : found) {
                call("DELETE", "v1/memories/" + encode(s.mem0Id()) + "/", null, op);
            }
            return !found.isEmpty();
        });
    }

    @Override
    public long count(String project, MemoryFilter filter) {
        MemoryRules.checkProject(project, "project");
        return candidates(project, filter).size();
    }

    @Override
    public List<Memory> list(String project, MemoryFilter filter, int limit, Optional<Cursor> after) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkLimit(limit);
        return oracle(project, filter).list(project, MemoryFilter.ALL, limit, after);
    }

    /** What is left of one operation's budget; its first call always has the whole timeout. */
    private static final class Budget {
        final long end; // on the ticker
        boolean started;

        Budget(long end) {
            this.end = end;
        }
    }

    /**
     * One operation on Mem0 under its breaker, with its budget ({@code budget} from now) handed to every
     * call it makes. A failure of Mem0 counts for the breaker; an operation given up by the hub
     * ({@link GivenUp}) does not.
     */
    private <T> T operation(CircuitBreaker breaker, String what, Function<Budget, T> body) {
        try (CircuitBreaker.Permit permit = breaker.tryAcquire().orElseThrow(() -> CommandCenterException.unavailable(
                "MEMORY_UNAVAILABLE", what + " Mem0 at " + base + " are suspended until " + breaker.retryAt()
                        + " after " + BREAKER_FAILURES + " failed operations in a row", null))) {
            try {
                T result = body.apply(new Budget(ticker.getAsLong() + budget.toNanos()));
                permit.succeeded();
                return result;
            } catch (GivenUp e) {
                permit.abandon();
                throw e.error;
            }
        }
    }

    /** An operation the hub gave up for reasons of its own (its budget spent, its thread interrupted). */
    private static final class GivenUp extends RuntimeException {
        final CommandCenterException error;

        GivenUp(CommandCenterException error) {
            super(error.getMessage(), error, false, false);
            this.error = error;
        }
    }

    @Override
    public void close() {
        // the JDK client holds no resources a caller must release on Java 17
    }

    /** The filtered candidates in an exact store: ranking and ordering are the oracle's. */
    private ExactMemoryStore oracle(String project, MemoryFilter filter) {
        ExactMemoryStore exact = new ExactMemoryStore(dimensions);
        exact.addAll(candidates(project, filter));
        return exact;
    }

    private List<Memory> candidates(String project, MemoryFilter filter) {
        Map<String, String> equal = new LinkedHashMap<>();
        filter.entity().ifPresent(v -> equal.put("cc_entity", v));
        filter.kind().ifPresent(v -> equal.put("cc_kind", v));
        filter.action().ifPresent(v -> equal.put("cc_action", v));
        filter.outcome().ifPresent(v -> equal.put("cc_outcome", v));
        return operation(reads, "reads from", op -> find(project, equal, op)).stream().map(Stored::memory).filter(filter::test)
                .toList();
    }

    /** A memory as Mem0 holds it: Mem0's id and ours. */
    private record Stored(String mem0Id, Memory memory) {
    }

    /** Every CommandCenter memory of the project whose metadata has these values, page by page. */
    private List<Stored> find(String project, Map<String, String> metadata, Budget op) {
        List<Stored> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            StringBuilder q = new StringBuilder("v1/memories/?user_id=").append(encode(project))
                    .append("&agent_id=").append(AGENT).append("&page=").append(page).append("&page_size=").append(PAGE);
            if (!metadata.isEmpty()) {
                q.append("&metadata=").append(encode(Json.write(metadata)));
            }
            List<Object> items = items(call("GET", q.toString(), null, op));
            int fresh = 0;
            for (Object item : items) {
                Optional<Stored> s = stored(project, item);
                if (s.isPresent() && seen.add(s.get().mem0Id())) {
                    fresh++;
                    Memory m = s.get().memory();
                    boolean matches = metadata.entrySet().stream().allMatch(e -> e.getValue().equals(field(m, e.getKey())));
                    if (matches) {
                        out.add(s.get());
                    }
                }
            }
            if (items.size() < PAGE || fresh == 0) {
                break;
            }
        }
        return out;
    }

    private static String field(Memory m, String key) {
        return switch (key) {
            case "cc_id" -> m.id();
            case "cc_entity" -> m.entity();
            case "cc_kind" -> m.kind();
            case "cc_action" -> m.action();
            case "cc_outcome" -> m.outcome();
            default -> null;
        };
    }

    /** A list answer: an array (v1), or a page object with {@code results}. */
    @SuppressWarnings("unchecked")
    private static List<Object> items(Object answer) {
        if (answer instanceof List<?> list) {
            return (List<Object>) list;
        }
        if (answer instanceof Map<?, ?> map && map.get("results") instanceof List<?> results) {
            return (List<Object>) results;
        }
        throw CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "Mem0 answered a listing with "
                + Json.typeName(answer), null);
    }

    /** Our memory from a Mem0 memory, when it is one of ours of this project (others are skipped). */
    @SuppressWarnings("unchecked")
    private Optional<Stored> stored(String project, Object item) {
        try {
            Map<String, Object> m = (Map<String, Object>) item;
            Map<String, Object> meta = (Map<String, Object>) m.get("metadata");
            if (meta == null || !project.equals(meta.get("cc_project")) || !(meta.get("cc_vector") instanceof List<?>)) {
                return Optional.empty();
            }
            List<Object> raw = (List<Object>) meta.get("cc_vector");
            float[] v = new float[raw.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) raw.get(i)).floatValue();
            }
            Map<String, String> extra = new LinkedHashMap<>();
            Object md = meta.get("cc_metadata");
            if (md instanceof Map<?, ?> map) {
                map.forEach((k, val) -> extra.put(String.valueOf(k), String.valueOf(val)));
            }
            Memory memory = new Memory((String) meta.get("cc_id"), project, (String) meta.get("cc_entity"),
                    (String) meta.get("cc_kind"), Instant.parse((String) meta.get("cc_at")), v,
                    (String) meta.get("cc_action"), (String) meta.get("cc_outcome"), (String) meta.get("cc_text"), extra);
            return Optional.of(new Stored(String.valueOf(m.get("id")), memory));
        } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
            return Optional.empty(); // not written by CommandCenter (or not by this version): not ours to read
        }
    }

    private static Map<String, Object> metadata(Memory m) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("cc_project", m.project());
        meta.put("cc_id", m.id());
        meta.put("cc_entity", m.entity());
        meta.put("cc_kind", m.kind());
        meta.put("cc_at", m.at().toString());
        meta.put("cc_action", m.action());
        meta.put("cc_outcome", m.outcome());
        meta.put("cc_text", m.text());
        meta.put("cc_metadata", m.metadata());
        List<Object> v = new ArrayList<>();
        for (float x : m.vector()) {
            v.add((double) x);
        }
        meta.put("cc_vector", v);
        return meta;
    }

    /**
     * One HTTP call: {@code timeout}, or what is left of the operation's budget when that is less (never for
     * the operation's first call). A call not sent because none is left, or cut short by the budget when it
     * had less than half the timeout, is given up ({@link GivenUp}), not a failure: the operation's earlier
     * calls used the budget. Cut with half the timeout or more, it is Mem0's failure (a stall).
     */
    private Object call(String method, String path, String body, Budget op) {
        String what = method + " /" + path.replaceAll("\\?.*", "");
        Duration left = Duration.ofNanos(op.end - ticker.getAsLong());
        if (op.started && (left.isNegative() || left.isZero())) {
            throw outOfBudget(what + " not sent");
        }
        // the first call has the whole timeout (the budget is at least that), so a first call that stalls counts
        Duration wait = !op.started || left.compareTo(timeout) >= 0 ? timeout : left;
        op.started = true;
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(wait)
                .header("Accept", "application/json");
        if (!apiKey.isEmpty()) {
            b.header("Authorization", "Token " + apiKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = HttpCalls.sendWithin(http, b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), wait);
        } catch (HttpTimeoutException e) {
            if (wait.multipliedBy(2).compareTo(timeout) < 0) {
                throw outOfBudget(what + " cut at the budget's end");
            }
            throw CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "Mem0 at " + base + " did not answer " + what
                    + " within " + wait + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "Mem0 at " + base + " cannot be reached: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GivenUp(CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "interrupted while calling Mem0 ("
                    + what + ")", e));
        }
        if (response.statusCode() / 100 != 2) {
            throw CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "Mem0 answered " + method + " /" + path
                    .replaceAll("\\?.*", "") + " with HTTP " + response.statusCode(), null);
        }
        try {
            return response.body().isBlank() ? Map.of() : Json.parse(response.body());
        } catch (JsonException e) {
            throw CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "Mem0 answered with JSON it cannot read: "
                    + e.getMessage(), e);
        }
    }

    private GivenUp outOfBudget(String detail) {
        return new GivenUp(CommandCenterException.unavailable("MEMORY_UNAVAILABLE", "Mem0 at " + base
                + " kept answering, but the operation did not finish within its budget of " + budget + " ("
                + detail + ")", null));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
