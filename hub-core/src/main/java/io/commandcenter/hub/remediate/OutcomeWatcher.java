package io.commandcenter.hub.remediate;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;

import io.commandcenter.hub.predict.PredictionRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 */
final class OutcomeWatcher {
    private static final System.Logger LOG = System.getLogger(OutcomeWatcher.class.getName());
    static final String RECOVERED = "recovered";
    static final String NOT_RECOVERED = "not_recovered";
    static final String WORSE = "worse";

    private final RemediationStore store;
    private final HealthProbe probe;
    private final PredictionLookup predictions;
    private final RemediationEvents events;
    private final ScheduledExecutorService timer;
    private final Stripes stripes;
    private final Clock clock;
    private final Duration window;
    private final double worseMargin;

    OutcomeWatcher(RemediationStore store, HealthProbe probe, PredictionLookup predictions, RemediationEvents events,
                   ScheduledExecutorService timer, Stripes stripes, Clock clock, Duration window, double worseMargin) {
        this.store = store;
        this.probe = probe;
        this.predictions = predictions;
        this.events = events;
        this.timer = timer;
        this.stripes = stripes;
        this.clock = clock;
        this.window = window;
        this.worseMargin = worseMargin;
    }

    /** The outcome of a risk that was {@code before} and is {@code after} now (empty: no telemetry). */
    static String classify(double before, Optional<Double> after, double threshold, double margin) {
        if (after.isEmpty()) {
            return NOT_RECOVERED;
        }
        if (after.get() < threshold) {
            return RECOVERED;
        }
        return after.get() >= before + margin ? WORSE : NOT_RECOVERED;
    }

    /** Observes the decision's outcome a window after {@code from}. */
    void watch(ActionRecord action, Instant from) {
        long delay = Math.max(0, Duration.between(clock.instant(), from.plus(window)).toMillis());
        String lane = Stripes.key(action.project(), action.targetKind(), action.targetId());
        schedule(action, lane, delay, false);
    }

    private void schedule(ActionRecord action, String lane, long delayMillis, boolean lastChance) {
        timer.schedule(() -> stripes.run(lane, () -> observe(action, lane, lastChance)), delayMillis,
                TimeUnit.MILLISECONDS);
    }

    /** Takes up the watches of decisions of this hub's runs after a restart. */
    void resume(String hubId) {
        for (ActionRecord action : store.awaitingOutcome(10_000)) {
            store.run(action.runId()).filter(r -> r.hubId().equals(hubId)).ifPresent(run -> {
                if (run.state().isFinished()) {
                    watch(action, run.finishedAt() == null ? action.decidedAt() : run.finishedAt());
                }
            });
        }
    }

    private void observe(ActionRecord watched, String lane, boolean lastChance) {
        String runId = watched.runId();
        Optional<ActionRecord> found = store.actionOfRun(runId).filter(a -> a.actionId().equals(watched.actionId())
                && a.outcome().isEmpty());
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
            LOG.log(System.Logger.Level.WARNING, "cannot read the health of {0} {1}: {2}", action.targetKind(),
                    action.targetId(), e.getMessage());
            reading = Optional.empty();
        }
        Optional<Double> after = reading.map(HealthProbe.Reading::risk);
        if (after.isEmpty() && !lastChance) {
            schedule(action, lane, window.toMillis(), true);
            return;
        }
        String outcome = classify(before, after, threshold, worseMargin);
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
        store.run(runId).filter(r -> r.state().isFinished()).ifPresent(r -> store.update(r.withOutcome(outcome)));
        store.update(observed);
        LOG.log(System.Logger.Level.INFO, "outcome of {0} on {1} {2}: {3} (risk {4} -> {5})", action.decision(),
                action.targetKind(), action.targetId(), outcome, String.format(Locale.ROOT, "%.2f", before),
                after.map(r -> String.format(Locale.ROOT, "%.2f", r)).orElse("n/a"));
        events.outcomeObserved(observed);
    }
}
