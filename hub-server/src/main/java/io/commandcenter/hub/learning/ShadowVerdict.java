package io.commandcenter.hub.learning;

import io.commandcenter.models.eval.Segment;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.DataSnapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shadow gate's judgement: what the champion really raised and what the challenger in shadow
 * would have raised over the same period, each against the incidents the period's outcomes and labels
 * say happened (the data collector's snapshot of that period: declared windows, confirmed predictions
 * and their horizon; false alarms and rejections stay normal). Per incident, as the evaluator counts:
 * an alarm from {@value ServiceHealthTraining#HORIZON} rows before an incident to its end catches it;
 * an alarm touching no incident is a false alarm.
 *
 * <p>The shadow agrees when the period had labelled incidents and its F1 is no more than
 * {@code tolerance} below the champion's, or when it had none and the shadow raised no more false
 * alarms than the champion. Plain Java: no clock, no store.
 */
public final class ShadowVerdict {
    private ShadowVerdict() {
    }

    /** One prediction (real or would-be) of an entity: series name {@code <kind>:<id>} and its time. */
    public record Alarm(String series, Instant at) {
    }

    /** How one model's alarms fared against the period's incidents. */
    public record Tally(int incidents, int caught, int alarms, int falseAlarms) {
        public double precision() {
            return alarms == 0 ? 0 : (double) (alarms - falseAlarms) / alarms;
        }

        public double recall() {
            return incidents == 0 ? 0 : (double) caught / incidents;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        String describe() {
            return String.format(Locale.ROOT, "F1 %.3f (%d of %d incidents caught, %d alarms, %d false)", f1(), caught,
                    incidents, alarms, falseAlarms);
        }
    }

    /** Agree or not, why, and both tallies. */
    public record Result(boolean agree, String reason, Tally champion, Tally shadow) {
    }

    /** Judges the shadow's alarms against the champion's over the period's labelled snapshot. */
    public static Result judge(DataSnapshot period, List<Alarm> champion, List<Alarm> shadow, double tolerance) {
        Tally c = tally(period, champion);
        Tally s = tally(period, shadow);
        boolean agree;
        String why;
        if (c.incidents() > 0) {
            agree = s.f1() >= c.f1() - tolerance;
            why = agree ? "shadow no worse over the period" : "shadow worse over the period";
        } else {
            agree = s.falseAlarms() <= c.falseAlarms();
            why = agree ? "no incident in the period and no more false alarms in shadow"
                    : "no incident in the period and more false alarms in shadow";
        }
        return new Result(agree, why + ": shadow " + s.describe() + " vs champion " + c.describe(), c, s);
    }

    /**
     * Counts incidents caught and false alarms of one model's alarms. An alarm of one entity at one time counts
     * once, however many copies there are (hubs that scored the same sample each raising it).
     */
    static Tally tally(DataSnapshot period, List<Alarm> all) {
        List<Alarm> alarms = List.copyOf(new java.util.LinkedHashSet<>(all));
        Map<String, List<long[]>> windows = new HashMap<>();
        int incidents = 0;
        for (Replayed r : period.series()) {
            long[] times = r.entry().scored().times();
            List<long[]> list = new ArrayList<>();
            for (Segment incident : Segment.fromLabels(r.labels())) {
                list.add(new long[]{times[Math.max(0, incident.start() - ServiceHealthTraining.HORIZON)],
                        times[incident.end()]});
            }
            incidents += list.size();
            windows.put(r.entry().name(), list);
        }
        Map<String, boolean[]> caught = new HashMap<>();
        windows.forEach((k, v) -> caught.put(k, new boolean[v.size()]));
        int falseAlarms = 0;
        for (Alarm a : alarms) {
            List<long[]> list = windows.getOrDefault(a.series(), List.of());
            boolean touched = false;
            long t = a.at().toEpochMilli();
            for (int i = 0; i < list.size(); i++) {
                if (t >= list.get(i)[0] && t <= list.get(i)[1]) {
                    caught.get(a.series())[i] = true;
                    touched = true;
                }
            }
            falseAlarms += touched ? 0 : 1;
        }
        int n = 0;
        for (boolean[] b : caught.values()) {
            for (boolean x : b) {
                n += x ? 1 : 0;
            }
        }
        return new Tally(incidents, n, alarms.size(), falseAlarms);
    }
}
