package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.ShownError;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.project.ProjectId;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pauses and resumes automatic actions for a project or for every project. Every decision reads
 * the switch from the store, so a pause set on any hub holds for the next decision everywhere; the
 * automatic runs a hub drives are stopped at once on the hub that pauses and within one
 * {@link #refresh} on the others. Nodes already with an agent finish; nothing further starts. Every
 * change is an entry of the audit ledger ({@code AUTONOMY_CHANGED}), written before runs are halted.
 */
final class KillSwitch {
    private static final System.Logger LOG = System.getLogger(KillSwitch.class.getName());

    private final AutonomyStore store;
    private final RunExecutor executor;
    private final AuditTrail audit;
    private final Stripes stripes;
    private final Clock clock;
    /** The last state seen of each scope, so a pause seen on refresh halts runs once. */
    private final Map<String, Boolean> seen = new ConcurrentHashMap<>();
    /**
     * The stored switch of each scope read so far (empty: none stored), while this hub is the only
     * writer of its database: every change goes through {@link #set}, so a scope is read once.
     */
    private final Map<String, Optional<AutonomySetting>> known = new ConcurrentHashMap<>();
    private volatile boolean soleWriter;
    /** Asked at every decision whether memory may answer now: {@link #soleWriter}, and the gate once set. */
    private volatile java.util.function.BooleanSupplier memory = () -> soleWriter;
    /**
     * Held while a switch is stored and kept, and while a scope is read and kept: a read that
     * started before a set is never kept after it (the set's failure may follow its commit).
     */
    private final Object keeping = new Object();

    KillSwitch(AutonomyStore store, RunExecutor executor, AuditTrail audit, Stripes stripes, Clock clock) {
        this.store = store;
        this.executor = executor;
        this.audit = audit;
        this.stripes = stripes;
        this.clock = clock;
    }

    /**
     * Declares this hub the only writer of its database (before the engine starts): the switches
     * are then read once per scope and kept, instead of at every decision.
     */
    void soleWriter(boolean value) {
        synchronized (keeping) {
            soleWriter = value;
            known.clear();
        }
    }

    /** What decides, before {@link #soleWriter}, whether memory may answer now ({@link SoleWriter}: it may re-read it). */
    void gate(java.util.function.BooleanSupplier value) {
        memory = () -> value.getAsBoolean() && soleWriter;
    }

    /** Sets the switch of a scope ({@link AutonomySetting#GLOBAL} or a project id). */
    AutonomySetting set(String scope, boolean paused, String by, String reason) {
        AutonomySetting setting = new AutonomySetting(scope, paused, clock.instant(), by, reason == null ? "" : reason);
        synchronized (keeping) {
            try {
                store.put(setting);
            } finally {
                // stored or not (a failure may follow the commit): read the scope again at the next decision
                known.remove(scope);
            }
            if (soleWriter) {
                known.put(scope, Optional.of(setting));
            }
        }
        seen.put(scope, paused);
        LOG.log(System.Logger.Level.WARNING, "automatic actions {0} {1} by {2}{3}", paused ? "PAUSED" : "resumed",
                AutonomySetting.GLOBAL.equals(scope) ? "everywhere" : "in project " + scope, ShownError.text(by, 200),
                // the caller's words, escaped: a reason with a line break must not forge a log line
                setting.reason().isEmpty() ? "" : ": " + ShownError.text(setting.reason(), ShownError.MAX_TEXT_BYTES));
        audit.record(AuditAction.AUTONOMY_CHANGED, scope, by, "autonomy:" + scope,
                AuditRecord.detail("paused", paused, "reason", setting.reason()));
        if (paused) {
            haltAutomatic(setting);
        }
        return setting;
    }

    Optional<AutonomySetting> get(String scope) {
        return store.autonomy(scope);
    }

    /**
     * The switch that pauses the project's automatic actions (global first): read from the store (one
     * read), or, on a sole writer, from what it read or set before.
     */
    Optional<AutonomySetting> pausedBy(ProjectId project) {
        List<AutonomySetting> stored = memory.getAsBoolean() ? kept(project) : store.autonomies(List.of(AutonomySetting.GLOBAL,
                project.value()));
        Optional<AutonomySetting> global = stored.stream()
                .filter(s -> AutonomySetting.GLOBAL.equals(s.scope()) && s.paused()).findFirst();
        return global.isPresent() ? global : stored.stream()
                .filter(s -> s.scope().equals(project.value()) && s.paused()).findFirst();
    }

    private List<AutonomySetting> kept(ProjectId project) {
        List<String> scopes = List.of(AutonomySetting.GLOBAL, project.value());
        Optional<AutonomySetting> global = known.get(AutonomySetting.GLOBAL);
        Optional<AutonomySetting> own = known.get(project.value());
        if (global == null || own == null) {
            synchronized (keeping) {
                // no set runs meanwhile (once per scope): what is read is what the store holds
                List<AutonomySetting> read = store.autonomies(scopes);
                if (soleWriter) { // not dropped meanwhile (another hub joined)
                    for (String scope : scopes) {
                        known.putIfAbsent(scope, read.stream().filter(s -> s.scope().equals(scope)).findFirst());
                    }
                }
                return read;
            }
        }
        return java.util.stream.Stream.of(global, own).flatMap(Optional::stream).toList();
    }

    /**
     * Re-reads the switches that concern the runs this hub drives; halts them if one was paused
     * elsewhere. On a sole writer the switches it keeps are re-read too and replaced by what the
     * store holds, so a switch kept wrongly (a second writer after all) lasts one refresh at most.
     */
    void refresh() {
        Set<String> scopes = new HashSet<>(known.keySet());
        scopes.add(AutonomySetting.GLOBAL);
        executor.activeRuns().forEach(r -> scopes.add(r.project().value()));
        for (String scope : scopes) {
            Optional<AutonomySetting> s;
            synchronized (keeping) {
                s = store.autonomy(scope);
                if (soleWriter) {
                    known.put(scope, s);
                }
            }
            boolean paused = s.map(AutonomySetting::paused).orElse(false);
            Boolean before = seen.put(scope, paused);
            if (paused && !Boolean.TRUE.equals(before)) {
                haltAutomatic(s.get());
            }
        }
    }

    /**
     * Why a project's automatic runs are halted now, as far as this hub has seen (a pause set here,
     * or read at the last {@link #refresh}): the store is read only when a switch was seen paused,
     * so a burst's runs pay no read for it. A pause set on another hub reaches this hub's runs at
     * its next refresh, as for the runs it drives.
     */
    Optional<String> haltReason(ProjectId project) {
        boolean seenPaused = Boolean.TRUE.equals(seen.get(AutonomySetting.GLOBAL))
                || Boolean.TRUE.equals(seen.get(project.value()));
        return seenPaused ? pausedBy(project).map(KillSwitch::why) : Optional.empty();
    }

    private static String why(AutonomySetting setting) {
        return "automatic actions paused by " + setting.changedBy()
                + (setting.reason().isEmpty() ? "" : ": " + setting.reason());
    }

    private void haltAutomatic(AutonomySetting setting) {
        String why = why(setting);
        for (RunRecord run : executor.activeRuns()) {
            boolean inScope = AutonomySetting.GLOBAL.equals(setting.scope())
                    || run.project().value().equals(setting.scope());
            if (inScope && run.mode().isAutomatic()) {
                stripes.run(RunExecutor.laneOf(run), () -> executor.halt(run.runId(), RunState.CANCELLED, why, false));
            }
        }
    }
}
