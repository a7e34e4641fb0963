package io.commandcenter.hub.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The hub's memory ({@code cc.memory.*}, guide section 20).
 *
 * @param backend       {@code embedded} (Lucene, one index per project under {@code dir}) or {@code mem0}
 * @param dir           where the embedded memory lives ({@code cc.memory.dir}; default {@code <data dir>/memory})
 * @param minSimilarity how alike a past incident must be to be shown as similar ({@code cc.memory.min-similarity})
 * @param writerQueue   memories waiting to be written at most; more are dropped and logged
 *                      ({@code cc.memory.writer-queue})
 * @param mem0Url       Mem0's base URL ({@code cc.memory.mem0.url}), with {@code backend=mem0}
 * @param mem0ApiKey    Mem0's API key ({@code cc.memory.mem0.api-key}), sent as {@code Authorization: Token …}
 * @param mem0Timeout   deadline of each HTTP call to Mem0, one page or one write ({@code cc.memory.mem0.timeout})
 * @param mem0Budget    deadline of one memory operation, all its calls to Mem0 together (a search with every page
 *                      it reads); at least {@code mem0Timeout} ({@code cc.memory.mem0.search-budget})
 * @param adviceTimeout how long a prediction being raised waits for memory's advice at most; past it, no advice,
 *                      and memory is not asked for advice for a minute ({@code cc.memory.advice-timeout})
 */
public record MemorySettings(String backend, Path dir, double minSimilarity, int writerQueue,
                             Optional<URI> mem0Url, String mem0ApiKey, Duration mem0Timeout,
                             Duration mem0Budget, Duration adviceTimeout) {
    public MemorySettings {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(mem0Url, "mem0Url");
        Objects.requireNonNull(mem0ApiKey, "mem0ApiKey");
        Objects.requireNonNull(mem0Timeout, "mem0Timeout");
        Objects.requireNonNull(mem0Budget, "mem0Budget");
        Objects.requireNonNull(adviceTimeout, "adviceTimeout");
        if (!backend.equals("embedded") && !backend.equals("mem0")) {
            throw new IllegalArgumentException("cc.memory.backend must be embedded or mem0, got '" + backend + "'");
        }
        if (backend.equals("mem0") && mem0Url.isEmpty()) {
            throw new IllegalArgumentException("cc.memory.backend=mem0 needs cc.memory.mem0.url");
        }
        if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
            throw new IllegalArgumentException("cc.memory.min-similarity must be in [-1, 1]");
        }
        if (mem0Timeout.isZero() || mem0Timeout.isNegative()) {
            throw new IllegalArgumentException("cc.memory.mem0.timeout must be positive, got " + mem0Timeout);
        }
        if (mem0Budget.compareTo(mem0Timeout) < 0) {
            throw new IllegalArgumentException("cc.memory.mem0.search-budget (" + mem0Budget
                    + ") must be at least cc.memory.mem0.timeout (" + mem0Timeout + ")");
        }
        if (adviceTimeout.isZero() || adviceTimeout.isNegative()) {
            throw new IllegalArgumentException("cc.memory.advice-timeout must be positive, got " + adviceTimeout);
        }
        if (writerQueue < 1) {
            throw new IllegalArgumentException("cc.memory.writer-queue must be at least 1");
        }
    }

    /** The embedded memory under the data directory. */
    public static MemorySettings defaults(Path dataDir) {
        return new MemorySettings("embedded", dataDir.resolve("memory"), 0.6, 10_000, Optional.empty(), "",
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(2));
    }
}
