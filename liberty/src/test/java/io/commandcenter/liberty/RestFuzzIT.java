package io.commandcenter.liberty;

import io.commandcenter.proto.v1.CreateKeyRequest;
import io.commandcenter.proto.v1.KeyRole;
import io.commandcenter.proto.v1.KeyServiceGrpc;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every REST endpoint of the hub on Liberty, sent malformed and hostile requests ({@link RestFuzz}:
 * each query parameter, each id in a path, each body — malformed JSON, wrong types, nesting 10,000
 * deep, a bogus charset, bodies over the limit with and without a length — plus raw HTTP a client
 * library would not send). For bad input the hub never answers 5xx; a query parameter the endpoint does not
 * read is 400 naming it; a body over
 * {@code cc.http.max-body-bytes} is 413 naming the limit; an error body never grows with the input;
 * a refused request changes nothing a project holds (workflows, runs, approvals, samples,
 * predictions, autonomy, audit entries other than REQUEST_DENIED); the hub answers afterwards.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestFuzzIT {
    static final long SEED = 1713;
    static final String PROJECT = "rest-fuzz";
    /** What a project holds, read after every request. */
    static final List<String> HOLDINGS = List.of("api/workflows", "api/runs?limit=1000", "api/approvals?limit=1000",
            "api/samples?limit=1000", "api/predictions?limit=1000", "api/prediction-actions?limit=1000",
            "api/autonomy", "api/audit?limit=1000");

    @Deployment(testable = false)
    static WebArchive hub() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("hub.war")));
    }

    final HubClient client = new HubClient();
    @ArquillianResource
    URL base;
    String observer;

    @BeforeEach
    void locate() throws Exception {
        client.base = base.toURI();
        observer = "Bearer " + UsedSecrets.add(KeyServiceGrpc.newBlockingStub(client.channel).createKey(
                CreateKeyRequest.newBuilder().setName("rest-fuzz-observer").setProjectId(PROJECT)
                        .setRole(KeyRole.KEY_ROLE_VIEWER).build()).getToken());
        UsedSecrets.add(HubClient.ADMIN.token());
    }

    @AfterEach
    void close() {
        client.close();
    }

    /** How one request ended: its status (or -1 when the hub closed the connection), and its body's start. */
    record Outcome(int status, String body) {
    }

    @Test
    void everyEndpoint_answersHostileInput_withoutA5xx_storesNothingWhenItRefuses_andKeepsAnswering() throws Exception {
        List<String[]> endpoints = new ArrayList<>(HubIT.ENDPOINTS);
        endpoints.add(new String[]{"GET", "api/audit/verify", "admin"});
        List<RestFuzz.Input> inputs = new RestFuzz(SEED).inputs(endpoints);
        Map<String, Integer> byStatus = new TreeMap<>();
        List<String> faults = new ArrayList<>();
        Map<String, String> holdings = holdings();
        for (RestFuzz.Input input : inputs) {
            Outcome outcome = send(input);
            byStatus.merge(outcome.status() < 0 ? "closed" : Integer.toString(outcome.status()), 1, Integer::sum);
            String what = input.method() + " " + input.target().substring(0, Math.min(120, input.target().length()))
                    + " [" + input.label() + "]";
            String fault = fault(input, outcome);
            if (fault != null) {
                faults.add(what + ": " + fault);
            }
            Map<String, String> now = holdings();
            if (outcome.status() >= 400 && !now.equals(holdings)) {
                faults.add(what + ": refused with " + outcome.status() + " but changed what the project holds");
            }
            holdings = now;
        }
        int raw = 0;
        for (Map.Entry<String, byte[]> r : rawRequests().entrySet()) {
            raw++;
            int status = rawStatus(r.getValue());
            byStatus.merge(status < 0 ? "closed" : Integer.toString(status), 1, Integer::sum);
            if (status >= 500) {
                faults.add("raw " + r.getKey() + ": " + status);
            }
        }
        System.out.printf("REST fuzz: %d inputs to %d endpoints (%d raw HTTP, seed %d), answers by status %s,"
                + " %d faults%n", inputs.size() + raw, endpoints.size(), raw, SEED, byStatus, faults.size());

        assertThat(faults).as("answers that were 5xx, unbounded or stored something").isEmpty();
        assertHubStillAnswers();
    }

    /** What is wrong with an answer to bad input, or null. */
    static String fault(RestFuzz.Input input, Outcome outcome) {
        if (outcome.status() < 0) {
            return input.label().endsWith("chunked") ? null : "the connection was closed without an answer";
        }
        if (outcome.status() >= 500) {
            return outcome.status() + " " + outcome.body().substring(0, Math.min(300, outcome.body().length()));
        }
        if (input.label().equals(RestFuzz.UNKNOWN_LABEL) && (outcome.status() != 400
                || !outcome.body().contains("no query parameter '" + RestFuzz.UNKNOWN_PARAMETER + "'"))) {
            return "a query parameter the endpoint does not read answered " + outcome.status() + " " + outcome.body();
        }
        if (input.label().startsWith("body over the limit") && outcome.status() != 413) {
            return "a body over the limit answered " + outcome.status();
        }
        if (outcome.status() == 413 && !outcome.body().contains(Integer.toString(RestFuzz.LIMIT))) {
            return "413 without the limit: " + outcome.body();
        }
        if (outcome.body().startsWith("{\"error\"") && outcome.body().length() > 8192) {
            return "an error body of " + outcome.body().length() + " characters";
        }
        return null;
    }

    Outcome send(RestFuzz.Input input) throws Exception {
        HttpRequest.BodyPublisher body = input.body() == null ? HttpRequest.BodyPublishers.noBody()
                : input.chunked() ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(
                input.body())) : HttpRequest.BodyPublishers.ofByteArray(input.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(client.base.resolve(input.target()))
                .timeout(Duration.ofSeconds(60)).header("Authorization", HubClient.ADMIN.header())
                .header("X-CC-Project", PROJECT).method(input.method(), body)
                .expectContinue(input.body() != null && input.body().length > 1 << 20);
        if (input.contentType() != null) {
            request.header("Content-Type", input.contentType());
        }
        try {
            HttpResponse<InputStream> response = client.http.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                boolean stream = response.headers().firstValue("Content-Type").orElse("").contains("event-stream");
                return new Outcome(response.statusCode(), stream ? "" : new String(in.readNBytes(64 << 10),
                        StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return new Outcome(-1, String.valueOf(e));
        }
    }

    /** The body of every holding of the project, audit entries counted without REQUEST_DENIED. */
    Map<String, String> holdings() throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String path : HOLDINGS) {
            HttpResponse<String> r = readAsObserver(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            out.put(path, path.startsWith("api/audit")
                    ? (count(r.body(), "\"action\":\"") - count(r.body(), "\"action\":\"REQUEST_DENIED\"")) + " entries"
                    : r.body());
        }
        return out;
    }

    /**
     * GET {@code path} with the observer's key. The holdings are read after every input (eight reads each),
     * which on a fast machine outruns the key's call rate ({@code cc.limits.calls-per-second}): a 429 must
     * say when to come back ({@code Retry-After}), and the read is made again then, as a client would.
     */
    HttpResponse<String> readAsObserver(String path) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r = client.http.send(HttpRequest.newBuilder(client.base.resolve(path))
                    .header("Authorization", observer).header("X-CC-Project", PROJECT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 429 || attempt == 5) {
                return r;
            }
            long seconds = Long.parseLong(r.headers().firstValue("Retry-After")
                    .orElseThrow(() -> new AssertionError(path + ": 429 without Retry-After")));
            assertThat(seconds).as(path + ": Retry-After").isBetween(1L, 60L);
            Thread.sleep(seconds * 1000); // the server's own instruction, not a guess at timing
        }
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Requests no HTTP library sends, on a socket: the status line's code, or -1 when the connection closed. */
    Map<String, byte[]> rawRequests() {
        String root = client.base.getPath();
        String auth = "Authorization: " + HubClient.ADMIN.header() + "\r\nX-CC-Project: " + PROJECT + "\r\n";
        Map<String, byte[]> out = new TreeMap<>();
        out.put("a Content-Length of 100 GB", RestFuzz.bytes("PUT " + root + "api/autonomy HTTP/1.1\r\nHost: localhost\r\n"
                + auth + "Content-Type: application/json\r\nContent-Length: 100000000000\r\nConnection: close\r\n\r\n{}"));
        out.put("a negative Content-Length", RestFuzz.bytes("PUT " + root + "api/autonomy HTTP/1.1\r\nHost: localhost\r\n"
                + auth + "Content-Type: application/json\r\nContent-Length: -5\r\nConnection: close\r\n\r\n{}"));
        out.put("control characters in the path", RestFuzz.bytes("GET " + root + "api/runs/a\u0001\u001bb HTTP/1.1\r\n"
                + "Host: localhost\r\n" + auth + "Connection: close\r\n\r\n"));
        out.put("a 64 KB header", RestFuzz.bytes("GET " + root + "api/runs HTTP/1.1\r\nHost: localhost\r\n" + auth
                + "X-Big: " + "b".repeat(64 << 10) + "\r\nConnection: close\r\n\r\n"));
        byte[] head = RestFuzz.bytes("GET " + root + "api/runs/");
        byte[] tail = RestFuzz.bytes(" HTTP/1.1\r\nHost: localhost\r\n" + auth + "Connection: close\r\n\r\n");
        byte[] invalid = new byte[head.length + 3 + tail.length];
        System.arraycopy(head, 0, invalid, 0, head.length);
        invalid[head.length] = (byte) 0xC3;
        invalid[head.length + 1] = 0x28;
        invalid[head.length + 2] = (byte) 0xFF;
        System.arraycopy(tail, 0, invalid, head.length + 3, tail.length);
        out.put("invalid UTF-8 in the path", invalid);
        out.put("not HTTP", RestFuzz.bytes("\u0016\u0003\u0001\u0000\u00a5hello\r\n\r\n"));
        return out;
    }

    static int rawStatus(byte[] request) throws IOException {
        try (Socket socket = new Socket("localhost", HubClient.HTTP_PORT)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            byte[] line = socket.getInputStream().readNBytes(12);
            String status = new String(line, StandardCharsets.ISO_8859_1);
            return status.startsWith("HTTP/1.1 ") ? Integer.parseInt(status.substring(9, 12)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Health, a read and a write that must work after everything above. */
    void assertHubStillAnswers() throws Exception {
        assertThat(client.get("/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(client.get("/health/live", null).statusCode()).isEqualTo(200);
        HttpResponse<String> paused = client.http.send(HubClient.authorized(client.base.resolve("api/autonomy"))
                .header("X-CC-Project", PROJECT).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"paused\":true,\"reason\":\"after the fuzz\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(client.get("/api/autonomy", PROJECT).body()).contains("after the fuzz");
        assertThat(client.get("/api/workflows", PROJECT).statusCode()).isEqualTo(200);
    }
}
