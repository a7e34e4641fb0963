package io.commandcenter.hub.memory;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.PredictionAdvisor;
import io.commandcenter.hub.predict.SimilarIncident;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryHit;
import io.commandcenter.memory.MemoryStore;
import io.commandcenter.models.explain.Factor;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Advice from memory: the project's past remediation incidents most like a new prediction (at least
 * {@code minSimilarity} alike, judged ones only), up to {@value #SHOWN} carried by the prediction,
 * and the recommended action in the light of up to {@value #EVIDENCE} of them:
 * <ul>
 *   <li>an action that was taken on similar incidents and recovered none of them is not recommended
 *       first: the action that recovered the most of them is (ties: the more similar), else the next of
 *       {@code restart, scale, notify} not known to have failed;</li>
 *   <li>otherwise the model's action stays, and the note says how it fared when it has a record.</li>
 * </ul>
 * A store that cannot answer (UNAVAILABLE: Mem0 down, past its deadline, its breaker open) gives no
 * advice: the model's action, no similar incidents. The store bounds how long that takes (Mem0: its
 * search budget for the whole search; at once while its read breaker is open).
 */
public final class MemoryAdvisor implements PredictionAdvisor {
    public static final int SHOWN = 3;
    public static final int EVIDENCE = 10;
    private static final List<String> FALLBACK = List.of("restart", "scale", "notify");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final MemoryStore store;
    private final double minSimilarity;

    private static final System.Logger LOG = System.getLogger(MemoryAdvisor.class.getName());

    public MemoryAdvisor(MemoryStore store, double minSimilarity) {
        this.store = store;
        this.minSimilarity = minSimilarity;
    }

    @Override
    public Advice advise(EntityKey entity, Map<String, Double> features, List<Factor> factors, String recommended) {
        List<MemoryHit> hits;
        try {
            hits = store.search(entity.project().value(), IncidentVectors.vector(features, factors), EVIDENCE,
                    MemoryFilter.ALL.withKind(IncidentMemories.KIND).labelled());
        } catch (CommandCenterException e) {
            if (e.kind() != ErrorKind.UNAVAILABLE) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "no advice from memory on {0}: {1}", entity, e.getMessage());
            return Advice.none(recommended);
        }
        List<SimilarIncident> similar = new ArrayList<>();
        for (MemoryHit h : hits) {
            if (h.similarity() >= minSimilarity) {
                similar.add(new SimilarIncident(h.memory().id(), h.memory().entity(), h.memory().at(), h.similarity(),
                        h.memory().action(), h.memory().outcome()));
            }
        }
        return recommend(similar, recommended);
    }

    /** The advice given these similar incidents (most similar first). */
    static Advice recommend(List<SimilarIncident> similar, String recommended) {
        List<SimilarIncident> shown = similar.subList(0, Math.min(SHOWN, similar.size()));
        Map<String, int[]> record = new LinkedHashMap<>(); // action -> {recovered, failed}
        for (SimilarIncident s : similar) {
            if (!s.action().equals(IncidentMemories.NO_ACTION)) {
                record.computeIfAbsent(s.action(), a -> new int[2])[s.recovered() ? 0 : 1]++;
            }
        }
        int[] mine = record.getOrDefault(recommended, new int[2]);
        if (mine[1] > 0 && mine[0] == 0) {
            String failedOn = similar.stream().filter(s -> s.action().equals(recommended)).limit(3)
                    .map(s -> s.entity() + " " + DAY.format(s.at())).collect(Collectors.joining(", "));
            String best = record.entrySet().stream().filter(e -> e.getValue()[0] > 0)
                    .max((a, b) -> Integer.compare(a.getValue()[0], b.getValue()[0]))
                    .map(Map.Entry::getKey).orElse(null);
            String note;
            if (best != null) {
                note = String.format(Locale.ROOT, "%s did not recover %d similar incident%s (%s); %s recovered %d:"
                                + " %s first", recommended, mine[1], mine[1] == 1 ? "" : "s", failedOn, best,
                        record.get(best)[0], best);
            } else {
                best = FALLBACK.stream().filter(a -> !a.equals(recommended) && !record.containsKey(a)).findFirst()
                        .orElse(recommended);
                note = best.equals(recommended)
                        ? String.format(Locale.ROOT, "%s did not recover %d similar incident%s (%s), and no other"
                        + " action is known to have", recommended, mine[1], mine[1] == 1 ? "" : "s", failedOn)
                        : String.format(Locale.ROOT, "%s did not recover %d similar incident%s (%s): %s first,"
                        + " untried on them", recommended, mine[1], mine[1] == 1 ? "" : "s", failedOn, best);
            }
            return new Advice(shown, best, note);
        }
        if (mine[0] > 0) {
            return new Advice(shown, recommended, String.format(Locale.ROOT, "%s recovered %d of %d similar"
                    + " incident%s", recommended, mine[0], mine[0] + mine[1], mine[0] + mine[1] == 1 ? "" : "s"));
        }
        return new Advice(shown, recommended, "");
    }
}
