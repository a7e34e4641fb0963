package io.commandcenter.hub.capacity;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.InProcessSink;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.scheduler.Scheduler;

import java.lang.System.Logger.Level;

/**
 * Announces predicted remediation work to the mesh scheduler: subscribed to {@link #SUBJECTS} of
 * every project, it calls {@link Scheduler#anticipate} for each prediction that
 * {@link LoadAnticipation} maps to a capability, so the scheduler holds capacity for it until the
 * horizon ends or a task caused by the prediction arrives.
 *
 * <p>Anticipation only helps: a prediction that cannot be announced (scheduler unavailable or
 * stopping) is logged and skipped, events dropped because the feed fell behind are only counted in
 * the log, and nothing is retried.
 */
public final class AnticipationFeed extends InProcessSink {
    private static final System.Logger LOG = System.getLogger(AnticipationFeed.class.getName());
    /** The subjects it listens to: every {@code prediction.created.<type>}. */
    public static final String SUBJECTS = "prediction.created";

    private final LoadAnticipation rule;
    private final Scheduler scheduler;

    public AnticipationFeed(LoadAnticipation rule, Scheduler scheduler) {
        super("predictions (not announced to the scheduler)");
        this.rule = rule;
        this.scheduler = scheduler;
    }

    @Override
    protected void handle(Event event) {
        event.payload().as(PredictionRecord.class).ifPresent(this::announce);
    }

    private void announce(PredictionRecord prediction) {
        try {
            rule.of(prediction).ifPresent(a -> {
                scheduler.anticipate(a.predictionId(), a.capability(), a.risk(), a.confidence(), a.horizon());
                LOG.log(Level.DEBUG, "prediction {0} announces {1} within {2}", a.predictionId(), a.capability(),
                        a.horizon());
            });
        } catch (CommandCenterException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "prediction {0} not announced to the scheduler: {1}", prediction.id(),
                    e.getMessage());
        }
    }
}
