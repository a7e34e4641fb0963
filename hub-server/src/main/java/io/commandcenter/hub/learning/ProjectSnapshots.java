package io.commandcenter.hub.learning;

import io.commandcenter.hub.feedback.Feedback;
import io.commandcenter.hub.feedback.FeedbackLabel;
import io.commandcenter.hub.feedback.FeedbackRow;
import io.commandcenter.hub.predict.EntityFeatures;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.FeatureBook;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.models.features.FeatureVector;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.TimeAxis;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import io.commandcenter.models.train.loop.DataSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code data-collector.snapshotMetrics} in the hub: a project's labelled series from its stored
 * telemetry and its feedback. Each service's health samples of the window are replayed in time order
 * through the live feature pipeline ({@link FeatureBook}: the very code that feeds the champion),
 * keeping one row per entity per {@code rowEvery}; the rows are labelled from feedback:
 * <ul>
 *   <li>a declared incident window labels its rows 1;</li>
 *   <li>a prediction confirmed (by a person, an approval or a recovery) labels its row and the
 *       {@value ServiceHealthTraining#HORIZON} rows after it 1 (the horizon the model predicts over);</li>
 *   <li>a prediction marked a false alarm (or whose remediation a person rejected) stays 0, and counts
 *       as a feedback row;</li>
 *   <li>an incident the project's memory holds as recovered (a remediation run whose action was followed
 *       by recovery, guide section 20) labels its row and the horizon after it 1, like a confirmed
 *       prediction — once, when the feedback did not already say so for the same prediction.</li>
 * </ul>
 * Everything else is a normal row. The snapshot's SHA-256 covers every feature and label.
 */
public final class ProjectSnapshots {
    private static final int MAX_ENTITIES = 100_000;
    /** Remembered incidents read per snapshot, newest first (the memory's page limit). */
    static final int MAX_REMEMBERED = 1_000;

    /** The memory's labelled incidents of a project since a time (the memory module's seam). */
    @FunctionalInterface
    public interface Remembered {
        Remembered NONE = (project, since, limit) -> List.of();

        List<io.commandcenter.memory.Memory> labelledIncidents(String project, Instant since, int limit);
    }

    private final TelemetryStore telemetry;
    private final Feedback feedback;
    private final Remembered remembered;
    private final LearningSteps steps;

    /** @param steps checked before every read: a snapshot ends between reads once the loop is stopping */
    ProjectSnapshots(TelemetryStore telemetry, Feedback feedback, Remembered remembered, LearningSteps steps) {
        this.telemetry = telemetry;
        this.feedback = feedback;
        this.remembered = remembered;
        this.steps = steps;
    }

    /** One entity's rows while they are read. */
    private static final class Rows {
        final List<Long> times = new ArrayList<>();
        final List<float[]> features = new ArrayList<>();
        long last = Long.MIN_VALUE;
    }

