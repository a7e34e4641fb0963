package io.commandcenter.inference.remote;

import io.commandcenter.common.concurrent.CircuitBreaker;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelMetadata;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every remote backend keeps alike: the versions checked against the endpoint at {@code load}
 * (with how each is called, {@code V}), the open/closed state, the endpoint's circuit breaker and
 * back-off between attempts, and the errors for an unknown version, a closed backend, an open circuit and
 * a short row buffer. A subclass checks and calls its own endpoint.
 */
public abstract class RemoteBackend<V> implements InferenceBackend {
    protected final RemoteEndpoint endpoint;
    private final String kind;
    private final Map<ModelKey, V> models = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker;
    private volatile boolean closed;

    /**
     * @param kind  the protocol as names show it: {@code triton}, {@code vertex}
     * @param clock what the breaker's cool-down is read on
     */
    protected RemoteBackend(String kind, RemoteEndpoint endpoint, Clock clock) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.breaker = new CircuitBreaker(clock, endpoint.breakerFailures(), endpoint.breakerOpen());
    }

    public CircuitBreaker.State circuit() {
        return breaker.state();
    }

    /**
     * Leave for one call (its attempts included), to be closed when it ends; UNAVAILABLE {@code CIRCUIT_OPEN}
     * while the endpoint's circuit is open.
     */
    protected final CircuitBreaker.Permit permit() {
        return breaker.tryAcquire().orElseThrow(() -> new CommandCenterException(ErrorKind.UNAVAILABLE, "CIRCUIT_OPEN",
                "calls to " + endpoint.name() + " are suspended until " + breaker.retryAt() + " after repeated failures",
                Map.of("endpoint", endpoint.name()), List.of(), null));
    }

    /** The longest wait between two attempts: the waits run inside the caller's scoring call. */
    public static final java.time.Duration MAX_WAIT = java.time.Duration.ofSeconds(1);

    /**
     * Waits before attempt {@code attempt} (from 0): nothing before the first, then {@code backoff}, doubled
     * each time, at most {@link #MAX_WAIT} (10 attempts wait 9 s at most in all). False when the caller was
     * interrupted (the flag kept): no further attempt.
     */
    protected final boolean backOff(int attempt) {
        if (attempt == 0 || endpoint.backoff().isZero()) {
            return true;
        }
        try {
            Thread.sleep(wait(endpoint.backoff(), attempt).toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The wait before attempt {@code attempt} (1 or more): {@code backoff} doubled {@code attempt - 1} times, at most {@link #MAX_WAIT}. */
    static java.time.Duration wait(java.time.Duration backoff, int attempt) {
        long millis = backoff.toMillis();
        for (int i = 1; i < attempt && millis < MAX_WAIT.toMillis(); i++) {
            millis *= 2;
        }
        return java.time.Duration.ofMillis(Math.min(millis, MAX_WAIT.toMillis()));
    }

    /** The sidecar a loaded version was checked with. */
    protected abstract ModelMetadata metadataOf(V loaded);

    /** Frees what the subclass holds (a channel); called once by {@link #close}. */
    protected void release() {
    }

    @Override
    public final String name() {
        return kind + ":" + endpoint.name();
    }

    public RemoteEndpoint endpoint() {
        return endpoint;
    }

    /** Records a version that passed the endpoint's checks. */
    protected final void register(ModelKey key, V loaded) {
        models.put(key, loaded);
    }

    /** How a loaded version is called; NOT_FOUND / MODEL_NOT_LOADED otherwise. */
    protected final V loaded(ModelKey key) {
        V v = models.get(key);
        if (v == null) {
            throw new CommandCenterException(ErrorKind.NOT_FOUND, "MODEL_NOT_LOADED", "model " + key + " is not loaded",
                    Map.of("model", key.toString()), List.of(), null);
        }
        return v;
    }

    /** UNAVAILABLE / BACKEND_CLOSED once closed. */
    protected final void ensureOpen() {
        if (closed) {
            throw new CommandCenterException(ErrorKind.UNAVAILABLE, "BACKEND_CLOSED", "the " + kind + " backend "
                    + endpoint.name() + " is closed");
        }
    }

    /**
     * INVALID / SCORE_INPUT_INVALID when {@code rows} holds fewer than {@code rowCount} rows of the version's width,
     * or a value that is not finite (naming its row and feature), as the local backend refuses them: checked
     * before the call, so the caller's bad row is never sent out, nor answered as the remote's fault.
     */
    protected static void checkRows(ModelMetadata m, float[] rows, int rowCount) {
        int width = m.features().size();
        if (rowCount < 0 || rows.length < (long) rowCount * width) {
            throw new CommandCenterException(ErrorKind.INVALID, "SCORE_INPUT_INVALID",
                    "need " + rowCount + " rows of " + width + " features, got " + rows.length + " values");
        }
        for (int i = 0; i < rowCount * width; i++) {
            if (!Float.isFinite(rows[i])) {
                throw new CommandCenterException(ErrorKind.INVALID, "SCORE_INPUT_INVALID",
                        "non-finite value in row " + i / width + ", feature " + m.features().get(i % width));
            }
        }
    }

    /**
     * The remote's answers as probabilities: UNAVAILABLE {@code REMOTE_BAD_RESPONSE} naming the row when one is
     * not a number in [0, 1] (a remote serving logits, or the wrong column), so a route with fallback scores in
     * the hub instead of passing it on as a risk. Thrown inside the call's permit, it counts as a failure.
     */
    protected final double[] probabilities(double[] answers) {
        for (int row = 0; row < answers.length; row++) {
            if (!(answers[row] >= 0 && answers[row] <= 1)) {
                throw badResponse("row " + row + " was answered " + answers[row] + ", not a probability");
            }
        }
        return answers;
    }

    /** UNAVAILABLE {@code REMOTE_BAD_RESPONSE}: the endpoint answered, but not as the protocol says. */
    protected final CommandCenterException badResponse(String why) {
        return new CommandCenterException(ErrorKind.UNAVAILABLE, "REMOTE_BAD_RESPONSE", endpoint.name() + ": " + why,
                Map.of("endpoint", endpoint.name()), List.of(), null);
    }

    @Override
    public final void unload(ModelKey key) {
        models.remove(key);
    }

    @Override
    public final boolean isLoaded(ModelKey key) {
        return models.containsKey(key);
    }

    @Override
    public final Set<ModelKey> loaded() {
        return Set.copyOf(models.keySet());
    }

    @Override
    public final ModelMetadata metadata(ModelKey key) {
        return metadataOf(loaded(key));
    }

    @Override
    public final void close() {
        closed = true;
        models.clear();
        release();
    }
}
