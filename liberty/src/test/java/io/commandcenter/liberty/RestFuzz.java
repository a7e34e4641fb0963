package io.commandcenter.liberty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Malformed and hostile requests for every REST endpoint (HubIT.ENDPOINTS and the ledger's
 * verification): each query parameter, each id in a path, each body of an endpoint that reads one.
 * Deterministic for a seed.
 */
final class RestFuzz {
    /** One request: what it is, method, path and query (encoded), Content-Type (null: none), body (null: none). */
    record Input(String label, String method, String target, String contentType, byte[] body, boolean chunked) {
    }

    /** The query parameters each path reads. */
    static final Map<String, List<String>> QUERY = Map.ofEntries(
            Map.entry("api/samples", List.of("service", "since", "until", "limit", "pageToken", "oldestFirst")),
            Map.entry("api/events", List.of("pattern", "project")),
            Map.entry("api/predictions", List.of("targetId", "model", "since", "until", "limit", "pageToken")),
            Map.entry("api/model-runs", List.of("targetId", "kind", "since", "until", "limit", "pageToken", "step")),
            Map.entry("api/workflows/w", List.of("revision")),
            Map.entry("api/runs", List.of("workflow", "state", "targetId", "limit", "pageToken")),
            Map.entry("api/approvals", List.of("state", "limit")),
            Map.entry("api/prediction-actions", List.of("predictionId", "runId", "limit", "pageToken")),
            Map.entry("api/audit", List.of("action", "since", "until", "subject", "actor", "allProjects",
                    "oldestFirst", "limit", "pageToken")),
            Map.entry("api/audit/verify", List.of("anchor")),
            Map.entry("api/stats", List.of("since")));
    /** A query parameter no endpoint reads: every endpoint refuses it, 400 naming it. */
    static final String UNKNOWN_PARAMETER = "tartget";
    /** The label of the input that sends it. */
    static final String UNKNOWN_LABEL = "unknown query parameter";
    /** The ids in paths, as HubIT.ENDPOINTS names them. */
    static final List<String> IDS = List.of("p-1", "w", "r-1", "a-1", "m-1");

    static final int LIMIT = 4 << 20;

    private final SplittableRandom random;

