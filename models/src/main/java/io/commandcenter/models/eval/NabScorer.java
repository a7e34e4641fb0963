package io.commandcenter.models.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The Numenta Anomaly Benchmark score (NAB v1.1), computed exactly as NAB's sweeper and optimizer do
 * (and as {@code ../shared/tools/nab_score.py}, a stdlib re-implementation of them), so a figure printed
 * by {@code cc eval} can be compared with published detectors.
 *
 * <p>Per file, every row gets a weight: inside a window (rows {@code l..r}, width {@code w = r - l + 1})
 * {@code σ(-(r - i + 1) / w) · tp / σ(-1)}, i.e. {@code tp} at the window's first row falling to about 0 at
 * its last; outside every window {@code -fp} before the first window and {@code σ(|i - r_prev| / (w_prev - 1)) · fp}
 * after one (≈ 0 right after it, {@code -fp} far from it), with {@code σ(x) = 2 / (1 + e^{5x}) - 1} and
 * {@code σ(x) = -1} for {@code x > 3}. The first {@link #probationLength(int)} rows of a file are ignored
 * (and so is the part of a window inside them). At a threshold {@code t} a row with score {@code ≥ t} is a
 * detection: a window earns the largest weight among its detected rows (its first detection), or
 * {@code -fn} without one; each detected row outside the windows adds its (negative) weight. The corpus
 * score is summed over files and normalised, {@code 100 · (raw - null) / (perfect - null)} with
 * {@code null = -fn · (windows not wholly in probation)} and {@code perfect = tp · (all windows)}. The
 * threshold is the one, shared by every file, that maximises the raw score: every distinct score is tried
 * (the highest such threshold wins ties), as NAB's optimizer does.
 *
 * <p>Pure functions; thread-safe.
 */
public final class NabScorer {

    /** NAB's application profiles (its {@code config/profiles.json}). */
    public record Profile(String name, double truePositive, double falsePositive, double falseNegative) {
        public static final Profile STANDARD = new Profile("standard", 1.0, 0.11, 1.0);
        public static final Profile REWARD_LOW_FP = new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0);
        public static final Profile REWARD_LOW_FN = new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0);

        public Profile {
            Objects.requireNonNull(name, "name");
            if (!(truePositive > 0) || falsePositive < 0 || falseNegative < 0) {
                throw new IllegalArgumentException("weights: truePositive > 0, falsePositive >= 0, falseNegative >= 0");
            }
        }

        public static List<Profile> all() {
            return List.of(STANDARD, REWARD_LOW_FP, REWARD_LOW_FN);
        }
    }

    /**
     * One file's anomaly scores (row order) and its windows (row ranges, inclusive, in time order,
     * not overlapping).
     */
    public record ScoredFile(String name, double[] scores, List<Segment> windows) {
        public ScoredFile {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(scores, "scores");
            windows = List.copyOf(windows);
            int previousEnd = -1;
            for (Segment s : windows) {
                if (s.end() >= scores.length || s.start() <= previousEnd) {
                    throw new IllegalArgumentException(name + ": windows must lie in the file, in order, without overlap");
                }
                previousEnd = s.end();
            }
        }
    }

    /** The score of a corpus at one threshold. */
    public record Score(double threshold, double raw, double normalised, long truePositiveRows, long falsePositiveRows) {
    }

    /** One file's share at a threshold: its raw score, windows detected and rows detected outside windows. */
    public record FileScore(String name, double raw, int windows, int scoredWindows, int detectedWindows, long falsePositiveRows) {
    }

    /** A scored row: score, weight, and window (index into the corpus' windows, {@link #NONE} or {@link #PROBATION}). */
    private record Point(double score, double weight, int window) {
    }

    static final int NONE = -1;
    static final int PROBATION = -2;
    private static final double MAX_TP = sigmoid(-1.0);

    private NabScorer() {
    }

    /** NAB's probationary period: the first 15 % of a file's rows, at most 750. */
    public static int probationLength(int rows) {
        return (int) Math.min(Math.floor(0.15 * rows), 0.15 * 5000);
    }

    /** NAB's scaled sigmoid {@code 2 / (1 + e^{5x}) - 1}, -1 beyond {@code x = 3}. */
    static double sigmoid(double x) {
        if (x > 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * x)) - 1.0;
    }

    /** The optimal corpus threshold and its score (NAB's sweep). */
    public static Score sweep(List<ScoredFile> files, Profile profile) {
        Corpus c = corpus(files, profile);
        Point[] sorted = c.points.stream().filter(p -> p.window != PROBATION).toArray(Point[]::new);
        Arrays.sort(sorted, Comparator.comparingDouble(Point::score).reversed());
        // windows' contributions are summed in the order they are first met, as the reference does
        int[] order = new int[c.windowCount];
        Arrays.fill(order, -1);
        int[] sumOrder = new int[c.windowCount];
        int met = 0;
        for (Point p : sorted) {
            if (p.window >= 0 && order[p.window] < 0) {
                order[p.window] = met;
                sumOrder[met++] = p.window;
            }
        }
        double[] parts = new double[c.windowCount];
        Arrays.fill(parts, -profile.falseNegative());
        double fpSum = 0;
        long tp = 0;
        long fp = 0;
        double threshold = 1.1;
        Score best = null;
        for (Point p : sorted) {
            if (p.score != threshold) {
                best = better(best, new Score(threshold, fpSum + sum(parts, sumOrder, met), 0, tp, fp));
                threshold = p.score;
            }
            if (p.window == NONE) {
                fp++;
                fpSum += p.weight;
            } else {
                tp++;
                parts[p.window] = Math.max(parts[p.window], p.weight);
            }
        }
        best = better(best, new Score(threshold, fpSum + sum(parts, sumOrder, met), 0, tp, fp));
        return new Score(best.threshold, best.raw, normalise(best.raw, c), best.truePositiveRows, best.falsePositiveRows);
    }

    /** The corpus score when every row with a score {@code ≥ threshold} is a detection. */
    public static Score scoreAt(List<ScoredFile> files, Profile profile, double threshold) {
        Corpus c = corpus(files, profile);
        double raw = 0;
        long tp = 0;
        long fp = 0;
        for (FileScore f : perFile(files, profile, threshold)) {
            raw += f.raw();
        }
        for (Point p : c.points) {
            if (p.window != PROBATION && p.score >= threshold) {
                if (p.window == NONE) {
                    fp++;
                } else {
                    tp++;
                }
            }
        }
        return new Score(threshold, raw, normalise(raw, c), tp, fp);
    }

    /** Each file's share of the score at {@code threshold}. */
    public static List<FileScore> perFile(List<ScoredFile> files, Profile profile, double threshold) {
        List<FileScore> out = new ArrayList<>(files.size());
        for (ScoredFile f : files) {
            List<Point> points = points(f, 0, profile);
            int windows = f.windows().size();
            double[] parts = new double[windows];
            boolean[] scored = new boolean[windows];
            Arrays.fill(parts, -profile.falseNegative());
            double fpSum = 0;
            long fpRows = 0;
            for (Point p : points) {
                if (p.window == PROBATION) {
                    continue;
                }
                if (p.window >= 0) {
                    scored[p.window] = true;
                }
                if (p.score >= threshold) {
                    if (p.window == NONE) {
                        fpSum += p.weight;
                        fpRows++;
                    } else {
                        parts[p.window] = Math.max(parts[p.window], p.weight);
                    }
                }
            }
            double raw = fpSum;
            int scoredWindows = 0;
            int detected = 0;
            for (int w = 0; w < windows; w++) {
                if (scored[w]) {
                    raw += parts[w];
                    scoredWindows++;
                    if (parts[w] > -profile.falseNegative()) {
                        detected++;
                    }
                }
            }
            out.add(new FileScore(f.name(), raw, windows, scoredWindows, detected, fpRows));
        }
        return out;
    }

    /**
     * Normalises a raw score summed over files holding {@code scoredWindows} windows that reach past
     * the probation and {@code allWindows} windows in total.
     */
    public static double normalise(double raw, int scoredWindows, int allWindows, Profile profile) {
        double nullScore = -profile.falseNegative() * scoredWindows;
        double perfect = profile.truePositive() * allWindows;
        return 100.0 * (raw - nullScore) / (perfect - nullScore);
    }

    private static double normalise(double raw, Corpus c) {
        return normalise(raw, c.scoredWindows, c.windowCount, c.profile);
    }

    private static Score better(Score best, Score candidate) {
        return best == null || candidate.raw > best.raw ? candidate : best;
    }

    private static double sum(double[] parts, int[] order, int count) {
        double s = 0;
        for (int k = 0; k < count; k++) {
            s += parts[order[k]];
        }
        return s;
    }

    private record Corpus(List<Point> points, int windowCount, int scoredWindows, Profile profile) {
    }

    private static Corpus corpus(List<ScoredFile> files, Profile profile) {
        List<Point> all = new ArrayList<>();
        int base = 0;
        boolean[] scored = new boolean[files.stream().mapToInt(f -> f.windows().size()).sum()];
        for (ScoredFile f : files) {
            for (Point p : points(f, base, profile)) {
                all.add(p);
                if (p.window >= 0) {
                    scored[p.window] = true;
                }
            }
            base += f.windows().size();
        }
        int scoredWindows = 0;
        for (boolean b : scored) {
            scoredWindows += b ? 1 : 0;
        }
        return new Corpus(all, base, scoredWindows, profile);
    }

    /** The weighted rows of one file; window indices start at {@code base}. */
    private static List<Point> points(ScoredFile f, int base, Profile profile) {
        double[] scores = f.scores();
        List<Segment> windows = f.windows();
        int probation = probationLength(scores.length);
        List<Point> out = new ArrayList<>(scores.length);
        int next = 0;
        Segment current = null;
        int currentIndex = -1;
        int previousEnd = -1;
        double previousWidth = 0;
        for (int i = 0; i < scores.length; i++) {
            if (next < windows.size() && i == windows.get(next).start()) {
                current = windows.get(next);
                currentIndex = base + next;
                next++;
            }
            double weight;
            if (current != null) {
                double width = current.end() - current.start() + 1;
                weight = sigmoid(-(current.end() - i + 1) / width) * profile.truePositive() / MAX_TP;
            } else if (previousEnd < 0) {
                weight = -profile.falsePositive();
            } else {
                weight = sigmoid(Math.abs(previousEnd - i) / (previousWidth - 1)) * profile.falsePositive();
            }
            int window = i < probation ? PROBATION : (current != null ? currentIndex : NONE);
            out.add(new Point(scores[i], weight, window));
            if (current != null && i == current.end()) {
                previousEnd = i;
                previousWidth = current.end() - current.start() + 1;
                current = null;
            }
        }
        return out;
    }
}
