package io.commandcenter.models.features;

/**
 * Research only (models-training's {@code FeatureStudy}, guide 12.12): the pipeline's per-metric {@link TailModel}, so that a
 * candidate detector stream can be calibrated exactly as the pipeline calibrates its own before it is tried as a model
 * column. Not used by the product; lives in this package because {@code TailModel} is package-private.
 */
public final class ResearchTail {

    private final TailModel tail = new TailModel();

    /** The surprisal of {@code a ≥ 0} under the tail learnt so far, then learns from it (the pipeline's order). */
    public double surpriseThenLearn(double a) {
        double s = tail.surprisal(a);
        tail.update(a);
        return s;
    }
}
