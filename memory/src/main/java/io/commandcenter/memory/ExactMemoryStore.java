package io.commandcenter.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Memories in the heap, searched by a brute-force scan: exact, so it is the oracle the index is
 * measured against (recall@10), and a store for tests. Not durable.
 */
public final class ExactMemoryStore implements MemoryStore {
    private final int dimensions;
    private final Map<String, Map<String, Memory>> projects = new ConcurrentHashMap<>();

    public ExactMemoryStore(int dimensions) {
        this.dimensions = dimensions;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public void add(Memory memory) {
        MemoryRules.check(memory, dimensions);
        projects.computeIfAbsent(memory.project(), p -> new ConcurrentHashMap<>())
                .put(memory.id(), memory.withVector(Vectors.unit(memory.vector())));
    }

    @Override
    public Optional<Memory> get(String project, String id) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkId(id, "memory_id");
        return Optional.ofNullable(projects.getOrDefault(project, Map.of()).get(id));
    }

    @Override
    public List<MemoryHit> search(String project, float[] vector, int k, MemoryFilter filter) {
        MemoryRules.checkSearch(project, vector, k, dimensions);
        float[] q = Vectors.unit(vector);
        List<MemoryHit> hits = new ArrayList<>();
        for (Memory m : projects.getOrDefault(project, Map.of()).values()) {
            if (filter.test(m)) {
                hits.add(new MemoryHit(m, Vectors.cosine(q, m.vector())));
            }
        }
        hits.sort(BY_SIMILARITY);
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    /** Most similar first; ties broken by id so results are deterministic. */
    public static final Comparator<MemoryHit> BY_SIMILARITY = Comparator.comparingDouble(MemoryHit::similarity)
            .reversed().thenComparing(h -> h.memory().id());

    @Override
    public boolean delete(String project, String id) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkId(id, "memory_id");
        Map<String, Memory> memories = projects.get(project);
        return memories != null && memories.remove(id) != null;
    }

    @Override
    public long count(String project, MemoryFilter filter) {
        MemoryRules.checkProject(project, "project");
        return projects.getOrDefault(project, Map.of()).values().stream().filter(filter::test).count();
    }

    /** Newest first: {@code at} descending, then id descending. */
    public static final Comparator<Memory> NEWEST_FIRST = Comparator.comparing(Memory::at)
            .thenComparing(Memory::id).reversed();

    @Override
    public List<Memory> list(String project, MemoryFilter filter, int limit, Optional<Cursor> after) {
        MemoryRules.checkProject(project, "project");
        MemoryRules.checkLimit(limit);
        return projects.getOrDefault(project, Map.of()).values().stream().filter(filter::test)
                .filter(m -> after.map(c -> c.isBefore(m)).orElse(true))
                .sorted(NEWEST_FIRST).limit(limit).toList();
    }

    @Override
    public void close() {
    }
}
