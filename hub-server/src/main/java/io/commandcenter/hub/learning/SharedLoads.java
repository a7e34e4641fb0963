package io.commandcenter.hub.learning;

import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.InferenceBackend;
import io.commandcenter.models.artifact.ModelArtifact;

import java.util.HashMap;
import java.util.Map;

/**
 * Models loaded on one backend by several users at once, counted: each {@link #acquire} is matched by one
 * {@link #release}, and the last release unloads. The learning loop's steps judge on one private backend, and two
 * projects' retrainings can judge against the same champion at the same time: the first to finish must not unload it
 * from under the other.
 */
final class SharedLoads {
    private final InferenceBackend backend;
    private final Map<ModelKey, Integer> users = new HashMap<>();

    SharedLoads(InferenceBackend backend) {
        this.backend = backend;
    }

    /**
     * Loads {@code artifact} as {@code key} unless it is loaded, for one more user. A load that fails counts no user
     * (the caller, which got no key, releases nothing): the next acquire loads again.
     */
    synchronized ModelKey acquire(ModelKey key, ModelArtifact artifact) {
        int n = users.getOrDefault(key, 0);
        if (n == 0 && !backend.isLoaded(key)) {
            backend.load(key, artifact);
        }
        users.put(key, n + 1);
        return key;
    }

    /** One user of {@code key} is done; the last one unloads it (a key nobody acquired is left alone). */
    synchronized void release(ModelKey key) {
        Integer n = users.get(key);
        if (n == null) {
            return;
        }
        if (n > 1) {
            users.put(key, n - 1);
        } else {
            users.remove(key);
            backend.unload(key);
        }
    }

    /** How many users hold {@code key} now. */
    synchronized int users(ModelKey key) {
        return users.getOrDefault(key, 0);
    }
}