    /** The project's snapshot of {@code model} from {@code end - window} to {@code end}. */
    DataSnapshot take(ProjectId project, String model, Instant end, Duration window, Duration rowEvery) {
        Instant from = end.minus(window);
        FeatureBook book = new FeatureBook(MAX_ENTITIES);
        Map<String, Rows> byService = new TreeMap<>();
        SampleQuery query = new SampleQuery(null, from, end, SampleQuery.MAX_LIMIT, null, true);
        long every = rowEvery.toMillis();
        while (true) {
            steps.checkpoint("between pages of telemetry");
            List<StoredSample> page = telemetry.listHealthSamples(project, query);
            for (StoredSample stored : page) {
                Optional<EntityFeatures> entity = book.apply(project, stored.sample(), "");
                if (entity.isEmpty()) {
                    continue;
                }
                long t = stored.sample().time().toEpochMilli();
                Rows rows = byService.computeIfAbsent(stored.sample().service(), s -> new Rows());
                if (rows.last != Long.MIN_VALUE && t - rows.last < every) {
                    continue;
                }
                rows.last = t;
                rows.times.add(t);
                rows.features.add(inSchemaOrder(entity.get().vector(stored.sample().time())));
            }
            if (page.size() < query.limit()) {
                break;
            }
            StoredSample last = page.get(page.size() - 1);
            query = query.after(new SampleQuery.Position(last.sample().time(), last.sample().recordId()));
        }

        steps.checkpoint("before reading the feedback");
        List<FeedbackLabel> labels = feedback.labels(project);
        // only what was observed inside the window: a prediction confirmed before it has no row here (it would be
        // placed on the window's first rows), and the project's older history is not read at all
        List<FeedbackRow> decided = feedback.dataset(project, model, from, end).stream()
                .filter(r -> !r.predictionId().isEmpty() && !r.source().equals("declared")).toList();
        Set<String> decidedPredictions = new HashSet<>();
        decided.forEach(r -> decidedPredictions.add(r.predictionId()));
        List<io.commandcenter.memory.Memory> recovered = remembered.labelledIncidents(project.value(), from, MAX_REMEMBERED).stream()
                .filter(m -> "recovered".equals(m.outcome()) && !m.at().isAfter(end)
                        && !decidedPredictions.contains(m.metadata().getOrDefault("predictionId", "")))
                .toList();
        int nf = TelemetryFeatures.SCHEMA.size();
        List<Replayed> series = new ArrayList<>();
        long feedbackRows = 0;
        for (Map.Entry<String, Rows> e : byService.entrySet()) {
            Rows rows = e.getValue();
            int n = rows.times.size();
            if (n == 0) {
                continue;
            }
            long[] times = rows.times.stream().mapToLong(Long::longValue).toArray();
            boolean[] label = new boolean[n];
            boolean[] fromFeedback = new boolean[n];
            for (FeedbackLabel l : labels) {
                if (l.isWindow() && EntityKey.SERVICE.equals(l.targetKind()) && e.getKey().equals(l.targetId())) {
                    for (int i = 0; i < n; i++) {
                        if (times[i] >= l.start().toEpochMilli() && times[i] <= l.end().toEpochMilli()) {
                            label[i] = true;
                            fromFeedback[i] = true;
                        }
                    }
                }
            }
            for (FeedbackRow r : decided) {
                if (!EntityKey.SERVICE.equals(r.targetKind()) || !e.getKey().equals(r.targetId())) {
                    continue;
                }
                int at = Arrays.binarySearch(times, r.time().toEpochMilli());
                at = at >= 0 ? at : -at - 1;
                if (at >= n) {
                    continue;
                }
                if (r.label() == 1) {
                    for (int i = at; i < Math.min(n, at + ServiceHealthTraining.HORIZON); i++) {
                        label[i] = true;
                        fromFeedback[i] = true;
                    }
                } else {
                    fromFeedback[at] = true;
                }
            }
            String entity = EntityKey.SERVICE + "/" + e.getKey();
            for (io.commandcenter.memory.Memory m : recovered) {
                if (!entity.equals(m.entity())) {
                    continue;
                }
                int at = Arrays.binarySearch(times, m.at().toEpochMilli());
                at = at >= 0 ? at : -at - 1;
                for (int i = at; i < Math.min(n, at + ServiceHealthTraining.HORIZON); i++) {
                    label[i] = true;
                    fromFeedback[i] = true;
                }
            }
            float[] f = new float[n * nf];
            for (int i = 0; i < n; i++) {
                float[] row = rows.features.get(i);
                System.arraycopy(row, 0, f, i * nf, nf);
                feedbackRows += fromFeedback[i] ? 1 : 0;
            }
            String name = EntityKey.SERVICE + ":" + e.getKey();
            LabelledSeries shape = new LabelledSeries(name, List.of("health"), TimeAxis.EPOCH_MILLIS, times,
                    new double[n], label, List.of());
            // the stored vectors carry no raw values (the shape's are placeholders): no peak novelty to
            // compute, so none is claimed (NaN: no discount), rather than replaying the pipeline over zeros
            double[] noNovelty = new double[n];
            java.util.Arrays.fill(noNovelty, Double.NaN);
            series.add(new Replayed(new CorpusEntry(name, "project", null, shape), new float[0], 0, f, label,
                    new double[0], noNovelty));
        }
        return DataSnapshot.of(series, feedbackRows, from + " to " + end);
    }

    /** A vector in {@link TelemetryFeatures#SCHEMA}'s order, by name; a missing or non-finite value is 0. */
    private static float[] inSchemaOrder(FeatureVector v) {
        float[] out = new float[TelemetryFeatures.SCHEMA.size()];
        float[] values = v.values();
        for (int i = 0; i < values.length; i++) {
            int k = TelemetryFeatures.SCHEMA.indexOf(v.schema().name(i));
            if (k >= 0 && Float.isFinite(values[i])) {
                out[k] = values[i];
            }
        }
        return out;
    }
}
