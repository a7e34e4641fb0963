package io.commandcenter.models.train.loop;

import io.commandcenter.models.eval.Evaluation;
import io.commandcenter.models.eval.Segment;

import java.util.List;

/**
 * What people tell the hub about one stretch of a series, exactly as the hub turns it into feedback:
 * an incident the champion alarmed on is confirmed (its prediction approved or recovered), an alarm
 * outside every incident is marked a false alarm, an incident without an alarm is declared
 * ({@code cc incidents add}). The labels the retraining reads are then the rows inside confirmed or
 * declared incident windows (1) and every other row (0: normal telemetry, or a marked false alarm).
 *
 * @param labels         the labels the feedback gives each row
 * @param confirmed      incidents the champion caught
 * @param declared       incidents it missed, declared by a person
 * @param falseAlarms    alarm onsets outside every incident, marked false alarms
 * @param feedbackRows   rows the feedback labels (incident rows, and the rows of marked false alarms)
 */
public record ChunkFeedback(boolean[] labels, int confirmed, int declared, int falseAlarms, long feedbackRows) {

    /**
     * The feedback on rows {@code [from, to)} of a series whose champion risk is {@code risk} at
     * {@code threshold}, and whose incidents really were {@code truth}.
     */
    public static ChunkFeedback of(double[] risk, double threshold, boolean[] truth, int from, int to) {
        boolean[] alarms = Evaluation.alarms(risk, threshold);
        boolean[] labels = new boolean[to - from];
        int confirmed = 0;
        int declared = 0;
        long rows = 0;
        List<Segment> incidents = Segment.fromLabels(java.util.Arrays.copyOfRange(truth, from, to));
        for (Segment s : incidents) {
            boolean caught = false;
            for (int i = s.start(); i <= s.end(); i++) {
                caught |= alarms[from + i];
            }
            if (caught) {
                confirmed++;
            } else {
                declared++;
            }
            for (int i = s.start(); i <= s.end(); i++) {
                labels[i] = true;
                rows++;
            }
        }
        int falseAlarms = 0;
        boolean previous = false;
        for (int i = from; i < to; i++) {
            boolean falseAlarm = alarms[i] && !labels[i - from];
            if (falseAlarm) {
                rows++;
                falseAlarms += previous ? 0 : 1;
            }
            previous = falseAlarm;
        }
        return new ChunkFeedback(labels, confirmed, declared, falseAlarms, rows);
    }
}
