package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.PredictiveEngine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Watches what came of a decision: a window after the run ended (or after a person rejected it),
 * it reads the target's health through the champion model and records the outcome on the
 * {@code PredictionAction} — the label the retraining loop learns from:
 * <ul>
 *   <li>{@code recovered}: the risk is now below the prediction's threshold;</li>
 *   <li>{@code worse}: the risk rose by at least the margin over the risk that was predicted;</li>
 *   <li>{@code not_recovered}: anything else, including a target that stopped reporting.</li>
 * </ul>
 * A target with no live reading at the end of the window (a hub restarted since, a service slow to
 * report after its restart) gets one more window before it is judged, so a restart of the hub does
 * not turn into a "not recovered" label.
 *
 * <p>An outcome is stored with a conditional write ({@link ActionStore#recordOutcome}): when two hubs
 * judge one decision at once (a stalled hub and the one that adopted its run), one stores it, with the
 * run's outcome in the same transaction, and only that one emits {@code outcomeObserved}. A failed write
 * stores nothing: the decision stays awaiting its outcome, judged again when this hub restarts or
 * another hub adopts the watch.
 */
final class OutcomeWatcher {
    private static final System.Logger LOG = System.getLogger(OutcomeWatcher.class.getName());
    private final ActionStore actions;
    private final RunStore runs;
    private final HealthProbe probe;
    private final PredictionLookup predictions;
    private final RemediationEvents events;
    private final Timers timers;
    private final Stripes stripes;
    private final Clock clock;
    private final Duration window;
    private final double worseMargin;

    OutcomeWatcher(ActionStore actions, RunStore runs, HealthProbe probe, PredictionLookup predictions,
                   RemediationEvents events, Timers timers, Stripes stripes, Clock clock, Duration window,
                   double worseMargin) {
        this.actions = actions;
        this.runs = runs;
        this.probe = probe;
        this.predictions = predictions;
        this.events = events;
        this.timers = timers;
        this.stripes = stripes;
        this.clock = clock;
        this.window = window;
        this.worseMargin = worseMargin;
    }

    /** Judges the decision's outcome a window after {@code from}. */
    void watch(ActionRecord action, Instant from) {
        schedule(action, from.plus(window), false);
    }

    private void schedule(ActionRecord action, Instant at, boolean lastChance) {
        String lane = Stripes.key(action.project(), action.targetKind(), action.targetId());
        timers.at(at, () -> stripes.run(lane, () -> observe(action, lastChance)));
    }

    /**
     * Takes up the watches of decisions of ended runs: after a restart this hub's own ({@code own}),
     * and those of hubs that {@link Adoption#mayAdopt may be adopted}, each adopted first (a watch
     * whose run another hub adopted first is left to it).
     */
    void resume(Adoption adoption, boolean own) {
        Predicate<String> mayAdopt = adoption.sweep();
        for (ActionRecord action : actions.awaitingOutcome(10_000)) {
            runs.run(action.runId()).filter(r -> r.state().isFinished()).ifPresent(run -> {
                boolean mine = run.hubId().equals(adoption.hubId());
                if (mine ? own : (mayAdopt.test(run.hubId())
                        && adoption.take(run, "its outcome watch: its owner is gone").isPresent())) {
                    watch(action, run.finishedAt() == null ? action.decidedAt() : run.finishedAt());
                }
            });
        }
    }

    private void observe(ActionRecord watched, boolean lastChance) {
        String runId = watched.runId();
        Optional<ActionRecord> found = actions.actionOfRun(runId).filter(a -> a.actionId().equals(watched.actionId())
                && !a.isJudged());
        if (found.isEmpty()) {
            return;
        }
        ActionRecord action = found.get();
        Optional<PredictionRecord> prediction = action.predictionId() == null ? Optional.empty()
                : predictions.find(action.project(), action.predictionId());
        double threshold = prediction.map(PredictionRecord::threshold).orElse(0.8);
        double before = action.riskBefore() == null ? threshold : action.riskBefore();
        Optional<HealthProbe.Reading> reading;
        try {
            reading = probe.read(action.project(), action.targetKind(), action.targetId());
        } catch (RuntimeException e) {
            if (e instanceof CommandCenterException c && PredictiveEngine.ENGINE_CLOSED.equals(c.reason())) {
                // the hub is stopping: not "no live telemetry" — left unjudged, so the next start (or another hub's
                // adoption sweep) watches it again
                LOG.log(System.Logger.Level.INFO, "outcome of run {0} left unjudged: the hub is stopping", runId);
                return;
            }
            if (lastChance) {
                // a failed read (engine busy, backend or store unavailable) is not "no live telemetry" either: judged
                // on it, the action would be labelled not_recovered for the learning loop. Left unjudged; the next
                // start, or another hub's adoption sweep, watches it again
                LOG.log(System.Logger.Level.WARNING, "outcome of run {0} left unjudged: the health of {1} {2} could"
                        + " not be read: {3}", runId, action.targetKind(), action.targetId(), e.getMessage());
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "cannot read the health of {0} {1}: {2}", action.targetKind(),
                    action.targetId(), e.getMessage());
            reading = Optional.empty();
        }
        Optional<Double> after = reading.map(HealthProbe.Reading::risk);
        if (after.isEmpty() && !lastChance) {
            schedule(action, clock.instant().plus(window), true);
            return;
        }
        Outcome outcome = Outcome.judge(before, after, threshold, worseMargin);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("window", window.toString());
        json.put("threshold", threshold);
        json.put("riskBefore", before);
        after.ifPresentOrElse(r -> json.put("riskAfter", r), () -> json.put("note",
                "no live telemetry of the target at the end of the window, nor one window later"));
        reading.ifPresent(r -> {
            try {
                json.put("model", Json.parse(r.detailJson()));
            } catch (JsonException e) {
                json.put("model", r.detailJson());
            }
        });
        Instant now = clock.instant();
        ActionRecord observed = action.withOutcome(outcome, after.orElse(null), Json.write(json), now);
        if (!actions.recordOutcome(observed)) {
            // judged meanwhile by another hub sharing the database (or another watch): its outcome stands,
            // and only the hub that stored it tells the world (counters, memory, events)
            LOG.log(System.Logger.Level.DEBUG, "outcome of {0} was judged already elsewhere", action.actionId());
            return;
        }
        LOG.log(System.Logger.Level.INFO, "outcome of {0} on {1} {2}: {3} (risk {4} -> {5})", action.decision().wireName(),
                action.targetKind(), action.targetId(), outcome.wireName(), String.format(Locale.ROOT, "%.2f", before),
                after.map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("n/a"));
        events.outcomeObserved(observed);
    }
}
