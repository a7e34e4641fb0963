package io.commandcenter.inference.vertex;

import io.commandcenter.common.concurrent.CircuitBreaker;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.http.HttpCalls;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.json.Json;
import io.commandcenter.inference.remote.RemoteBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.remote.RemoteEndpoint;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link InferenceBackend} on a Vertex AI endpoint's online prediction: {@code POST <target>} where the
 * target is the endpoint's {@code …/endpoints/<id>:predict} URL, body {@code {"instances": [...]}} with one
 * instance per row — an object of the model's features by name — and the answer
 * {@code {"predictions": [...], "deployedModelId": …}} with one prediction per instance: a probability, an
 * array of class probabilities (column {@code positiveIndex}), or an object with {@code scores} (and
 * {@code classes}, where {@code "1"} or {@code "true"} is the positive class).
 *
 * <p>Bearer token from the endpoint's token file (re-read each call) or from its service-account key
 * ({@link GoogleServiceAccount}). {@link #load} asks for one prediction of the sidecar's reference vector:
 * an endpoint that does not answer it as above refuses the registration ({@code REMOTE_MODEL_MISMATCH}).
 * Deadline per attempt (headers and body), bounded retries of transient failures (I/O, 429, 5xx), a
 * circuit breaker; failures as {@code TritonBackend}'s. Thread-safe.
 */
public final class VertexBackend extends RemoteBackend<ModelMetadata> {
    private static final System.Logger LOG = System.getLogger(VertexBackend.class.getName());

    private final HttpClient http;
    private final GoogleServiceAccount account;

    public VertexBackend(RemoteEndpoint endpoint, Clock clock) {
        super("vertex", endpoint, clock);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(endpoint.deadline()).build();
        this.account = endpoint.serviceAccountKey().map(key -> account(endpoint, key, clock)).orElse(null);
        if (account == null && endpoint.tokenFile().isEmpty()) {
            throw new IllegalArgumentException("cc.inference.endpoint." + endpoint.name()
                    + ": a vertex endpoint needs token-file or service-account-key");
        }
    }

    /** The key file's account; a file that cannot be read or used is refused at start, naming the property. */
    private GoogleServiceAccount account(RemoteEndpoint endpoint, java.nio.file.Path key, Clock clock) {
        try {
            return GoogleServiceAccount.read(key, http, clock, endpoint.deadline());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cc.inference.endpoint." + endpoint.name() + ".service-account-key: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void load(ModelKey key, ModelArtifact artifact) {
        ensureOpen();
        ModelMetadata m = artifact.metadata();
        float[] reference = m.referenceVector();
        float[] row = reference.length == m.features().size() ? reference : new float[m.features().size()];
        checkRows(m, row, 1);
        try {
            // an answer that is not one probability per instance is a bad response
            predict(m, row, 1);
        } catch (CommandCenterException e) {
            if ("REMOTE_BAD_RESPONSE".equals(e.reason())) {
                throw new CommandCenterException(ErrorKind.INVALID, "REMOTE_MODEL_MISMATCH", endpoint.name()
                        + " does not answer " + key + "'s features as one probability per instance: " + e.getMessage(),
                        Map.of("endpoint", endpoint.name(), "model", key.toString()), List.of(), e);
            }
            throw e;
        }
        register(key, m);
    }

    @Override
    protected ModelMetadata metadataOf(ModelMetadata loaded) {
        return loaded;
    }

    @Override
    public double[] score(ModelKey key, float[] rows, int rowCount) {
        ensureOpen();
        ModelMetadata m = loaded(key);
        checkRows(m, rows, rowCount);
        return rowCount == 0 ? new double[0] : predict(m, rows, rowCount);
    }

    private double[] predict(ModelMetadata m, float[] rows, int n) {
        int width = m.features().size();
        List<Object> instances = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> instance = new LinkedHashMap<>();
            for (int j = 0; j < width; j++) {
                instance.put(m.features().get(j), (double) rows[i * width + j]); // finite: checkRows
            }
            instances.add(instance);
        }
        String body = Json.write(Map.of("instances", instances));
        return call(body, answer -> risks(m, answer, n));
    }

    private double[] risks(ModelMetadata m, String answer, int n) {
        Object predictions;
        try {
            predictions = Json.parseObject(answer).get("predictions");
        } catch (RuntimeException e) {
            throw badResponse("the answer is not a JSON object");
        }
        if (!(predictions instanceof List<?> list) || list.size() != n) {
            throw badResponse("need 'predictions' with " + n + " entries");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = probability(list.get(i), m.positiveIndex());
        }
        return probabilities(out);
    }

    private double probability(Object prediction, int positive) {
        if (prediction instanceof Number p) {
            return p.doubleValue();
        }
        if (prediction instanceof List<?> columns && columns.size() > positive && columns.get(positive) instanceof Number p) {
            return p.doubleValue();
        }
        if (prediction instanceof Map<?, ?> object && object.get("scores") instanceof List<?> scores) {
            int at = positive;
            if (object.get("classes") instanceof List<?> classes) {
                for (int c = 0; c < classes.size(); c++) {
                    String name = String.valueOf(classes.get(c));
                    if (name.equals("1") || name.equalsIgnoreCase("true")) {
                        at = c;
                    }
                }
            }
            if (scores.size() > at && scores.get(at) instanceof Number p) {
                return p.doubleValue();
            }
        }
        throw badResponse("a prediction is neither a probability, an array of them nor {scores, classes}");
    }

    /**
     * One {@code :predict} with deadline, retries and the breaker; the answer's body as {@code read} reads it.
     * The deadline covers each attempt whole (the token, the headers and the body); whatever ends the call
     * without an answer is UNAVAILABLE {@code REMOTE_UNAVAILABLE} and a failure for the breaker, as is an answer
     * {@code read} refuses ({@code REMOTE_BAD_RESPONSE}, not retried), except an interrupted caller ({@code code}
     * {@code INTERRUPTED}, the flag kept), counted neither way.
     */
    private double[] call(String body, java.util.function.Function<String, double[]> read) {
        try (CircuitBreaker.Permit permit = permit()) {
            String failure = "no attempt";
            boolean renewed = false;
            for (int attempt = 0; attempt < endpoint.maxAttempts() && backOff(attempt); attempt++) {
                long end = System.nanoTime() + endpoint.deadline().toNanos();
                try {
                    String token = token(endpoint.deadline());
                    Duration left = Duration.ofNanos(end - System.nanoTime());
                    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint.target()))
                            .timeout(left.isNegative() || left.isZero() ? endpoint.deadline() : left)
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
                    HttpResponse<String> response = HttpCalls.sendWithin(http, request,
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), left);
                    int status = response.statusCode();
                    if (status == 200) {
                        double[] answer = read.apply(response.body());
                        permit.succeeded();
                        return answer;
                    }
                    failure = "HTTP " + status;
                    if (status == 400) {
                        permit.succeeded(); // the endpoint is fine; the input is not
                        throw new CommandCenterException(ErrorKind.INVALID, "SCORE_INPUT_INVALID", endpoint.name()
                                + " refused the input (HTTP 400)", Map.of("endpoint", endpoint.name()), List.of(), null);
                    }
                    if (status == 401 && account != null && !renewed) {
                        account.forget(token); // the token kept was refused: the next attempt fetches a new one
                        renewed = true;
                        continue;
                    }
                    if (status != 429 && status < 500) {
                        break; // 401 (again, or a token file's), 403, 404: asking again will not help
                    }
                } catch (IOException e) {
                    failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                // the caller gave up (a shutdown), not the endpoint: neither a failure nor a success
                permit.abandon();
                failure = "INTERRUPTED";
            } else {
                LOG.log(System.Logger.Level.WARNING, "predict on {0} failed: {1}", endpoint.name(), failure);
            }
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, "REMOTE_UNAVAILABLE", "predict on " + endpoint.name()
                    + " failed: " + failure, Map.of("endpoint", endpoint.name(), "code", failure), List.of(), null);
        }
    }

    /** The bearer token: the service account's (waiting at most {@code wait}), or the token file's, read now. */
    private String token(Duration wait) throws IOException, InterruptedException {
        if (account != null) {
            return account.token(wait);
        }
        return java.nio.file.Files.readString(endpoint.tokenFile().orElseThrow()).strip();
    }
}
