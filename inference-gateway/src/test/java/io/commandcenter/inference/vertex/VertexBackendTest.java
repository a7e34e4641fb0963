package io.commandcenter.inference.vertex;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.commandcenter.common.concurrent.CircuitBreaker;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.json.Json;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.TestModels;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link VertexBackend} against a loopback stand-in (JDK HttpServer) speaking Vertex AI's {@code :predict} format
 * and Google's service-account token exchange, scoring with ONNX Runtime.
 */
class VertexBackendTest {
    static ModelArtifact artifact;
    static KeyPair keys;
    static final float[] ROWS = {0f, 0f, 0f, 1.5f, 0.2f, -1f, -2f, 1f, 0.5f, 0.3f, 2f, 0f};

    @TempDir
    Path dir;
    HttpServer server;
    OnnxBackend onnx;
    ModelKey key;
    final AtomicInteger tokenCalls = new AtomicInteger();
    final AtomicInteger predictCalls = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    final List<String> jwtProblems = new ArrayList<>();
    volatile int failStatus = 503;
    volatile boolean automl;
    volatile int extraPredictions;
    /** The only token :predict accepts (another one is 401). */
    volatile String acceptedToken = "ya29.loopback";
    /** Added to every prediction: an endpoint that answers something other than probabilities. */
    volatile double shift;
    /** The token endpoint's answer (a usable one unless a test says otherwise). */
    volatile String tokenAnswer = "{\"access_token\":\"ya29.loopback\",\"expires_in\":3599,\"token_type\":\"Bearer\"}";
    /** Set: the token endpoint or :predict sends its headers and ten bytes, then waits for the test's end. */
    volatile boolean stallTokens;
    volatile boolean stallPredictions;
    final CountDownLatch stallReleased = new CountDownLatch(1);
    final ExecutorService exchanges = Executors.newCachedThreadPool();

    @BeforeAll
    static void train() throws Exception {
        artifact = TestModels.artifact(TestModels.train(7, 0), "cpu_risk", "1.0.0");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
    }

    @BeforeEach
    void start() throws IOException {
        onnx = new OnnxBackend();
        key = ModelKey.of(artifact.metadata());
        onnx.load(artifact);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.createContext("/v1/", this::predict);
        server.setExecutor(exchanges); // a stalled exchange holds its own thread, not the server
        server.start();
    }

    @AfterEach
    void stop() {
        stallReleased.countDown();
        server.stop(0);
        exchanges.shutdownNow();
        onnx.close();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/projects/p1/locations/europe-west4/endpoints/42:predict";
    }

