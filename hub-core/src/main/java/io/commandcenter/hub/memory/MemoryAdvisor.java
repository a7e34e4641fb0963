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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The search runs on the advisor's own thread, and the caller (the engine's thread) waits for it at
 * most {@code adviceTimeout}. No advice (the model's action, no similar incidents) when the store does
 * not answer in that time or cannot answer (UNAVAILABLE: Mem0 down, past its deadline or budget, its
 * breaker open); either way the store is not asked again for {@code coolDown}, read on {@code clock}.
 * At most one search is in flight: a search left running past the advice timeout goes on to its own
 * end (so Mem0's breaker still learns of a stall), and advice asked meanwhile is none, at once.
 */
public final class MemoryAdvisor implements PredictionAdvisor {
    public static final int SHOWN = 3;
    public static final int EVIDENCE = 10;
    private static final List<String> FALLBACK = List.of("restart", "scale", "notify");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** {@code cc.memory.advice-timeout}'s default. */
    public static final Duration DEFAULT_ADVICE_TIMEOUT = Duration.ofSeconds(2);
    /** How long a store that did not answer in time, or could not, is left alone. */
    public static final Duration COOL_DOWN = Duration.ofSeconds(60);

    private final MemoryStore store;
    private final double minSimilarity;
    private final Duration adviceTimeout;
    private final Duration coolDown;
    private final Clock clock;
    private final AtomicBoolean searching = new AtomicBoolean();
    private final ExecutorService searches;
    private volatile Instant quietUntil = Instant.MIN;

    private static final System.Logger LOG = System.getLogger(MemoryAdvisor.class.getName());

    public MemoryAdvisor(MemoryStore store, double minSimilarity) {
        this(store, minSimilarity, DEFAULT_ADVICE_TIMEOUT, COOL_DOWN, Clock.systemUTC());
    }

    /**
     * @param adviceTimeout how long the caller waits for the store's answer at most
     * @param coolDown      how long the store is not asked after it did not answer in time, or could not
     * @param clock         what the cool-down is read on
     */
    public MemoryAdvisor(MemoryStore store, double minSimilarity, Duration adviceTimeout, Duration coolDown,
                         Clock clock) {
        if (adviceTimeout.isZero() || adviceTimeout.isNegative()) {
            throw new IllegalArgumentException("advice timeout must be positive, got " + adviceTimeout);
        }
        this.store = store;
        this.minSimilarity = minSimilarity;
        this.adviceTimeout = adviceTimeout;
        this.coolDown = coolDown;
        this.clock = clock;
        // one daemon thread, gone when idle; at most one task (searching guards it)
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                io.commandcenter.scheduler.DaemonThreads.named("cc-memory-advice"));
        pool.allowCoreThreadTimeOut(true);
        this.searches = pool;
    }

    @Override
    public Advice advise(EntityKey entity, Map<String, Double> features, List<Factor> factors, String recommended) {
        if (clock.instant().isBefore(quietUntil) || !searching.compareAndSet(false, true)) {
            return Advice.none(recommended); // cooling down, or a search still in flight
        }
        float[] vector = IncidentVectors.vector(features, factors);
        Future<List<MemoryHit>> search;
        try {
            search = searches.submit(() -> {
                try {
                    return store.search(entity.project().value(), vector, EVIDENCE,
                            MemoryFilter.ALL.withKind(IncidentMemories.KIND).labelled());
                } finally {
                    searching.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            searching.set(false);
            return Advice.none(recommended);
        }
        List<MemoryHit> hits;
        try {
            hits = search.get(adviceTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return quiet(entity, recommended, "memory did not answer within " + adviceTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Advice.none(recommended);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CommandCenterException c && c.kind() == ErrorKind.UNAVAILABLE) {
                return quiet(entity, recommended, c.getMessage());
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
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

    /** No advice, and the store left alone for the cool-down. */
    private Advice quiet(EntityKey entity, String recommended, String why) {
        quietUntil = clock.instant().plus(coolDown);
        LOG.log(System.Logger.Level.WARNING, "no advice from memory on {0}, none asked until {1}: {2}", entity,
                quietUntil, why);
        return Advice.none(recommended);
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
