package io.commandcenter.memory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The per-project vector memory: add, get, k-nearest search with metadata filters, delete, count,
 * list. Every call names its project, and nothing of one project is ever returned to another.
 * Implementations: {@link ExactMemoryStore} (brute force, the oracle), the embedded Lucene HNSW
 * store ({@code io.commandcenter.memory.lucene}) and the Mem0 adapter ({@code io.commandcenter.memory.mem0}).
 * <p>
 * Failure modes: a memory or argument a store cannot take fails with INVALID ({@link MemoryRules},
 * naming the field); a store that cannot be reached or written fails with UNAVAILABLE
 * ({@code MEMORY_UNAVAILABLE}).
 */
public interface MemoryStore extends AutoCloseable {
    /** Most results one search returns. */
    int MAX_K = 100;

    /** The length every vector of this store has. */
    int dimensions();

    /**
     * Adds a memory, replacing one of the same project and id; durable when it returns. The vector is
     * stored at unit length.
     */
    void add(Memory memory);

    /** Adds several memories, durable together when it returns (one commit where the store has commits). */
    default void addAll(List<Memory> memories) {
        memories.forEach(this::add);
    }

    Optional<Memory> get(String project, String id);

    /**
     * The (at most) {@code k} memories of the project that pass the filter, most similar (cosine) to
     * {@code vector} first.
     */
    List<MemoryHit> search(String project, float[] vector, int k, MemoryFilter filter);

    /** Deletes a memory; false when the project holds none with that id. */
    boolean delete(String project, String id);

    /** How many memories of the project pass the filter. */
    long count(String project, MemoryFilter filter);

    /**
     * Memories of the project that pass the filter, newest first ({@code at}, then id, descending),
     * those strictly after the cursor (the last memory of the previous page) when one is given.
     */
    List<Memory> list(String project, MemoryFilter filter, int limit, Optional<Cursor> after);

    /** Where a listing stopped: the last memory's time and id. */
    record Cursor(Instant at, String id) {
        public static Cursor of(Memory m) {
            return new Cursor(m.at(), m.id());
        }

        /** Whether {@code m} comes after this cursor in newest-first order. */
        public boolean isBefore(Memory m) {
            int c = m.at().compareTo(at);
            return c < 0 || (c == 0 && m.id().compareTo(id) < 0);
        }
    }

    /**
     * The learning loop's seam: the project's labelled incidents (memories with an outcome) since a
     * time, newest first. The retraining data collector can read these beside its feedback rows.
     */
    default List<Memory> labelledIncidents(String project, Instant since, int limit) {
        return list(project, MemoryFilter.ALL.labelled().withFrom(since), limit, Optional.empty());
    }

    @Override
    void close();
}
