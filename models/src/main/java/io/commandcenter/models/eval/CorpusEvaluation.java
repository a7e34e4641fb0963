package io.commandcenter.models.eval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Quality of one detector over a labelled corpus (what {@code cc eval} prints): per file, per category
 * and overall.
 *
 * <ul>
 *   <li><b>NAB score</b> ({@link NabScorer}, standard profile): the corpus threshold that maximises it
 *       (NAB's own procedure, comparable with published detectors), and the score at the model's own
 *       threshold (no sweep: what the hub would have done). Per file and per category at the corpus
 *       threshold.</li>
 *   <li>At the model's threshold ({@code risk ≥ threshold} is an alarm): point-wise precision, recall and
 *       F1 over rows inside incidents; per incident (detected when an alarm falls in
 *       {@code [start - horizon, end]}; a run of alarm rows touching no incident is one false alarm);
 *       mean lead time over detected incidents ({@code start - first alarm}, rows, and minutes for
 *       calendar times; negative = after the onset); false alarms per day.</li>
 *   <li>ROC AUC per file, and pooled over every row of a group (one ranking for all files: the measure
 *       of a risk that means the same on every series).</li>
 * </ul>
 */
public final class CorpusEvaluation {

    /**
     * One replayed file.
     *
     * @param times     row times: epoch milliseconds when {@code calendar}, else steps
     * @param risk      the risk of each row, as written out
     * @param incidents labelled incidents (row ranges, inclusive, in order)
     */
    public record Run(String name, String category, long[] times, boolean calendar, double[] risk, List<Segment> incidents) {
        public Run {
            Objects.requireNonNull(name, "name");
            category = category == null ? "" : category;
            incidents = List.copyOf(incidents);
            if (times.length != risk.length) {
                throw new IllegalArgumentException(name + ": times and risks differ in length");
            }
        }

        public boolean[] labels() {
            boolean[] l = new boolean[risk.length];
            for (Segment s : incidents) {
                for (int i = s.start(); i <= s.end(); i++) {
                    l[i] = true;
                }
            }
            return l;
        }

        NabScorer.ScoredFile scored() {
            return new NabScorer.ScoredFile(name, risk, incidents);
        }
    }

    /** Measures of a set of rows (one file, a category, the corpus) at the model's threshold. */
    public record Measures(String name, int files, long rows, int incidents, BinaryMetrics point, BinaryMetrics incident,
                           double meanLeadRows, double meanLeadMinutes, double rocAuc, double meanFileAuc, double days,
                           double nabRaw, double nabScore, int nabWindowsDetected, long nabFalsePositiveRows) {

        /** False alarms (alarm runs touching no incident) per day of data; NaN when the span is unknown. */
        public double falseAlarmsPerDay() {
            return days > 0 ? incident.falsePositives() / days : Double.NaN;
        }
    }

    /** The whole evaluation. */
    public record Report(double threshold, int horizon, NabScorer.Score nab, NabScorer.Score nabAtThreshold,
                         Map<String, NabScorer.Score> nabProfiles, List<Measures> files, List<Measures> categories, Measures overall) {
        public Report {
            nabProfiles = Map.copyOf(nabProfiles);
            files = List.copyOf(files);
            categories = List.copyOf(categories);
        }
    }

    private CorpusEvaluation() {
    }

    /**
     * @param threshold the model's decision threshold
     * @param horizon   rows before an incident in which an alarm counts as a detection (early warning)
     * @param step      duration of one step for step-indexed files ({@code null}: false alarms per day unknown)
     */
    public static Report evaluate(List<Run> runs, double threshold, int horizon, Duration step) {
        List<NabScorer.ScoredFile> scored = runs.stream().map(Run::scored).toList();
        NabScorer.Score best = NabScorer.sweep(scored, NabScorer.Profile.STANDARD);
        NabScorer.Score atThreshold = NabScorer.scoreAt(scored, NabScorer.Profile.STANDARD, threshold);
        Map<String, NabScorer.Score> profiles = new LinkedHashMap<>();
        for (NabScorer.Profile p : NabScorer.Profile.all()) {
            profiles.put(p.name(), NabScorer.sweep(scored, p));
        }
        List<NabScorer.FileScore> nabFiles = NabScorer.perFile(scored, NabScorer.Profile.STANDARD, best.threshold());
        List<Measures> files = new ArrayList<>();
        Map<String, List<Integer>> byCategory = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            files.add(measure(runs.get(i).name(), List.of(runs.get(i)), List.of(nabFiles.get(i)), threshold, horizon, step));
            byCategory.computeIfAbsent(runs.get(i).category(), c -> new ArrayList<>()).add(i);
        }
        List<Measures> categories = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byCategory.entrySet()) {
            categories.add(measure(e.getKey().isEmpty() ? "." : e.getKey(), e.getValue().stream().map(runs::get).toList(),
                    e.getValue().stream().map(nabFiles::get).toList(), threshold, horizon, step));
        }
        Measures overall = measure("all", runs, nabFiles, threshold, horizon, step);
        return new Report(threshold, horizon, best, atThreshold, profiles, files, categories, overall);
    }

    private static Measures measure(String name, List<Run> runs, List<NabScorer.FileScore> nab, double threshold, int horizon,
                                    Duration step) {
        BinaryMetrics point = new BinaryMetrics(0, 0, 0, 0);
        BinaryMetrics incident = new BinaryMetrics(0, 0, 0, 0);
        double leadRows = 0;
        double leadMillis = 0;
        int detected = 0;
        int detectedCalendar = 0;
        double days = 0;
        boolean daysKnown = true;
        double aucSum = 0;
        int aucCount = 0;
        long rows = 0;
        int incidents = 0;
        for (Run r : runs) {
            boolean[] labels = r.labels();
            boolean[] alarms = Evaluation.alarms(r.risk(), threshold);
            point = point.plus(Evaluation.pointwise(alarms, labels));
            incident = incident.plus(Evaluation.perIncident(alarms, r.incidents(), horizon));
            for (double lead : Evaluation.leadTimes(alarms, r.incidents(), horizon)) {
                leadRows += lead;
                detected++;
            }
            if (r.calendar()) {
                for (double lead : Evaluation.leadTimes(alarms, r.incidents(), horizon, r.times())) {
                    leadMillis += lead;
                    detectedCalendar++;
                }
            }
            double span = span(r, step);
            if (Double.isNaN(span)) {
                daysKnown = false;
            } else {
                days += span;
            }
            double auc = Evaluation.rocAuc(r.risk(), labels);
            if (!Double.isNaN(auc)) {
                aucSum += auc;
                aucCount++;
            }
            rows += r.risk().length;
            incidents += r.incidents().size();
        }
        double pooledAuc = pooledAuc(runs);
        double nabRaw = 0;
        int scoredWindows = 0;
        int windows = 0;
        int windowsDetected = 0;
        long fpRows = 0;
        for (NabScorer.FileScore f : nab) {
            nabRaw += f.raw();
            scoredWindows += f.scoredWindows();
            windows += f.windows();
            windowsDetected += f.detectedWindows();
            fpRows += f.falsePositiveRows();
        }
        double nabScore = windows == 0 ? Double.NaN : NabScorer.normalise(nabRaw, scoredWindows, windows, NabScorer.Profile.STANDARD);
        return new Measures(name, runs.size(), rows, incidents, point, incident,
                detected == 0 ? Double.NaN : leadRows / detected,
                detectedCalendar == 0 || detectedCalendar != detected ? Double.NaN : leadMillis / detectedCalendar / 60_000.0,
                pooledAuc, aucCount == 0 ? Double.NaN : aucSum / aucCount, daysKnown ? days : Double.NaN,
                nabRaw, nabScore, windowsDetected, fpRows);
    }

    /** Days covered by a file: its time span plus one sampling interval. */
    static double span(Run r, Duration step) {
        long[] t = r.times();
        if (t.length == 0) {
            return 0;
        }
        if (r.calendar()) {
            long interval = t.length > 1 ? (t[t.length - 1] - t[0]) / (t.length - 1) : 0;
            return (t[t.length - 1] - t[0] + interval) / 86_400_000.0;
        }
        if (step == null) {
            return Double.NaN;
        }
        return (double) t.length * step.toMillis() / 86_400_000.0;
    }

    private static double pooledAuc(List<Run> runs) {
        int n = runs.stream().mapToInt(r -> r.risk().length).sum();
        double[] scores = new double[n];
        boolean[] labels = new boolean[n];
        int k = 0;
        for (Run r : runs) {
            System.arraycopy(r.risk(), 0, scores, k, r.risk().length);
            System.arraycopy(r.labels(), 0, labels, k, r.risk().length);
            k += r.risk().length;
        }
        return Evaluation.rocAuc(scores, labels);
    }
}
