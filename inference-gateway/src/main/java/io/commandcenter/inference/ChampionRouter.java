package io.commandcenter.inference;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes calls for a model NAME to its champion version and swaps champions without failing a call.
 *
 * <p>{@link #promote} loads nothing: load the new version into the backend first, then promote, then
 * (optionally) unload the old one. A call that read the old champion just before the swap and reaches
 * the backend after the old version was unloaded gets MODEL_NOT_LOADED; the router then re-reads the
 * champion and retries on the new version, so callers never see the swap. Thread-safe.
 */
public final class ChampionRouter {

    private final InferenceBackend backend;
    private final Map<String, ModelKey> champions = new ConcurrentHashMap<>();

    public ChampionRouter(InferenceBackend backend) {
        this.backend = backend;
    }

    /**
     * Makes {@code key} the champion of its name; returns the previous champion, if any.
     * Fails NOT_FOUND / MODEL_NOT_LOADED when the version is not loaded.
     */
    public Optional<ModelKey> promote(ModelKey key) {
        if (!backend.isLoaded(key)) {
            throw new CommandCenterException(ErrorKind.NOT_FOUND, "MODEL_NOT_LOADED", "cannot promote " + key + ": not loaded");
        }
        return Optional.ofNullable(champions.put(key.name(), key));
    }

    public Optional<ModelKey> champion(String name) {
        return Optional.ofNullable(champions.get(name));
    }

    /** Scores with the current champion of {@code name}; NOT_FOUND / NO_CHAMPION when there is none. */
    public Scored score(String name, float[] rows, int rowCount) {
        ModelKey key = champions.get(name);
        for (int attempt = 0; ; attempt++) {
            if (key == null) {
                throw new CommandCenterException(ErrorKind.NOT_FOUND, "NO_CHAMPION", "no champion for model " + name);
            }
            try {
                return new Scored(key, backend.score(key, rows, rowCount));
            } catch (CommandCenterException e) {
                ModelKey now = champions.get(name);
                if (!"MODEL_NOT_LOADED".equals(e.reason()) || key.equals(now) || attempt > 8) {
                    throw e;
                }
                key = now;
            }
        }
    }

    /** Probabilities and the version that produced them. */
    public record Scored(ModelKey key, double[] risk) {
    }
}
