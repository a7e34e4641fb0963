package io.commandcenter.memory.lucene;

import io.commandcenter.memory.ExactMemoryStore;
import io.commandcenter.memory.Memory;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryHit;
import io.commandcenter.memory.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The HNSW index against the exact oracle: recall@10 on 10,000 incident-shaped memories of 64 numbers. */
class LuceneRecallTest {
    @TempDir
    Path dir;

    @Test
    void recallAt10_againstTheExactOracle_isAtLeast95Percent() {
        int dims = 64;
        TestVectors data = new TestVectors(42, dims, 50);
        List<Memory> memories = data.memories("alpha", 10_000, Instant.parse("2026-01-01T00:00:00Z"));
        ExactMemoryStore oracle = new ExactMemoryStore(dims);
        oracle.addAll(memories);
        try (LuceneMemoryStore index = LuceneMemoryStore.open(dir, dims)) {
            for (int i = 0; i < memories.size(); i += 5_000) {
                index.addAll(memories.subList(i, Math.min(memories.size(), i + 5_000)));
            }
            int found = 0;
            int queries = 100;
            for (int q = 0; q < queries; q++) {
                float[] query = data.next();
                Set<String> want = new HashSet<>();
                oracle.search("alpha", query, 10, MemoryFilter.ALL).forEach(h -> want.add(h.memory().id()));
                for (MemoryHit h : index.search("alpha", query, 10, MemoryFilter.ALL)) {
                    found += want.contains(h.memory().id()) ? 1 : 0;
                }
            }
            double recall = found / (double) (queries * 10);
            System.out.printf("recall@10 over %d memories: %.4f%n", memories.size(), recall);
            assertThat(recall).isGreaterThanOrEqualTo(0.95);
        }
    }
}
