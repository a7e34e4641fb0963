package io.commandcenter.hub.learning;

import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.learning.ShadowGates.Gate;
import io.commandcenter.hub.learning.ShadowGates.State;
import io.commandcenter.hub.predict.ModelRegistry;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictionRepository;
import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.train.loop.DataSnapshot;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The shadow gate: in a project with a shadow period ({@code cc.learning.shadow-gate}), a challenger
 * the promotion rule would promote on its holdout is registered without promotion and runs in shadow
 * for the period — its would-be predictions stored apart ({@link ShadowGates}), nothing acting on
 * them. When the period ends, its would-be predictions and the champion's real ones are judged against
 * the period's outcomes and labels ({@link ShadowVerdict}); it is promoted only if the shadow agrees
 * with the holdout, otherwise the champion stays. Either way the verdict is stored on the wait (shown
 * by {@code cc models history}) and in the audit ledger ({@code MODEL_SHADOW_JUDGED}).
 *
 * <p>Waits live in the database: {@link #tick()} — every minute on every hub, and on demand — puts
 * the pending challengers back in shadow on this hub (after a restart) and judges those whose period
 * ended; of two hubs judging at once, the one that decides the wait first promotes. With
 * {@link #judgeOnTime} a wait is judged when its period ends ({@link ShadowDeadlines}: a timer per
 * pending wait), not up to a minute later.
 */
public final class ShadowGate {
    private static final System.Logger LOG = System.getLogger(ShadowGate.class.getName());
    /** The champion's predictions read per page when a wait is judged. */
    static final int PAGE = 10_000;

    private final LearningSettings settings;
    private final ShadowGates store;
    private final BiFunction<ProjectId, Gate, DataSnapshot> periodSnapshot;
    private final ModelRegistry registry;
    private final ShadowScoring shadows;
    private final PredictionRepository predictions;
    private final AuditTrail audit;
    private final Clock clock;
    private volatile ShadowDeadlines deadlines;
    /** Would-be predictions on their way to the store, off the scoring thread. */
    private final ShadowWrites writes;

    /** @param periodSnapshot the data collector's labelled snapshot of a wait's period */
    ShadowGate(LearningSettings settings, ShadowGates store, BiFunction<ProjectId, Gate, DataSnapshot> periodSnapshot,
               ModelRegistry registry, ShadowScoring shadows, PredictionRepository predictions, AuditTrail audit,
               Clock clock) {
        this.settings = settings;
        this.store = store;
        this.periodSnapshot = periodSnapshot;
        this.registry = registry;
        this.shadows = shadows;
        this.predictions = predictions;
        this.audit = audit;
        this.clock = clock;
        this.writes = new ShadowWrites(store, ShadowWrites.QUEUE, Duration.ofSeconds(10));
        shadows.recordTo(writes);
    }

    /** Would-be predictions not stored: their write queue full or closed, or refused by the database. */
    public long wouldBeDropped() {
        return writes.dropped();
    }

    /** Writes the would-be predictions still queued (the hub's close, before the database closes). */
    public void close() {
        writes.close();
    }

    /**
     * Judges each pending wait when its period ends: a timer per wait on {@code timers} (on the hub's clock),
     * armed when the wait opens here or at the first {@link #tick} that sees it (after a restart, or opened by
     * another hub); when one fires, {@code due} runs, which should hand {@link #tick} to the thread that judges.
     */
    public void judgeOnTime(io.commandcenter.hub.remediate.Timers timers, Runnable due) {
        this.deadlines = new ShadowDeadlines(timers, due);
    }

    /** The project's shadow period; zero: no gate. */
    public Duration period(ProjectId project) {
        return settings.shadowPeriod(project.value());
    }

    /** The model's pending wait in the project, if any. */
    public Optional<Gate> pending(ProjectId project, String model) {
        return store.gates(project, model).stream().filter(g -> g.state() == State.PENDING).findFirst();
    }

    /** Every wait of a model in a project, newest first. */
    public List<Gate> gates(ProjectId project, String model) {
        return store.gates(project, model);
    }

    /**
     * Puts a registered challenger in shadow until the project's period ends (it replaces any other
     * shadow of the name; an earlier pending wait of the name is refused: the newer challenger is judged).
     */
    public Gate open(ProjectId project, String model, String version, String holdoutReason) {
        Instant now = clock.instant();
        pending(project, model).ifPresent(older -> decided(older, false, "replaced by the newer challenger "
                + version + " before its period ended", now));
        Gate gate = new Gate(project, model, version, State.PENDING, now, now.plus(period(project)), holdoutReason, "",
                null);
        store.open(gate);
        ShadowDeadlines d = deadlines;
        if (d != null) {
            d.arm(gate);
        }
        ModelKey key = registry.resolve(project, model, version);
        shadows.start(project, key, registry.metadata(key), now);
        LOG.log(Level.INFO, "project {0}: challenger {1} of {2} in shadow until {3} before promotion", project, version,
                model, gate.end());
        return gate;
    }

    /**
     * Puts pending challengers back in shadow on this hub where they are not, and judges every wait
     * whose period ended.
     *
     * @return the waits this call decided
     */
    public List<Gate> tick() {
        Instant now = clock.instant();
        List<Gate> decided = new ArrayList<>();
        ShadowDeadlines d = deadlines;
        for (Gate g : store.pending()) {
            try {
                if (now.isBefore(g.end())) {
                    if (d != null) {
                        d.arm(g);
                    }
                    if (!shadows.version(g.project(), g.model()).map(k -> k.version().equals(g.version())).orElse(false)) {
                        ModelKey key = registry.resolve(g.project(), g.model(), g.version());
                        shadows.start(g.project(), key, registry.metadata(key), g.start());
                    }
                    continue;
                }
                judge(g, now).ifPresent(decided::add);
            } catch (LearningSteps.Cancelled e) {
                throw e; // the hub is closing: the wait stays pending, judged at the next tick of any hub
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "project {0}: shadow wait of {1} {2} not judged: {3}", g.project(), g.model(),
                        g.version(), e.getMessage());
            }
        }
        prune(now);
        return decided;
    }

    /**
     * Deletes would-be predictions older than the retention ({@code cc.learning.shadow-retention}), but none a
     * pending wait still needs (from its start on).
     *
     * @return how many were deleted
     */
    int prune(Instant now) {
        Instant before = now.minus(settings.shadowRetention());
        for (Gate g : store.pending()) {
            if (g.start().isBefore(before)) {
                before = g.start();
            }
        }
        try {
            int deleted = store.deleteWouldBe(before);
            if (deleted > 0) {
                LOG.log(Level.DEBUG, "{0} would-be predictions observed before {1} deleted", deleted, before);
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "would-be predictions not pruned: {0}", e.getMessage());
            return 0;
        }
    }

    private Optional<Gate> judge(Gate g, Instant now) {
        String parent = registry.metadata(registry.resolve(g.project(), g.model(), g.version())).provenance()
                .getOrDefault("parent", "");
        String champion = registry.champion(g.project(), g.model()).map(ModelKey::version).orElse("");
        if (!parent.isEmpty() && !parent.equals(champion)) {
            return decided(g, false, "the champion changed during the shadow period (" + parent + " to " + champion
                    + "): judged against another model", now);
        }
        DataSnapshot period = periodSnapshot.apply(g.project(), g);
        List<ShadowVerdict.Alarm> real = championAlarms(g);
        List<ShadowVerdict.Alarm> wouldBe = store.wouldBe(g.project(), g.model(), g.version(), g.start(), g.end())
                .stream().map(w -> new ShadowVerdict.Alarm(w.entity().kind() + ":" + w.entity().id(), w.observedAt()))
                .toList();
        ShadowVerdict.Result r = ShadowVerdict.judge(period, real, wouldBe, settings.rule().tolerance());
        return decided(g, r.agree(), r.reason(), now, champion);
    }

    /**
     * The champion's real predictions observed in the wait's period: every page of those created since it began
     * (newest first, keyset), however many there are and however late the wait is judged.
     */
    private List<ShadowVerdict.Alarm> championAlarms(Gate g) {
        List<ShadowVerdict.Alarm> real = new ArrayList<>();
        Instant afterTime = null;
        String afterId = null;
        while (true) {
            List<PredictionRecord> page = predictions.list(g.project(), new PredictionRepository.Query(null, g.model(),
                    g.start(), null, PAGE, afterTime, afterId));
            // the repository answers up to PAGE + 1 rows: the last tells there is more
            List<PredictionRecord> rows = page.size() > PAGE ? page.subList(0, PAGE) : page;
            for (PredictionRecord p : rows) {
                if (!p.observedAt().isBefore(g.start()) && !p.observedAt().isAfter(g.end())) {
                    real.add(new ShadowVerdict.Alarm(p.targetKind() + ":" + p.targetId(), p.observedAt()));
                }
            }
            if (page.size() <= PAGE) {
                return real;
            }
            PredictionRecord last = rows.get(rows.size() - 1);
            afterTime = last.createdAt();
            afterId = last.id();
        }
    }

    /** Decides a wait that is not promoted (if no other hub did first); ends the shadow. */
    private Optional<Gate> decided(Gate g, boolean promote, String shadowReason, Instant now) {
        return decided(g, promote, shadowReason, now, "");
    }

    /**
     * Decides a wait (if no other hub did first): promotes on agreement — only while {@code champion}, the model the
     * shadow was judged against, is still the champion — and ends the shadow either way. A promotion that fails (a
     * person promoted or rolled back while the period was read, the version cannot be loaded) turns the wait refused,
     * with why: the wait never says promoted when the champion did not change.
     */
    private Optional<Gate> decided(Gate g, boolean promote, String shadowReason, Instant now, String champion) {
        String verdict = (promote ? "promoted: holdout and shadow agree: " : "not promoted: holdout passed, ")
                + shadowReason;
        ShadowDeadlines d = deadlines;
        if (d != null) {
            d.disarm(g);
        }
        if (!store.decide(g.project(), g.model(), g.version(), promote ? State.PROMOTED : State.REFUSED, verdict, now)) {
            return Optional.empty();
        }
        if (promote) {
            String reason = verdict + "; holdout: " + g.holdoutReason();
            reason = reason.length() > ModelRegistry.MAX_REASON ? reason.substring(0, ModelRegistry.MAX_REASON) : reason;
            try {
                if (champion.isEmpty()) {
                    registry.promote(g.project(), g.model(), g.version(), LearningLoop.BY, reason);
                } else {
                    registry.promoteIfChampion(g.project(), g.model(), g.version(), champion, LearningLoop.BY, reason);
                }
            } catch (RuntimeException e) {
                promote = false;
                String why = e instanceof io.commandcenter.common.error.CommandCenterException c
                        && "CHAMPION_CHANGED".equals(c.reason())
                        ? "the champion changed while the period was judged (now " + championNow(g)
                        + ", judged against " + champion + ")"
                        : "the promotion failed: " + e.getMessage();
                verdict = "not promoted: holdout and shadow agreed, but " + why + "; " + shadowReason;
                // the promotion often failed because the database did: the overturn may fail too, and the wait is
                // still ended here (shadow stopped, judgement audited as not promoted), never left half done
                boolean overturned;
                try {
                    overturned = store.overturn(g.project(), g.model(), g.version(), verdict, now);
                } catch (RuntimeException stored) {
                    e.addSuppressed(stored);
                    overturned = false;
                }
                if (!overturned) {
                    LOG.log(Level.ERROR, "project {0}: the wait of {1} {2} stays promoted though its promotion failed: {3}",
                            g.project(), g.model(), g.version(), e.getMessage());
                }
            }
        }
        if (shadows.version(g.project(), g.model()).map(k -> k.version().equals(g.version())).orElse(false)) {
            shadows.stop(g.project(), g.model());
        }
        audit.record(AuditAction.MODEL_SHADOW_JUDGED, g.project().value(), LearningLoop.BY,
                "model:" + g.model() + "@" + g.version(), AuditRecord.detail("promoted", promote, "verdict", verdict,
                        "start", g.start().toString(), "end", g.end().toString()));
        LOG.log(Level.INFO, "project {0}: challenger {1} of {2}: {3}", g.project(), g.version(), g.model(), verdict);
        return Optional.of(new Gate(g.project(), g.model(), g.version(), promote ? State.PROMOTED : State.REFUSED,
                g.start(), g.end(), g.holdoutReason(), verdict, now));
    }

    /** The champion's version now, for a verdict; "unknown" when it cannot be read. */
    private String championNow(Gate g) {
        try {
            return registry.champion(g.project(), g.model()).map(ModelKey::version).orElse("none");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    static Map<String, Object> describe(Gate g) {
        return AuditRecord.detail("version", g.version(), "state", g.state().wireName(), "start", g.start().toString(),
                "end", g.end().toString(), "verdict", g.verdict());
    }
}
