package io.commandcenter.models.features;

import static io.commandcenter.models.features.TelemetryFeatures.SCHEMA;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The telemetry feature pipeline of ONE entity — the single implementation used by training, live
 * serving and backtests. Feed samples in time order; after each update {@link #copyFeatures} gives the
 * {@link TelemetryFeatures#SCHEMA} vector for that instant, computed only from samples at or before it.
 *
 * <p>Cost per update: O(M · C) for M metrics in the sample and C candidate seasonal periods (C ≤ 9),
 * no allocation in steady state. Memory: about 8 bytes per candidate phase per metric (≈ 18 KB per
 * metric with the STEPS candidates). Not thread-safe: the owner serialises updates of one entity.
 *
 * <p>A metric seen for the first time gets fresh statistics (it warms up over ~64 of its samples);
 * metrics missing from a sample keep their state; non-finite values count as missing. A sample with no
 * finite value leaves the features unchanged. Times must not go backwards (fails with
 * {@link IllegalArgumentException}); equal times are accepted.
 */
public final class TelemetryFeatureExtractor {

    private static final int[] STEP_PERIODS = {24, 48, 96, 144, 168, 288, 1440};
    private static final int INTERVAL_PROBE = 16;
    private static final int MAX_PERIOD = 2016;
    /** {@code Math.log1p(k)} for the run lengths {@code alarm_run} usually meets, computed once. */
    private static final double[] LOG1P = new double[4096];

    /** {@code Math.log10(m)} and {@code Math.log10(m / min(3, m))} for the metric counts rows usually have, computed once. */
    private static final double[] LOG10_M = new double[512];
    private static final double[] LOG10_M_OVER_K = new double[512];

    static {
        for (int k = 0; k < LOG1P.length; k++) {
            LOG1P[k] = Math.log1p(k);
        }
        for (int m = 1; m < LOG10_M.length; m++) {
            LOG10_M[m] = Math.log10(m);
            LOG10_M_OVER_K[m] = Math.log10((double) m / Math.min(3, m));
        }
    }

    private final TimeAxis axis;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final List<MetricState> states = new ArrayList<>();
    private final float[] features = new float[SCHEMA.size()];
    private final int[] sources = new int[SCHEMA.size()];

    private String[] lastNames;
    private int[] lastSlots;
    private int[] periods;
    private long rows;
    private long lastMinObservations;
    private long lastTime = Long.MIN_VALUE;
    private long firstTime;
    private long interval;
    private int deltasSeen;
    private long stepInterval;
    private long stepRel;
    private long stepValue;
    private double persist;
    private long alarmRun;
    private double downEwma;
    private double errorRate;
    private double latencySkew;
    private boolean health;
    // not a model feature: the onset calibration's novelty discount reads it beside the probability (12.11)
    private final io.commandcenter.models.calibration.PeakNovelty novelty;

    // scratch for top-k
    private final double[] topRes = new double[3];
    private final double[] topLevel = new double[3];
    private final double[] topEvidence = new double[3];
    // slots of the error rate, up and p99 latency metrics once known (-1 before), the sources of features 12 to 14
    private final int[] healthSlots = {-1, -1, -1};

    public TelemetryFeatureExtractor(TimeAxis axis) {
        this.axis = axis;
        this.periods = axis == TimeAxis.STEPS ? STEP_PERIODS : null;
        this.novelty = new io.commandcenter.models.calibration.PeakNovelty(axis);
        Arrays.fill(sources, -1);
    }

    public FeatureSchema schema() {
        return SCHEMA;
    }

    /** Rows fed so far (samples with at least one finite value). */
    public long rows() {
        return rows;
    }

    /** Time of the latest accepted sample, or {@code Long.MIN_VALUE}. */
    public long lastTime() {
        return lastTime;
    }

    /**
     * The latest row's peak novelty ({@link io.commandcenter.models.calibration.PeakNovelty}: the largest share, over its
     * metrics, of the previous 7 days whose extreme the value passes), in [0, 1]; NaN before a row or for a row without
     * a finite value. Not a model feature: what {@link io.commandcenter.models.calibration.OnsetCalibration.State#next(double,
     * long, double)} takes beside the model's probability.
     */
    public double peakNovelty() {
        return novelty.row();
    }

    /** Metric names seen so far, in order of first appearance. */
    public List<String> metricNames() {
        return List.copyOf(names);
    }

    /**
     * Samples of the least-observed metric among those with a value in the latest row: the "amount
     * of data" behind the vector (a metric an entity never reports does not make it look unobserved).
     */
    public long minMetricObservations() {
        return lastMinObservations;
    }

    /** Active seasonal period (steps) of a metric, 0 if none or unknown metric. */
    public int seasonalPeriod(String metric) {
        Integer i = index.get(metric);
        return i == null ? 0 : states.get(i).seasonalPeriod();
    }

    public void update(TelemetrySample sample) {
        String[] n = sample.metrics().keySet().toArray(String[]::new);
        Arrays.sort(n);
        double[] v = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            v[i] = sample.metrics().get(n[i]);
        }
        update(sample.time(), n, v);
    }

    /**
     * The metrics a health row starts with, in order (p50, p95, p99 latency, error rate, up fraction):
     * the first five names of {@link #updateHealth(long, String[], double[])}.
     */
    public static final List<String> HEALTH_METRICS = List.of(TelemetryFeatures.METRIC_LATENCY_P50,
            TelemetryFeatures.METRIC_LATENCY_P95, TelemetryFeatures.METRIC_LATENCY_P99,
            TelemetryFeatures.METRIC_ERROR_RATE, TelemetryFeatures.METRIC_UP);

    /** Decomposes a health sample into metrics (latencies, error rate, up) and feeds it. */
    public void update(HealthSample s) {
        updateHealth(s.timeMillis(), s.latencyP50(), s.latencyP95(), s.latencyP99(), s.errorRate(), s.up() ? 1.0 : 0.0,
                s.extraMetrics());
    }

    /**
     * Feeds a health reading whose error rate and availability are already fractions (as the hub
     * receives them). Any measurement may be NaN (not measured): it is then missing for the per-metric
     * evidence, and the health features keep their previous value.
     *
     * @param p50           median latency, ms
     * @param p95           95th percentile latency, ms
     * @param p99           99th percentile latency, ms
     * @param errorRate     share of failed requests, [0, 1]
     * @param upFraction    share of health checks that passed, [0, 1]
     * @param extraMetrics  any further metrics, by name
     */
    public void updateHealth(long timeMillis, double p50, double p95, double p99, double errorRate, double upFraction,
                             Map<String, Double> extraMetrics) {
        int extra = extraMetrics.size();
        String[] n = new String[5 + extra];
        double[] v = new double[5 + extra];
        n[0] = TelemetryFeatures.METRIC_LATENCY_P50;
        v[0] = p50;
        n[1] = TelemetryFeatures.METRIC_LATENCY_P95;
        v[1] = p95;
        n[2] = TelemetryFeatures.METRIC_LATENCY_P99;
        v[2] = p99;
        n[3] = TelemetryFeatures.METRIC_ERROR_RATE;
        v[3] = errorRate;
        n[4] = TelemetryFeatures.METRIC_UP;
        v[4] = upFraction;
        int i = 5;
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(extraMetrics).entrySet()) {
            n[i] = e.getKey();
            v[i++] = e.getValue();
        }
        updateHealth(timeMillis, n, v);
    }

    /**
     * As {@link #updateHealth(long, double, double, double, double, double, Map)} with the row laid out
     * by the caller: {@code names} starts with {@link #HEALTH_METRICS} (values: p50, p95, p99, error rate,
     * up fraction), then the further metrics sorted by name. Passing the same {@code names} instance on
     * every call skips the name lookups ({@link #update}); the arrays are read, not kept.
     */
    public void updateHealth(long timeMillis, String[] names, double[] values) {
        double p50 = values[0];
        double p99 = values[2];
        double errorRate = values[3];
        double upFraction = values[4];
        health = true;
        if (Double.isFinite(errorRate)) {
            this.errorRate = errorRate;
        }
        if (Double.isFinite(upFraction)) {
            downEwma += 0.3 * ((1.0 - upFraction) - downEwma);
        }
        if (Double.isFinite(p50) && Double.isFinite(p99)) {
            double skew = p50 > 0 ? Math.log(p99 / p50) : 0.0;
            latencySkew = Math.max(0.0, Math.min(5.0, skew));
        }
        update(timeMillis, names, values);
    }

    /**
     * Feeds one row: {@code names[i]} has value {@code values[i]}. Passing the same {@code names}
     * array instance on every call skips the name lookups (the backtest's fast path).
     */
    public void update(long time, String[] names, double[] values) {
        if (names.length != values.length) {
            throw new IllegalArgumentException("names and values differ in length");
        }
        if (lastTime != Long.MIN_VALUE && time < lastTime) {
            throw new IllegalArgumentException("time went backwards: " + time + " < " + lastTime);
        }
        int[] slots = slotsFor(names);
        long step = stepOf(time);
        int m = 0;
        double maxRes = 0, maxLevel = 0, maxTrend = 0, maxRoc = 0, maxVol = 0, maxFar = 0, maxEvidence = 0;
        int argRes = -1, argLevel = -1, argTrend = -1, argRoc = -1, argVol = -1, argFar = -1, argEvidence = -1;
        int fracRes = 0, fracLevel = 0;
        long minObservations = Long.MAX_VALUE;
        novelty.startRow();
        // the top-3 lists are filled in the same pass, in the same order of metrics as a second pass would
        double[] topRes = this.topRes;
        double[] topLevel = this.topLevel;
        double[] topEvidence = this.topEvidence;
        Arrays.fill(topRes, -1.0);
        Arrays.fill(topLevel, -1.0);
        Arrays.fill(topEvidence, -1.0);
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (!Double.isFinite(x)) {
                continue;
            }
            int slot = slots[i];
            MetricState st = states.get(slot);
            st.update(x, step);
            novelty.observe(slot, time, x);
            minObservations = Math.min(minObservations, st.count());
            m++;
            if (st.sRes > maxRes || argRes < 0) {
                maxRes = st.sRes;
                argRes = slot;
            }
            if (st.sLevel > maxLevel || argLevel < 0) {
                maxLevel = st.sLevel;
                argLevel = slot;
            }
            if (st.sTrend > maxTrend || argTrend < 0) {
                maxTrend = st.sTrend;
                argTrend = slot;
            }
            if (st.sRoc > maxRoc || argRoc < 0) {
                maxRoc = st.sRoc;
                argRoc = slot;
            }
            if (st.sVol > maxVol || argVol < 0) {
                maxVol = st.sVol;
                argVol = slot;
            }
            if (st.sFar > maxFar || argFar < 0) {
                maxFar = st.sFar;
                argFar = slot;
            }
            double ev = st.evidence();
            if (ev > maxEvidence || argEvidence < 0) {
                maxEvidence = ev;
                argEvidence = slot;
            }
            insert(topRes, st.sRes);
            insert(topLevel, st.sLevel);
            insert(topEvidence, ev);
            if (st.sRes >= 2.0) {
                fracRes++;
            }
            if (st.sLevel >= 2.0) {
                fracLevel++;
            }
        }
        if (m == 0) {
            return;
        }
        lastMinObservations = minObservations;
        rows++;
        lastTime = time;
        int k = Math.min(3, m);
        double logM = m < LOG10_M.length ? LOG10_M[m] : Math.log10(m);
        double logMk = m < LOG10_M.length ? LOG10_M_OVER_K[m] : Math.log10((double) m / k);
        double resTop = mean(topRes, k) - logMk;
        double levelTop = mean(topLevel, k) - logMk;
        double evidenceTop = mean(topEvidence, k) - logMk;

        float[] f = features;
        f[0] = (float) Math.max(0, maxRes - logM);
        f[1] = (float) Math.max(0, resTop);
        // a share of metrics only means something with several metrics: with one it would just be a
        // noisy 0/1 copy of the maximum, so it fades in from 0 at one metric to full weight at five
        double fracWeight = Math.min(1.0, (m - 1) / 4.0);
        f[2] = (float) (fracWeight * fracRes / m);
        f[3] = (float) Math.max(0, maxLevel - logM);
        f[4] = (float) Math.max(0, levelTop);
        f[5] = (float) (fracWeight * fracLevel / m);
        f[6] = (float) Math.max(0, maxTrend - logM);
        f[7] = (float) Math.max(0, maxRoc - logM);
        f[8] = (float) Math.max(0, maxVol - logM);
        double evidence = Math.max(f[0], f[3]);
        float jump = (float) Math.max(0, Math.max(evidence, f[8]) - persist);
        persist += 0.3 * (evidence - persist);
        alarmRun = evidence >= 2.0 ? alarmRun + 1 : 0;
        f[9] = (float) persist;
        f[10] = jump;
        f[11] = (float) (alarmRun < LOG1P.length ? LOG1P[(int) alarmRun] : Math.log1p(alarmRun));
        f[12] = health ? (float) errorRate : 0f;
        f[13] = health ? (float) downEwma : 0f;
        f[14] = health ? (float) latencySkew : 0f;
        f[15] = (float) Math.max(0, maxFar - logM);
        f[16] = (float) Math.max(0, evidenceTop);

        sources[0] = argRes;
        sources[1] = argRes;
        sources[2] = argRes;
        sources[3] = argLevel;
        sources[4] = argLevel;
        sources[5] = argLevel;
        sources[6] = argTrend;
        sources[7] = argRoc;
        sources[8] = argVol;
        sources[9] = f[0] >= f[3] ? argRes : argLevel;
        sources[10] = f[8] > evidence ? argVol : sources[9];
        sources[11] = sources[9];
        if (health) {
            if (healthSlots[0] < 0 || healthSlots[1] < 0 || healthSlots[2] < 0) {
                // a metric's slot never changes once given: look the three up until all are known
                healthSlots[0] = slotOf(TelemetryFeatures.METRIC_ERROR_RATE);
                healthSlots[1] = slotOf(TelemetryFeatures.METRIC_UP);
                healthSlots[2] = slotOf(TelemetryFeatures.METRIC_LATENCY_P99);
            }
            sources[12] = healthSlots[0];
            sources[13] = healthSlots[1];
            sources[14] = healthSlots[2];
        } else {
            sources[12] = -1;
            sources[13] = -1;
            sources[14] = -1;
        }
        sources[15] = argFar;
        sources[16] = argEvidence;
    }

    /** Writes the current vector ({@link TelemetryFeatures#SCHEMA} order) into {@code dst} at {@code offset}. */
    public void copyFeatures(float[] dst, int offset) {
        System.arraycopy(features, 0, dst, offset, features.length);
    }

    /**
     * Writes the current vector in another order into {@code dst} at {@code offset}: {@code dst[offset + j] =
     * vector[columns[j]]} ({@code columns} from {@link FeatureSchema#projectionTo}, e.g. a model's column order).
     */
    public void copyFeatures(float[] dst, int offset, int[] columns) {
        for (int j = 0; j < columns.length; j++) {
            dst[offset + j] = features[columns[j]];
        }
    }

    /** Metric behind feature {@code featureIndex} in the current vector, or {@code ""} for entity-level features. */
    public String sourceMetric(int featureIndex) {
        int s = sources[featureIndex];
        return s < 0 ? "" : names.get(s);
    }

    /**
     * Records which metric is behind each feature of the current vector into {@code snapshot} (length
     * {@link TelemetryFeatures#SCHEMA}'s size; its contents mean something to {@link #sameSources} of this extractor only).
     */
    public void snapshotSources(int[] snapshot) {
        System.arraycopy(sources, 0, snapshot, 0, sources.length);
    }

    /**
     * Whether every feature of the current vector has the source metric recorded in {@code snapshot} by
     * {@link #snapshotSources}: then {@link #sourceMetric} gives, for every feature, what it gave then.
     */
    public boolean sameSources(int[] snapshot) {
        return Arrays.equals(sources, snapshot);
    }

    /** A snapshot of the current vector with its per-feature source metrics. */
    public FeatureVector features() {
        String[] src = new String[features.length];
        for (int i = 0; i < features.length; i++) {
            src[i] = sourceMetric(i);
        }
        // List.of copies once and FeatureVector keeps that list as it is (an ArrayList was copied again)
        return new FeatureVector(SCHEMA, features, List.of(src));
    }

    private int slotOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    /** Inserts {@code s} into the descending top-3 list {@code top} if it belongs there. */
    private static void insert(double[] top, double s) {
        if (s > top[2]) {
            int j = 2;
            while (j > 0 && top[j - 1] < s) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = s;
        }
    }

    /** Mean of a top-k list, each value floored at 0. */
    private static double mean(double[] top, int k) {
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.max(0, top[j]);
        }
        return sum / k;
    }

    private int[] slotsFor(String[] metricNames) {
        if (metricNames == lastNames) {
            return lastSlots;
        }
        int[] slots = new int[metricNames.length];
        for (int i = 0; i < metricNames.length; i++) {
            String name = metricNames[i];
            Integer slot = index.get(name);
            if (slot == null) {
                slot = states.size();
                index.put(name, slot);
                names.add(name);
                states.add(new MetricState(periods == null ? new int[0] : periods));
            }
            slots[i] = slot;
        }
        lastNames = metricNames;
        lastSlots = slots;
        return slots;
    }

    private long stepOf(long time) {
        if (axis == TimeAxis.STEPS) {
            return time;
        }
        if (lastTime == Long.MIN_VALUE) {
            firstTime = time;
            return 0;
        }
        long delta = time - lastTime;
        if (deltasSeen < INTERVAL_PROBE && delta > 0) {
            interval = interval == 0 ? delta : Math.min(interval, delta);
            deltasSeen++;
            if (deltasSeen == INTERVAL_PROBE) {
                periods = derivePeriods(interval);
                for (MetricState st : states) {
                    st.enableSeasonality(periods);
                }
            }
        }
        if (interval == 0) {
            return 0;
        }
        // floorDiv(time - firstTime, interval), counted on from the previous row when it is one interval earlier
        long rel = time - firstTime;
        if (interval != stepInterval || rel != stepRel) {
            stepValue = interval == stepInterval && rel - stepRel == interval && rel > stepRel
                    ? stepValue + 1 : Math.floorDiv(rel, interval);
            stepInterval = interval;
            stepRel = rel;
        }
        return stepValue;
    }

    /** Daily and weekly periods in steps for a sampling interval, when whole and in [4, 2016]. */
    static int[] derivePeriods(long intervalMillis) {
        long day = 86_400_000L;
        List<Integer> p = new ArrayList<>();
        for (long span : new long[] {day, 7 * day}) {
            if (span % intervalMillis == 0) {
                long steps = span / intervalMillis;
                if (steps >= 4 && steps <= MAX_PERIOD) {
                    p.add((int) steps);
                }
            }
        }
        return p.stream().mapToInt(Integer::intValue).toArray();
    }
}
