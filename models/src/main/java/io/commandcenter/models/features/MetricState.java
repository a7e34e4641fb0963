package io.commandcenter.models.features;

/**
 * Online statistics of one metric of one entity: O(1) per update (O(candidate periods) for
 * seasonality), adapting to the series' own scale and rhythm. Not thread-safe: one entity's samples
 * are fed by one thread at a time.
 *
 * <p>Per update, with the state <em>before</em> the update (so a point is judged against its past):
 * <ul>
 *   <li><b>residual</b> {@code zRes = (x - F) / σr}: deviation from a damped-trend Holt one-step forecast
 *       {@code F = level + φ·trend}, in units of the robust residual spread {@code σr = 1.2533 · EWMA|r|}
 *       (the factor makes mean absolute deviation a standard deviation for Gaussian noise);</li>
 *   <li><b>level</b> {@code zLevel = (fast - E) / σd}: the smoothed current value against the expected level
 *       {@code E = baseline + seasonal offset}, in units of the robust spread of {@code x - E};</li>
 *   <li><b>trend</b> {@code zTrend = (fast - mid) / σd}: a fast minus a medium EWMA, i.e. recent drift;</li>
 *   <li><b>rate of change</b> {@code zRoc = (x - x_prev) / σΔ};</li>
 *   <li><b>volatility</b> {@code zVol = ln((1.2533·EWMA_0.2|r| + floor) / (σr + floor)) / ln 2}: noise bursts
 *       (&gt; 0) and flat-lines or stuck sensors (&lt; 0);</li>
 *   <li><b>far</b> {@code zFar = (x - μ) / σ} against the metric's long-run mean and standard deviation (EWMA rate
 *       {@value #FAR_ALPHA}, a memory of a few thousand values): the "windowed Gaussian" detector, whose surprisal
 *       is the Gaussian two-sided tail {@code -log10 P(|Z| ≥ |zFar|)} itself ({@link GaussianTail}), not an adaptive
 *       tail — so a value far outside everything the metric did for days stays surprising however spiky it is.</li>
 * </ul>
 * Each z is turned into a surprisal by its own {@link TailModel}, then scaled by the warm-up weight
 * {@code w(n) = clamp((n - 8) / 56, 0, 1)} so the first rows of a series, whose statistics are not
 * settled yet, raise little evidence. Spreads are floored by {@code max(1e-9, 0.01·(max - min), 1e-6·|baseline|)}
 * so a constant series still yields finite z. Updates of level, baseline and spreads use
 * Huber-clipped deviations (3σ for levels, 4σ for spreads; unclipped during the first
 * {@value #SETTLE_ROWS} rows) so one outlier moves them a bounded amount
 * and a lasting level shift is absorbed over tens to hundreds of rows.
 */
final class MetricState {

    static final double HOLT_ALPHA = 0.3;
    static final double HOLT_BETA = 0.05;
    static final double HOLT_PHI = 0.8;
    static final double FAST_ALPHA = 0.5;
    static final double MID_ALPHA = 0.05;
    static final double BASE_ALPHA = 0.005;
    static final double SPREAD_ALPHA = 0.03;
    static final double DEV_ALPHA = 0.01;
    static final double MAD_TO_SIGMA = 1.2533141373155003;
    static final double SHORT_ALPHA = 0.2;
    /** ln-ratio that counts as one unit of volatility change (ln 2: a doubling or halving). */
    static final double VOL_SCALE = 0.6931471805599453;
    static final double Z_CAP = 50.0;
    /** Rows during which updates are not clipped, so the spreads can grow from zero. */
    static final long SETTLE_ROWS = 16;
    /** EWMA rate of the long-run mean and variance behind {@code zFar} (about 3,300 values of memory). */
    static final double FAR_ALPHA = 0.0003;
    /** Weight of the far surprisal in {@link #evidence()}. */
    static final double FAR_WEIGHT = 0.35;

    private SeasonalModel seasonal;
    private final TailModel resTail = new TailModel();
    private final TailModel levelTail = new TailModel();
    private final TailModel trendTail = new TailModel();
    private final TailModel rocTail = new TailModel();
    private final TailModel volTail = new TailModel();

    private long n;
    private double prev;
    private double lo;
    private double hi;
    private double level;
    private double trend;
    private double resAbs;
    private double base;
    private double devAbs;
    private double fast;
    private double mid;
    private double rocAbs;
    private double shortAbs;
    private double farMean;
    private double farVar;

    // outputs of the last update
    double zRes;
    double zLevel;
    double zTrend;
    double zRoc;
    double zVol;
    double sRes;
    double sLevel;
    double sTrend;
    double sRoc;
    double sVol;
    double zFar;
    double sFar;
    double lastValue = Double.NaN;

    MetricState(int[] seasonalPeriods) {
        this.seasonal = seasonalPeriods.length == 0 ? null : new SeasonalModel(seasonalPeriods);
    }

    /** Starts seasonality detection once the sampling interval is known; no-op if already on. */
    void enableSeasonality(int[] periods) {
        if (seasonal == null && periods.length > 0) {
            seasonal = new SeasonalModel(periods);
        }
    }

    long count() {
        return n;
    }

    /**
     * The metric's evidence of an anomaly, in decades: the most surprising of its level, volatility and
     * (down-weighted by {@value #FAR_WEIGHT}, its Gaussian tail overstating heavy-tailed metrics) far-from-the-long-run
     * surprisals.
     */
    double evidence() {
        double e = sLevel > sVol ? sLevel : sVol;
        double far = FAR_WEIGHT * sFar;
        return far > e ? far : e;
    }

