package io.commandcenter.hub.remediate;

import java.time.Instant;

/**
 * What started a run.
 *
 * @param id      what {@code $trigger.id} reads: the prediction's id, the scheduled time, the run's own id
 * @param subject the event subject, {@code schedule} or {@code manual}
 */
record Trigger(String id, String subject, Instant time) {
    /** The subject of a schedule's firing. */
    static final String SCHEDULE = "schedule";
}
