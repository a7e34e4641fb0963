package io.commandcenter.memory.lucene;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.memory.AbstractMemoryStoreTest;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryStore;
import io.commandcenter.memory.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LuceneMemoryStoreTest extends AbstractMemoryStoreTest {
    @TempDir
    Path dir;

    @Override
    protected MemoryStore newStore() {
        return LuceneMemoryStore.open(dir, DIMS);
    }

    @Test
    void memories_surviveAReopen_andStaySearchable() {
        store.addAll(new TestVectors(1, DIMS, 4).memories("alpha", 50, T0));
        store.add(memory("beta", "b1", axis(4)));
        store.delete("alpha", "m-7");
        store.close();

        store = LuceneMemoryStore.open(dir, DIMS).openAll();

        assertThat(store.count("alpha", MemoryFilter.ALL)).isEqualTo(49);
        assertThat(store.get("alpha", "m-7")).isEmpty();
        assertThat(store.get("alpha", "m-8")).isPresent();
        assertThat(store.search("beta", axis(4), 1, MemoryFilter.ALL).get(0).memory().id()).isEqualTo("b1");
    }

    @Test
    void aSecondStoreOnTheSameDirectory_isRefused_whileTheFirstHoldsAProject() {
        store.add(memory("alpha", "a1", axis(0)));

        try (LuceneMemoryStore second = LuceneMemoryStore.open(dir, DIMS)) {
            assertThatThrownBy(() -> second.count("alpha", MemoryFilter.ALL))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                        assertThat(e.reason()).isEqualTo("MEMORY_LOCKED");
                    });
        }
    }

    @Test
    void reopeningWithOtherDimensions_isRefused() {
        store.add(memory("alpha", "a1", axis(0)));
        store.close();

        assertThatThrownBy(() -> LuceneMemoryStore.open(dir, DIMS * 2))
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.reason()).isEqualTo("MEMORY_DIMENSIONS_CHANGED"));
        store = LuceneMemoryStore.open(dir, DIMS);
    }
}
