package io.commandcenter.models.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Quality measures of a risk series against labels, all pure functions of arrays. "Alarm" means
 * {@code risk ≥ threshold}. Row indices stand for time; lead times are in rows.
 */
public final class Evaluation {

    private Evaluation() {
    }

    public static boolean[] alarms(double[] risk, double threshold) {
        boolean[] a = new boolean[risk.length];
        for (int i = 0; i < risk.length; i++) {
            a[i] = risk[i] >= threshold;
        }
        return a;
    }

    /** Point-wise confusion counts. */
    public static BinaryMetrics pointwise(boolean[] alarms, boolean[] labels) {
        check(alarms.length, labels.length);
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < alarms.length; i++) {
            if (alarms[i]) {
                if (labels[i]) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (labels[i]) {
                fn++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(tp, fp, fn, tn);
    }

    /**
     * Per-incident counts. An incident is detected (TP) when an alarm falls in {@code [start - horizon, end]};
     * otherwise it is a FN. An alarm event (a maximal run of alarm rows) touching no such window is a
     * FP; true negatives are not defined per incident and are 0.
     */
    public static BinaryMetrics perIncident(boolean[] alarms, List<Segment> incidents, int horizon) {
        boolean[] inWindow = windows(alarms.length, incidents, horizon);
        long tp = 0;
        for (Segment s : incidents) {
            if (firstAlarm(alarms, Math.max(0, s.start() - horizon), Math.min(alarms.length - 1, s.end())) >= 0) {
                tp++;
            }
        }
        long fp = 0;
        int i = 0;
        while (i < alarms.length) {
            if (alarms[i]) {
                boolean touches = false;
                while (i < alarms.length && alarms[i]) {
                    touches |= inWindow[i];
                    i++;
                }
                if (!touches) {
                    fp++;
                }
            } else {
                i++;
            }
        }
        return new BinaryMetrics(tp, fp, incidents.size() - tp, 0);
    }

    /**
     * Lead time of each detected incident, in rows: {@code start - firstAlarm} for the first alarm in
     * {@code [start - horizon, end]} (positive = warned before the onset, negative = detected late).
     * Undetected incidents are left out.
     */
    public static double[] leadTimes(boolean[] alarms, List<Segment> incidents, int horizon) {
        return incidents.stream()
                .mapToInt(s -> {
                    int f = firstAlarm(alarms, Math.max(0, s.start() - horizon), Math.min(alarms.length - 1, s.end()));
                    return f < 0 ? Integer.MIN_VALUE : s.start() - f;
                })
                .filter(v -> v != Integer.MIN_VALUE)
                .asDoubleStream().toArray();
    }

    /**
     * Lead times like {@link #leadTimes} but in the units of {@code times} (one per row, e.g. epoch
     * milliseconds): {@code times[start] - times[first alarm]}.
     */
    public static double[] leadTimes(boolean[] alarms, List<Segment> incidents, int horizon, long[] times) {
        check(alarms.length, times.length);
        return incidents.stream()
                .mapToLong(s -> {
                    int f = firstAlarm(alarms, Math.max(0, s.start() - horizon), Math.min(alarms.length - 1, s.end()));
                    return f < 0 ? Long.MIN_VALUE : times[s.start()] - times[f];
                })
                .filter(v -> v != Long.MIN_VALUE)
                .asDoubleStream().toArray();
    }

    /** Mean of {@link #leadTimes}, NaN when no incident was detected. */
    public static double meanLeadTime(boolean[] alarms, List<Segment> incidents, int horizon) {
        double[] l = leadTimes(alarms, incidents, horizon);
        return l.length == 0 ? Double.NaN : Arrays.stream(l).average().orElse(Double.NaN);
    }

    /** ROC AUC by the Mann–Whitney statistic (ties count one half); NaN when a class is absent. */
    public static double rocAuc(double[] scores, boolean[] labels) {
        check(scores.length, labels.length);
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * Expected calibration error over {@code bins} equal-width probability bins:
     * {@code Σ_b (n_b / n) · |mean(p in b) - rate of positives in b|}.
     */
    public static double expectedCalibrationError(double[] probabilities, boolean[] labels, int bins) {
        check(probabilities.length, labels.length);
        double[] sumP = new double[bins];
        double[] sumY = new double[bins];
        long[] count = new long[bins];
        for (int i = 0; i < probabilities.length; i++) {
            int b = Math.min(bins - 1, Math.max(0, (int) (probabilities[i] * bins)));
            sumP[b] += probabilities[i];
            sumY[b] += labels[i] ? 1 : 0;
            count[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += (double) count[b] / probabilities.length * Math.abs(sumP[b] / count[b] - sumY[b] / count[b]);
            }
        }
        return ece;
    }

    /**
     * NAB-style early-warning score, normalised to 100 for a perfect detector and 0 for one that never
     * alarms (negative is worse than silence).
     *
     * <p>Windows are the incidents extended {@code horizon} rows before their start. In each window only
     * the first alarm counts, weighted by {@code σ(y) = 2 / (1 + e^{5y}) - 1} where {@code y ∈ [-1, 0]} is
     * its relative position (-1 at the window's first row, 0 at its last): ≈ 0.99 of
     * {@code truePositive} at the start, 0 at the end. A window without alarm costs {@code falseNegative}.
     * Every alarm row outside the windows costs {@code falsePositive}, scaled by {@code |σ(y)|} with
     * {@code y = rows after the preceding window's end / that window's length} (alarms right after a
     * window cost little), or fully when no window precedes it. NaN without incidents.
     */
    public static double earlyWarningScore(boolean[] alarms, List<Segment> incidents, int horizon, EarlyWarningProfile profile) {
        if (incidents.isEmpty()) {
            return Double.NaN;
        }
        return normalise(rawEarlyWarning(alarms, incidents, horizon, profile), incidents.size(), profile);
    }

    /**
     * Normalises a raw early-warning sum (possibly added up over many series) with {@code windows}
     * windows in total: {@code 100 · (raw - null) / (perfect - null)}, null = every window missed,
     * perfect = every window detected at its start.
     */
    public static double normalise(double raw, int windows, EarlyWarningProfile profile) {
        double nullScore = profile.falseNegative() * windows;
        double perfect = profile.truePositive() * windows;
        return 100.0 * (raw - nullScore) / (perfect - nullScore);
    }

    /** The unnormalised NAB-style sum behind {@link #earlyWarningScore}. */
    public static double rawEarlyWarning(boolean[] alarms, List<Segment> incidents, int horizon, EarlyWarningProfile profile) {
        int n = alarms.length;
        int[] winStart = new int[incidents.size()];
        int[] winEnd = new int[incidents.size()];
        for (int w = 0; w < incidents.size(); w++) {
            winStart[w] = Math.max(0, incidents.get(w).start() - horizon);
            winEnd[w] = Math.min(n - 1, incidents.get(w).end());
        }
        double score = 0;
        boolean[] inWindow = windows(n, incidents, horizon);
        for (int w = 0; w < winStart.length; w++) {
            int f = firstAlarm(alarms, winStart[w], winEnd[w]);
            if (f < 0) {
                score += profile.falseNegative();
            } else {
                int len = winEnd[w] - winStart[w] + 1;
                double y = len <= 1 ? -1.0 : -1.0 + (double) (f - winStart[w]) / (len - 1);
                score += profile.truePositive() * sigma(y);
            }
        }
        int prev = -1;
        for (int i = 0; i < n; i++) {
            if (!alarms[i] || inWindow[i]) {
                continue;
            }
            while (prev + 1 < winEnd.length && winEnd[prev + 1] < i) {
                prev++;
            }
            double weight = 1.0;
            if (prev >= 0 && winEnd[prev] < i) {
                int len = winEnd[prev] - winStart[prev] + 1;
                double y = (double) (i - winEnd[prev]) / len;
                weight = -sigma(y);
            }
            score += profile.falsePositive() * weight;
        }
        return score;
    }

    static double sigma(double y) {
        return 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }

    private static boolean[] windows(int n, List<Segment> incidents, int horizon) {
        boolean[] w = new boolean[n];
        for (Segment s : incidents) {
            for (int i = Math.max(0, s.start() - horizon); i <= Math.min(n - 1, s.end()); i++) {
                w[i] = true;
            }
        }
        return w;
    }

    private static int firstAlarm(boolean[] alarms, int from, int to) {
        for (int i = from; i <= to; i++) {
            if (alarms[i]) {
                return i;
            }
        }
        return -1;
    }

    private static void check(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("arrays differ in length: " + a + " vs " + b);
        }
    }
}
