package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.synthetic.LabelledSeries;

/**
 * One series of a training corpus: optional unlabelled history replayed first (warm-up, also used as
 * normal examples) and the labelled part that is scored.
 *
 * @param group  {@code train}, {@code validation}, {@code holdout} or {@code test}
 * @param health when not null, the scored rows are these health samples ({@code scored} only gives shape and labels)
 */
public record CorpusEntry(String name, String group, LabelledSeries history, LabelledSeries scored,
                          io.commandcenter.models.synthetic.SyntheticHealth.Stream health) {

    public CorpusEntry(String name, String group, LabelledSeries history, LabelledSeries scored) {
        this(name, group, history, scored, null);
    }

    /** An entry of health samples (scored through {@code TelemetryFeatureExtractor.update(HealthSample)}). */
    public static CorpusEntry health(String name, String group, io.commandcenter.models.synthetic.SyntheticHealth.Stream stream) {
        int n = stream.labels().length;
        long[] times = stream.samples().stream().mapToLong(io.commandcenter.models.features.HealthSample::timeMillis).toArray();
        LabelledSeries shape = new LabelledSeries(name, java.util.List.of("health"), io.commandcenter.models.features.TimeAxis.EPOCH_MILLIS,
                times, new double[n], stream.labels(), java.util.List.of("health"));
        return new CorpusEntry(name, group, null, shape, stream);
    }
}