    double seasonalStrength() {
        return seasonal == null ? 0.0 : seasonal.strength();
    }

    int seasonalPeriod() {
        return seasonal == null ? 0 : seasonal.activePeriod();
    }

    double baseline() {
        return base;
    }

    static double warmupWeight(long n) {
        double w = (n - 8) / 56.0;
        return w < 0 ? 0 : (w > 1 ? 1 : w);
    }

    /** Feeds one finite value observed at {@code step}; non-finite values must be filtered by the caller. */
    void update(double x, long step) {
        lastValue = x;
        if (n == 0) {
            n = 1;
            prev = x;
            lo = x;
            hi = x;
            level = x;
            base = x;
            fast = x;
            mid = x;
            farMean = x;
            farVar = 0;
            zRes = zLevel = zTrend = zRoc = zVol = zFar = 0;
            sRes = sLevel = sTrend = sRoc = sVol = sFar = 0;
            return;
        }
        n++;
        // the bias-corrected start of every EWMA below: rate max(alpha, 1/n), 1/n computed once
        double start = 1.0 / n;
        double floor = Math.max(1e-9, Math.max(0.01 * (hi - lo), 1e-6 * Math.abs(base)));

        // residual against the one-step forecast
        double forecast = level + HOLT_PHI * trend;
        double r = x - forecast;
        double sigmaR = Math.max(MAD_TO_SIGMA * resAbs, floor);
        zRes = clampZ(r / sigmaR);

        // level against baseline + season
        double seasonalOffset = seasonal == null ? 0.0 : seasonal.offset(step);
        double expected = base + seasonalOffset;
        double newFast = fast + FAST_ALPHA * (x - fast);
        double newMid = mid + MID_ALPHA * (x - mid);
        double sigmaD = Math.max(MAD_TO_SIGMA * devAbs, floor);
        zLevel = clampZ((newFast - expected) / sigmaD);
        zTrend = clampZ((newFast - newMid) / sigmaD);

        // rate of change
        double d = x - prev;
        double sigmaRoc = Math.max(MAD_TO_SIGMA * rocAbs, floor);
        zRoc = clampZ(d / sigmaRoc);

        // volatility: short-term against long-term residual magnitude, log ratio (bursts > 0, flat-lines < 0)
        double newShort = shortAbs + SHORT_ALPHA * (Math.abs(r) - shortAbs);
        zVol = clampZ(Math.log((MAD_TO_SIGMA * newShort + floor) / (sigmaR + floor)) / VOL_SCALE);

        double w = warmupWeight(n);
        double aRes = Math.abs(zRes);
        double aLevel = Math.abs(zLevel);
        double aTrend = Math.abs(zTrend);
        double aRoc = Math.abs(zRoc);
        sRes = w * resTail.surprisal(aRes);
        sLevel = w * levelTail.surprisal(aLevel);
        sTrend = w * trendTail.surprisal(aTrend);
        sRoc = w * rocTail.surprisal(aRoc);
        double aVol = Math.abs(zVol);
        sVol = w * volTail.surprisal(aVol);
        // far from the long run: a plain Gaussian tail on purpose (see the class comment)
        double farDev = x - farMean;
        zFar = clampZ(farDev / Math.max(Math.sqrt(farVar), floor));
        sFar = w * Math.min(TailModel.MAX_SURPRISAL, GaussianTail.surprisal(zFar));
        double farRate = rate(FAR_ALPHA, start);
        farMean += farRate * farDev;
        farVar = (1 - farRate) * (farVar + farRate * farDev * farDev);
        if (n > 2) {
            resTail.update(aRes);
            levelTail.update(aLevel);
            trendTail.update(aTrend);
            rocTail.update(aRoc);
            volTail.update(aVol);
        }

        // learn: bias-corrected start (rate ≥ 1/n); Huber-clipped deviations once the spreads settled
        boolean settled = n > SETTLE_ROWS;
        double rc = settled ? clip(r, 3 * sigmaR) : r;
        double levelBefore = level;
        level = forecast + HOLT_ALPHA * rc;
        trend = HOLT_PHI * trend + HOLT_BETA * (level - levelBefore - HOLT_PHI * trend);
        resAbs += rate(SPREAD_ALPHA, start) * ((settled ? Math.min(Math.abs(r), 4 * sigmaR) : Math.abs(r)) - resAbs);

        double dev = x - expected;
        base += rate(BASE_ALPHA, start) * (settled ? clip(dev, 3 * sigmaD) : dev);
        devAbs += rate(DEV_ALPHA, start) * ((settled ? Math.min(Math.abs(dev), 4 * sigmaD) : Math.abs(dev)) - devAbs);
        if (seasonal != null) {
            seasonal.update(step, x - base, 4 * sigmaD);
        }
        shortAbs = newShort;
        fast = newFast;
        mid = newMid;
        rocAbs += rate(SPREAD_ALPHA, start) * ((settled ? Math.min(Math.abs(d), 4 * sigmaRoc) : Math.abs(d)) - rocAbs);
        prev = x;
        if (x < lo) {
            lo = x;
        }
        if (x > hi) {
            hi = x;
        }
    }

    private static double rate(double alpha, double start) {
        return start > alpha ? start : alpha;
    }

    private static double clip(double v, double c) {
        return v > c ? c : (v < -c ? -c : v);
    }

    private static double clampZ(double z) {
        if (z != z) {
            return 0.0;
        }
        return z > Z_CAP ? Z_CAP : (z < -Z_CAP ? -Z_CAP : z);
    }
}