    RestFuzz(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Every input for every endpoint. */
    List<Input> inputs(List<String[]> endpoints) {
        List<Input> out = new ArrayList<>();
        for (String[] e : endpoints) {
            String method = e[0];
            String path = e[1].replaceAll("\\?.*", "");
            for (String param : QUERY.getOrDefault(path, List.of())) {
                for (String[] v : queryValues()) {
                    out.add(new Input(param + " = " + v[0], method, path + "?" + param + "=" + v[1],
                            method.equals("GET") ? null : "application/json", method.equals("GET") ? null : bytes("{}"),
                            false));
                }
            }
            out.add(new Input(UNKNOWN_LABEL, method, path + "?" + UNKNOWN_PARAMETER + "=x",
                    method.equals("GET") ? null : "application/json", method.equals("GET") ? null : bytes("{}"), false));
            for (String id : IDS) {
                if (path.matches(".*/" + id + "(/.*)?")) {
                    for (String[] v : pathValues()) {
                        out.add(new Input("id = " + v[0], method, path.replaceFirst("/" + id + "(?=/|$)", "/" + v[1]),
                                method.equals("GET") ? null : "application/json",
                                method.equals("GET") ? null : bytes("{}"), false));
                    }
                }
            }
            if (!method.equals("GET")) {
                for (Object[] b : bodies()) {
                    out.add(new Input("body " + b[0], method, path, (String) b[1], (byte[]) b[2], (boolean) b[3]));
                }
            }
        }
        return out;
    }

    /** Hostile query values, percent-encoded as a client would send them. */
    private String[][] queryValues() {
        return new String[][]{
                {"not a number", "abc"}, {"negative", "-1"}, {"int overflow", "2147483648"},
                {"huge number", "99999999999999999999"}, {"NUL", "%00"}, {"CRLF header injection", "%0d%0aX-Injected:%201"},
                {"escape sequence", "%1b%5B31m"}, {"path traversal", "..%2F..%2F..%2Fetc%2Fpasswd"},
                {"shell metacharacters", "%3B%20rm%20-rf%20%2F%20%24(id)%20%60id%60"}, {"8000 characters", "a".repeat(8000)},
                {"year one billion", "%2B1000000000-01-01T00:00:00Z"}, {"year minus one billion", "-999999999-01-01T00:00:00Z"},
                {"year 10000", "%2B10000-01-01T00:00:00Z"}, {"a billion days ago", "999999999d"},
                {"bidi override", "%E2%80%AEabc"}, {"invalid UTF-8", "%FF%FE%C3%28"}, {"random", random(24)},
        };
    }

    private String[][] pathValues() {
        return new String[][]{
                {"path traversal", "..%2F..%2F..%2Fetc%2Fpasswd"}, {"dot dot", "%2e%2e"}, {"NUL", "a%00b"},
                {"CRLF", "a%0d%0ab"}, {"escape sequence", "%1b%5B31m"}, {"5000 characters", "a".repeat(5000)},
                {"shell metacharacters", "%3B%20rm%20-rf%20%2F%20%24(id)"}, {"invalid UTF-8", "%FF%FE"},
                {"space", "%20"}, {"random", random(16)},
        };
    }

    /** Label, Content-Type, body, chunked. */
    private Object[][] bodies() {
        String deepArray = "[".repeat(10_000) + "]".repeat(10_000);
        String deepObject = "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000);
        byte[] overLimit = bytes("{\"reason\":\"" + "x".repeat(LIMIT + 1024) + "\"}");
        byte[] underLimit = bytes("{\"reason\":\"" + "x".repeat(3 << 20) + "\"}");
        String json = "application/json";
        return new Object[][]{
                {"unclosed", json, bytes("{"), false}, {"truncated", json, bytes("{\"reason\": \"a"), false},
                {"array", json, bytes("[]"), false}, {"null", json, bytes("null"), false},
                {"string", json, bytes("\"text\""), false}, {"number", json, bytes("123"), false},
                {"wrong types", json, bytes("{\"entity\": 5, \"paused\": \"yes\", \"reason\": [1, 2],"
                        + " \"target\": {\"kind\": [true]}, \"predictionId\": {}}"), false},
                {"unknown field", json, bytes("{\"nope\": 1}"), false},
                {"NaN and overflow", json, bytes("{\"risk\": NaN, \"paused\": 1e400, \"reason\": -0}"), false},
                {"duplicate keys", json, bytes("{\"reason\": \"a\", \"reason\": \"b\"}"), false},
                {"array 10000 deep", json, bytes(deepArray), false}, {"object 2000 deep", json, bytes(deepObject), false},
                {"NUL and controls", json, bytes("{\"reason\": \"a\\u0000b\u0001\u001b[31m\"}"), false},
                {"raw control bytes", json, new byte[]{'{', '"', 'r', '"', ':', '"', 0, 1, 27, '"', '}'}, false},
                {"invalid UTF-8", json, new byte[]{'{', '"', 'r', 'e', 'a', 's', 'o', 'n', '"', ':', '"', (byte) 0xC3,
                        0x28, (byte) 0xFF, '"', '}'}, false},
                {"UTF-16 with BOM", json, "{\"reason\":\"x\"}".getBytes(StandardCharsets.UTF_16), false},
                {"charset=bogus", "application/json; charset=bogus", bytes("{}"), false},
                {"charset empty", "application/json; charset=", bytes("{}"), false},
                {"charset illegal name", "application/json; charset=\"ü/../x\"", bytes("{}"), false},
                {"charset UTF-32", "application/json; charset=UTF-32", bytes("{}"), false},
                {"text/plain", "text/plain", bytes("name: x"), false}, {"xml", "application/xml", bytes("<a/>"), false},
                {"garbage Content-Type", ";;;==", bytes("{}"), false},
                {"no Content-Type", null, bytes("{}"), false},
                {"random bytes", json, noise(256), false}, {"yaml bomb", "application/yaml", bytes(yamlBomb()), false},
                {"just under the limit", json, underLimit, false},
                {"over the limit", json, overLimit, false}, {"over the limit, chunked", json, overLimit, true},
        };
    }

    private static String yamlBomb() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'k'; c++) {
            yaml.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ", ").append('*').append(prev);
            }
            yaml.append("]\n");
            prev = c;
        }
        return yaml.toString();
    }

    private String random(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(String.format("%%%02X", random.nextInt(256)));
        }
        return s.toString();
    }

    private byte[] noise(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) random.nextInt(256);
        }
        return out;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