    Path serviceAccount() throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path file = dir.resolve("sa.json");
        Files.writeString(file, Json.write(Map.of("type", "service_account", "client_email", "cc@p1.iam.gserviceaccount.com",
                "private_key", pem, "token_uri", "http://127.0.0.1:" + server.getAddress().getPort() + "/token")));
        return file;
    }

    RemoteEndpoint endpoint(Optional<Path> tokenFile, Optional<Path> key) {
        return new RemoteEndpoint("vertex-a", "vertex", url(), true, Duration.ofSeconds(2), 3, Duration.ZERO, 5,
                Duration.ofSeconds(30), Map.of(), tokenFile, key);
    }

    void token(HttpExchange exchange) throws IOException {
        tokenCalls.incrementAndGet();
        if (stallTokens) {
            stall(exchange);
            return;
        }
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> fields = new java.util.HashMap<>();
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            fields.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        String[] jwt = fields.getOrDefault("assertion", "").split("\\.");
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(keys.getPublic());
            rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
                jwtProblems.add("signature");
            }
            Map<String, Object> claims = Json.parseObject(new String(Base64.getUrlDecoder().decode(jwt[1]),
                    StandardCharsets.UTF_8));
            if (!"cc@p1.iam.gserviceaccount.com".equals(claims.get("iss"))
                    || !String.valueOf(claims.get("aud")).endsWith("/token")
                    || !GoogleServiceAccount.SCOPE.equals(claims.get("scope"))) {
                jwtProblems.add("claims " + claims);
            }
        } catch (Exception e) {
            jwtProblems.add(e.toString());
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type")) || !jwtProblems.isEmpty()) {
            respond(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        respond(exchange, 200, tokenAnswer);
    }

    void predict(HttpExchange exchange) throws IOException {
        predictCalls.incrementAndGet();
        if (!exchange.getRequestURI().getPath().endsWith(":predict") || !"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 404, "{}");
            return;
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (!("Bearer " + acceptedToken).equals(auth)) {
            respond(exchange, 401, "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}");
            return;
        }
        if (stallPredictions) {
            stall(exchange);
            return;
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            respond(exchange, failStatus, "{\"error\":{\"code\":" + failStatus + "}}");
            return;
        }
        Map<String, Object> body = Json.parseObject(new String(exchange.getRequestBody().readAllBytes(),
                StandardCharsets.UTF_8));
        ModelMetadata m = artifact.metadata();
        List<?> instances = (List<?>) body.get("instances");
        float[] rows = new float[instances.size() * m.features().size()];
        for (int i = 0; i < instances.size(); i++) {
            Map<?, ?> instance = (Map<?, ?>) instances.get(i);
            for (int j = 0; j < m.features().size(); j++) {
                rows[i * m.features().size() + j] = ((Number) instance.get(m.features().get(j))).floatValue();
            }
        }
        double[] p = onnx.score(key, rows, instances.size());
        List<Object> predictions = new ArrayList<>();
        for (double v : p) {
            predictions.add(automl ? Map.of("classes", List.of("0", "1"), "scores", List.of(1 - v, v + shift)) : v + shift);
        }
        for (int i = 0; i < extraPredictions; i++) {
            predictions.add(0.5);
        }
        respond(exchange, 200, Json.write(Map.of("predictions", predictions, "deployedModelId", "7",
                "model", "projects/p1/locations/europe-west4/models/9", "modelDisplayName", "cpu_risk")));
    }

    /** Headers promising 1000 bytes, ten of them, then nothing until the test ends. */
    void stall(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 1000);
        exchange.getResponseBody().write("{\"predicti".getBytes(StandardCharsets.UTF_8));
        exchange.getResponseBody().flush();
        try {
            stallReleased.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void aServiceAccountKey_isExchangedForAToken_once_andPredictionsMatchLocalScoring() throws Exception {
        try (VertexBackend vertex = new VertexBackend(endpoint(Optional.empty(), Optional.of(serviceAccount())),
                Clock.systemUTC())) {
            vertex.load(key, artifact);

            double[] first = vertex.score(key, ROWS, 4);
            double[] second = vertex.score(key, ROWS, 2);

            double[] local = onnx.score(key, ROWS, 4);
            for (int i = 0; i < 4; i++) {
                assertThat(first[i]).isCloseTo(local[i], within(1e-6));
            }
            assertThat(second).hasSize(2);
            assertThat(jwtProblems).isEmpty();
            assertThat(tokenCalls.get()).as("the token is kept until it nearly expires").isEqualTo(1);
            assertThat(vertex.name()).isEqualTo("vertex:vertex-a");
        }
    }

    @Test
    void aTokenFile_andAutoMlStyleScores_work() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "ya29.loopback\n");
        automl = true;
        try (VertexBackend vertex = new VertexBackend(endpoint(Optional.of(token), Optional.empty()), Clock.systemUTC())) {
            vertex.load(key, artifact);

            assertThat(vertex.score(key, ROWS, 3)[1]).isCloseTo(onnx.score(key, ROWS, 3)[1], within(1e-6));
            assertThat(tokenCalls.get()).isZero();
        }
    }

    @Test
    void transientErrorsAreRetried_authAndInputErrorsAreNot() throws Exception {
        try (VertexBackend vertex = new VertexBackend(endpoint(Optional.empty(), Optional.of(serviceAccount())),
                Clock.systemUTC())) {
            vertex.load(key, artifact);
            int before = predictCalls.get();
            failNext.set(2);
            assertThat(vertex.score(key, ROWS, 1)).hasSize(1);
            assertThat(predictCalls.get() - before).isEqualTo(3);

            failStatus = 400;
            failNext.set(1);
            before = predictCalls.get();
            assertThatThrownBy(() -> vertex.score(key, ROWS, 1)).isInstanceOfSatisfying(CommandCenterException.class,
                    e -> assertThat(e.reason()).isEqualTo("SCORE_INPUT_INVALID"));
            assertThat(predictCalls.get() - before).isEqualTo(1);

            Path wrong = dir.resolve("wrong");
            Files.writeString(wrong, "expired");
            try (VertexBackend badToken = new VertexBackend(endpoint(Optional.of(wrong), Optional.empty()), Clock.systemUTC())) {
                before = predictCalls.get();
                assertThatThrownBy(() -> badToken.load(key, artifact)).isInstanceOfSatisfying(CommandCenterException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                            assertThat(e.metadata()).containsEntry("code", "HTTP 401");
                        });
                assertThat(predictCalls.get() - before).as("401 is not retried").isEqualTo(1);
            }
        }
    }

    @Test
    void aServiceAccountTokenRefusedWith401_isForgotten_andTheNextAttemptFetchesANewOne() throws Exception {
        try (VertexBackend vertex = new VertexBackend(endpoint(Optional.empty(), Optional.of(serviceAccount())),
                Clock.systemUTC())) {
            vertex.load(key, artifact);
            // the endpoint stops accepting the token kept (revoked) long before it expires
            acceptedToken = "ya29.fresh";
            tokenAnswer = "{\"access_token\":\"ya29.fresh\",\"expires_in\":3599,\"token_type\":\"Bearer\"}";
            int predictsBefore = predictCalls.get();

            assertThat(vertex.score(key, ROWS, 4)).hasSize(4);
            assertThat(tokenCalls.get()).as("a new token fetched once").isEqualTo(2);
            assertThat(predictCalls.get() - predictsBefore).as("the refused attempt and the renewed one").isEqualTo(2);
            assertThat(vertex.score(key, ROWS, 1)).hasSize(1);
            assertThat(tokenCalls.get()).as("the new one is kept").isEqualTo(2);
        }
    }

    @Test
    void aServiceAccountKeyThatCannotBeReadOrUsed_isRefusedAtStart_namingTheProperty() throws Exception {
        Path missing = dir.resolve("missing.json");
        Path noEmail = Files.writeString(dir.resolve("no-email.json"), "{\"type\":\"service_account\"}");
        for (Path key : List.of(missing, noEmail)) {
            assertThatThrownBy(() -> new VertexBackend(endpoint(Optional.empty(), Optional.of(key)), Clock.systemUTC()))
                    .as(key.toString()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cc.inference.endpoint.vertex-a.service-account-key: ");
        }
    }

    @Test
    void aPredictionThatIsNotAProbability_isABadResponse_countedByTheBreaker_notARisk() throws Exception {
        try (VertexBackend vertex = new VertexBackend(endpoint(Optional.empty(), Optional.of(serviceAccount()))
                .withBreaker(1, Duration.ofSeconds(30)), Clock.systemUTC())) {
            vertex.load(key, artifact);
            shift = -1.5;

            assertThatThrownBy(() -> vertex.score(key, ROWS, 4)).isInstanceOfSatisfying(CommandCenterException.class,
                    e -> {
                        assertThat(e.reason()).isEqualTo("REMOTE_BAD_RESPONSE");
                        assertThat(e.getMessage()).contains("row 0").contains("not a probability");
                    });
            assertThat(vertex.circuit()).as("counted by the breaker").isEqualTo(CircuitBreaker.State.OPEN);
        }
    }

    @Test
    void anEndpointThatDoesNotAnswerOnePredictionPerInstance_isRefusedAtLoad() throws Exception {
        extraPredictions = 1;
        try (VertexBackend vertex = new VertexBackend(endpoint(Optional.empty(), Optional.of(serviceAccount())),
                Clock.systemUTC())) {
            assertThatThrownBy(() -> vertex.load(key, artifact)).isInstanceOfSatisfying(CommandCenterException.class,
                    e -> assertThat(e.reason()).isEqualTo("REMOTE_MODEL_MISMATCH"));
            assertThat(vertex.isLoaded(key)).isFalse();
        }
    }

    RemoteEndpoint oneAttempt(Optional<Path> tokenFile, Optional<Path> key) {
        return endpoint(tokenFile, key).withRetries(1, Duration.ZERO);
    }

    @Test
    void anEndpointThatStallsInItsAnswer_isUnavailable_withinTheDeadline() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "ya29.loopback\n");
        try (VertexBackend vertex = new VertexBackend(oneAttempt(Optional.of(token), Optional.empty()), Clock.systemUTC())) {
            vertex.load(key, artifact);
            stallPredictions = true;

            // a guard against hanging, not a timing: one attempt of 2 s is the bound
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> vertex.score(key, ROWS, 1))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                        assertThat(e.metadata().get("code")).startsWith("HttpTimeoutException");
                    }));
        }
    }

    @Test
    void aTokenEndpointThatStallsInItsAnswer_isUnavailable_withinTheDeadline() throws Exception {
        stallTokens = true;
        try (VertexBackend vertex = new VertexBackend(oneAttempt(Optional.empty(), Optional.of(serviceAccount())),
                Clock.systemUTC())) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> vertex.load(key, artifact))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                        assertThat(e.metadata().get("code")).startsWith("HttpTimeoutException");
                    }));
            assertThat(predictCalls.get()).isZero();
        }
    }

    @Test
    void aTokenAnswerWithoutAToken_isUnavailable_andCountsAsAFailure() throws Exception {
        tokenAnswer = "{\"error\":\"try later\"}";
        RemoteEndpoint oneFailureOpens = new RemoteEndpoint("vertex-a", "vertex", url(), true, Duration.ofSeconds(2), 1,
                Duration.ZERO, 1, Duration.ofSeconds(30), Map.of(), Optional.empty(), Optional.of(serviceAccount()));
        try (VertexBackend vertex = new VertexBackend(oneFailureOpens, Clock.systemUTC())) {
            assertThatThrownBy(() -> vertex.load(key, artifact)).isInstanceOfSatisfying(CommandCenterException.class, e -> {
                assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                assertThat(e.getMessage()).contains("without a usable token");
            });
            assertThatThrownBy(() -> vertex.load(key, artifact)).as("the breaker counted it").isInstanceOfSatisfying(
                    CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CIRCUIT_OPEN"));
        }
    }

    @Test
    void callersWaitingForAToken_shareOneFetch_andAllGiveUpAtTheDeadline() throws Exception {
        stallTokens = true;
        // a 5 s deadline: the second caller joins the fetch well before the first one's deadline, even under load
        try (VertexBackend vertex = new VertexBackend(oneAttempt(Optional.empty(), Optional.of(serviceAccount()))
                .withDeadline(Duration.ofSeconds(5)), Clock.systemUTC())) {
            ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                Future<?> first = callers.submit(() -> vertex.load(key, artifact));
                await().atMost(Duration.ofSeconds(10)).until(() -> tokenCalls.get() == 1);
                Future<?> second = callers.submit(() -> vertex.load(key, artifact));

                for (Future<?> caller : List.of(first, second)) {
                    // a guard against hanging, not a timing: one deadline of 5 s is the bound for each
                    assertThatThrownBy(() -> caller.get(20, TimeUnit.SECONDS)).cause()
                            .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                                assertThat(e.reason()).isEqualTo("REMOTE_UNAVAILABLE");
                                assertThat(e.metadata().get("code")).startsWith("HttpTimeoutException");
                            });
                }
            } finally {
                callers.shutdownNow();
            }
            assertThat(tokenCalls.get()).as("one fetch, shared").isEqualTo(1);
            assertThat(predictCalls.get()).isZero();
        }
    }

    @Test
    void anInterruptedCaller_isUnavailable_keepsItsInterrupt_andIsNotCountedAgainstTheEndpoint() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "ya29.loopback\n");
        RemoteEndpoint oneFailureOpens = new RemoteEndpoint("vertex-a", "vertex", url(), true, Duration.ofSeconds(2), 1,
                Duration.ZERO, 1, Duration.ofSeconds(30), Map.of(), Optional.of(token), Optional.empty());
        try (VertexBackend vertex = new VertexBackend(oneFailureOpens, Clock.systemUTC())) {
            vertex.load(key, artifact);

            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> vertex.score(key, ROWS, 1)).isInstanceOfSatisfying(CommandCenterException.class,
                    e -> assertThat(e.metadata()).containsEntry("code", "INTERRUPTED"));
            assertThat(Thread.interrupted()).as("the interrupt kept (and cleared here)").isTrue();

            assertThat(vertex.circuit()).as("one failure would open it").isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(vertex.score(key, ROWS, 1)).hasSize(1);
        }
    }
}
