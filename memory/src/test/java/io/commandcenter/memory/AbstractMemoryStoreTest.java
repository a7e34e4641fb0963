package io.commandcenter.memory;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The contract every {@link MemoryStore} keeps, run once per implementation; the exact store is
 * the oracle the others' searches are compared with.
 */
public abstract class AbstractMemoryStoreTest {
    protected static final int DIMS = 16;
    protected static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    protected MemoryStore store;

    /** A fresh, empty store of {@link #DIMS} dimensions. */
    protected abstract MemoryStore newStore();

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static Memory memory(String project, String id, float[] v) {
        return Memory.builder().id(id).project(project).entity("service/checkout-api").kind("remediation")
                .at(T0).vector(v).action("restart").outcome("recovered").text("latency creep")
                .metadata(Map.of("approver", "ana", "reason", "looks like last week")).build();
    }

    protected static float[] axis(int i) {
        float[] v = new float[DIMS];
        v[i] = 1;
        return v;
    }

    @Test
    void add_thenGet_returnsTheMemoryWithAUnitVector() {
        float[] v = new float[DIMS];
        v[0] = 3;
        v[1] = 4;
        store.add(memory("alpha", "a1", v));

        Memory got = store.get("alpha", "a1").orElseThrow();

        assertThat(got.entity()).isEqualTo("service/checkout-api");
        assertThat(got.action()).isEqualTo("restart");
        assertThat(got.outcome()).isEqualTo("recovered");
        assertThat(got.text()).isEqualTo("latency creep");
        assertThat(got.at()).isEqualTo(T0);
        assertThat(got.metadata()).containsEntry("approver", "ana").containsEntry("reason", "looks like last week");
        assertThat(got.vector()[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(got.vector()[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(store.get("alpha", "nope")).isEmpty();
    }

    @Test
    void add_withAnExistingId_replacesIt() {
        store.add(memory("alpha", "a1", axis(0)));
        store.add(Memory.builder().id("a1").project("alpha").entity("service/other").kind("remediation").at(T0)
                .vector(axis(1)).build());

        assertThat(store.get("alpha", "a1").orElseThrow().entity()).isEqualTo("service/other");
        assertThat(store.count("alpha", MemoryFilter.ALL)).isEqualTo(1);
    }

    @Test
    void search_returnsTheKNearest_mostSimilarFirst_asTheExactOracleDoes() {
        TestVectors data = new TestVectors(7, DIMS, 12);
        List<Memory> memories = data.memories("alpha", 300, T0);
        store.addAll(memories);
        ExactMemoryStore oracle = new ExactMemoryStore(DIMS);
        oracle.addAll(memories);

        for (int q = 0; q < 20; q++) {
            float[] query = data.next();
            List<MemoryHit> got = store.search("alpha", query, 5, MemoryFilter.ALL);
            List<MemoryHit> want = oracle.search("alpha", query, 5, MemoryFilter.ALL);
            assertThat(got).hasSize(5);
            for (int i = 0; i < 5; i++) {
                assertThat(got.get(i).similarity()).isCloseTo(want.get(i).similarity(), within(1e-4));
            }
            assertThat(got).isSortedAccordingTo((a, b) -> Double.compare(b.similarity(), a.similarity()));
        }
    }

    @Test
    void search_ofTheSameVector_findsItWithSimilarityOne() {
        store.add(memory("alpha", "a1", axis(2)));
        store.add(memory("alpha", "a2", axis(3)));

        List<MemoryHit> hits = store.search("alpha", axis(2), 2, MemoryFilter.ALL);

        assertThat(hits.get(0).memory().id()).isEqualTo("a1");
        assertThat(hits.get(0).similarity()).isCloseTo(1.0, within(1e-6));
        assertThat(hits.get(1).similarity()).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void search_appliesEveryFilter_asTheOracleDoes() {
        TestVectors data = new TestVectors(11, DIMS, 6);
        List<Memory> memories = data.memories("alpha", 120, T0);
        store.addAll(memories);
        ExactMemoryStore oracle = new ExactMemoryStore(DIMS);
        oracle.addAll(memories);
        List<MemoryFilter> filters = List.of(
                MemoryFilter.ALL.withEntity("service/s3"),
                MemoryFilter.ALL.withKind("agent.note"),
                MemoryFilter.ALL.withAction("scale"),
                MemoryFilter.ALL.withOutcome("worse"),
                MemoryFilter.ALL.labelled(),
                MemoryFilter.ALL.withFrom(T0.plusSeconds(600)).withUntil(T0.plusSeconds(1800)),
                MemoryFilter.ALL.withAction("restart").withOutcome("recovered").withEntity("service/s1"));
        float[] query = data.next();
        for (MemoryFilter f : filters) {
            List<String> got = store.search("alpha", query, 100, f).stream().map(h -> h.memory().id()).sorted().toList();
            List<String> want = oracle.search("alpha", query, 100, f).stream().map(h -> h.memory().id()).sorted().toList();
            assertThat(got).as("filter %s", f).isNotEmpty().isEqualTo(want);
            assertThat(store.count("alpha", f)).as("count %s", f).isEqualTo(want.size());
        }
    }

    @Test
    void timeRange_includesFrom_andExcludesUntil() {
        store.add(memory("alpha", "a1", axis(0)));

        assertThat(store.count("alpha", MemoryFilter.ALL.withFrom(T0))).isEqualTo(1);
        assertThat(store.count("alpha", MemoryFilter.ALL.withUntil(T0))).isZero();
        assertThat(store.count("alpha", MemoryFilter.ALL.withFrom(T0.plusNanos(1)))).isZero();
        assertThat(store.count("alpha", MemoryFilter.ALL.withUntil(T0.plusNanos(1)))).isEqualTo(1);
    }

    @Test
    void aProjectsMemories_areNeverSeenFromAnother() {
        store.add(memory("alpha", "shared-id", axis(0)));
        store.add(memory("beta", "b1", axis(1)));

        assertThat(store.search("beta", axis(0), 10, MemoryFilter.ALL)).extracting(h -> h.memory().id())
                .containsExactly("b1");
        assertThat(store.get("beta", "shared-id")).isEmpty();
        assertThat(store.delete("beta", "shared-id")).isFalse();
        assertThat(store.get("alpha", "shared-id")).isPresent();
        assertThat(store.count("gamma", MemoryFilter.ALL)).isZero();
        assertThat(store.search("gamma", axis(0), 3, MemoryFilter.ALL)).isEmpty();
        assertThat(store.list("beta", MemoryFilter.ALL, 10, Optional.empty())).extracting(Memory::project)
                .containsOnly("beta");
    }

    @Test
    void delete_removesTheMemory_fromGetSearchAndCount() {
        store.add(memory("alpha", "a1", axis(0)));
        store.add(memory("alpha", "a2", axis(1)));

        assertThat(store.delete("alpha", "a1")).isTrue();
        assertThat(store.delete("alpha", "a1")).isFalse();

        assertThat(store.get("alpha", "a1")).isEmpty();
        assertThat(store.count("alpha", MemoryFilter.ALL)).isEqualTo(1);
        assertThat(store.search("alpha", axis(0), 10, MemoryFilter.ALL)).extracting(h -> h.memory().id())
                .containsExactly("a2");
    }

    @Test
    void list_isNewestFirst_andPagesWithACursor() {
        List<Memory> memories = new TestVectors(3, DIMS, 4).memories("alpha", 25, T0);
        store.addAll(memories);
        List<String> seen = new ArrayList<>();
        Optional<MemoryStore.Cursor> after = Optional.empty();
        for (int page = 0; page < 10; page++) {
            List<Memory> got = store.list("alpha", MemoryFilter.ALL, 10, after);
            if (got.isEmpty()) {
                break;
            }
            got.forEach(m -> seen.add(m.id()));
            after = Optional.of(MemoryStore.Cursor.of(got.get(got.size() - 1)));
        }
        List<String> want = memories.stream().sorted(ExactMemoryStore.NEWEST_FIRST).map(Memory::id).toList();
        assertThat(seen).isEqualTo(want);
    }

    @Test
    void labelledIncidents_areTheMemoriesWithAnOutcome_sinceATime() {
        store.addAll(new TestVectors(5, DIMS, 4).memories("alpha", 40, T0));

        List<Memory> labelled = store.labelledIncidents("alpha", T0.plusSeconds(20 * 60), 100);

        assertThat(labelled).isNotEmpty().allMatch(Memory::isLabelled)
                .allMatch(m -> !m.at().isBefore(T0.plusSeconds(20 * 60)));
        assertThat(labelled).hasSize(15); // 20 of the 40 are in range; every fourth has no outcome
    }

    @Test
    void badInput_isInvalid_namingTheField() {
        float[] nan = axis(0);
        nan[3] = Float.NaN;
        assertInvalid(s -> { s.add(memory("alpha", "a1", new float[DIMS + 1])); return null; }, "memory.vector", "WRONG_DIMENSIONS");
        assertInvalid(s -> { s.add(memory("alpha", "a1", nan)); return null; }, "memory.vector[3]", "NOT_FINITE");
        assertInvalid(s -> { s.add(memory("alpha", "a1", new float[DIMS])); return null; }, "memory.vector", "ZERO_VECTOR");
        assertInvalid(s -> { s.add(memory("Alpha!", "a1", axis(0))); return null; }, "memory.project", "INVALID_PROJECT");
        assertInvalid(s -> { s.add(memory("alpha", "a b", axis(0))); return null; }, "memory.memory_id", "BAD_FORMAT");
        assertInvalid(s -> s.search("alpha", axis(0), 0, MemoryFilter.ALL), "k", "OUT_OF_RANGE");
        assertInvalid(s -> s.search("alpha", axis(0), MemoryStore.MAX_K + 1, MemoryFilter.ALL), "k", "OUT_OF_RANGE");
        assertInvalid(s -> s.search("alpha", new float[3], 1, MemoryFilter.ALL), "vector", "WRONG_DIMENSIONS");
        assertInvalid(s -> s.get("../etc", "a1"), "project", "INVALID_PROJECT");
        assertInvalid(s -> s.list("alpha", MemoryFilter.ALL, 0, Optional.empty()), "limit", "OUT_OF_RANGE");
        assertThat(store.count("alpha", MemoryFilter.ALL)).isZero();
    }

    private void assertInvalid(Function<MemoryStore, Object> call, String field, String reason) {
        assertThatThrownBy(() -> call.apply(store)).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.violations()).extracting(v -> v.field()).containsExactly(field);
        });
    }
}
