package io.commandcenter.memory;

import java.util.Objects;

/**
 * A search result: a memory and its cosine similarity to the query vector, in [-1, 1] (1: the same
 * direction).
 */
public record MemoryHit(Memory memory, double similarity) {
    public MemoryHit {
        Objects.requireNonNull(memory, "memory");
    }
}
