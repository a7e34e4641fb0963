package io.commandcenter.models.bootstrap;

import io.commandcenter.models.synthetic.LabelledSeries;

/**
 * One series of a training corpus: optional unlabelled history replayed first (warm-up, also used as
 * normal examples) and the labelled part that is scored.
 *
 * @param group {@code train}, {@code validation} or {@code holdout}
 */
public record CorpusEntry(String name, String group, LabelledSeries history, LabelledSeries scored) {
}
