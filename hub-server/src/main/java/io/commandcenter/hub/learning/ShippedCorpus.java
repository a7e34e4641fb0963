package io.commandcenter.hub.learning;

import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthCorpus;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped corpus a challenger is trained beside (the bootstrap model's synthetic series and health
 * streams) and the shipped validation series it must not be worse on, replayed through the feature
 * pipeline once — by the first retraining, never at the hub's start — and kept. Thread-safe.
 */
final class ShippedCorpus {
    private static final System.Logger LOG = System.getLogger(ShippedCorpus.class.getName());

    /** The replayed series. */
    record Replayed(List<ServiceHealthTraining.Replayed> training, List<ServiceHealthTraining.Replayed> validation) {
    }

    private final int syntheticSeries;
    private final int validationSeries;
    private final LearningSteps steps;
    private volatile Replayed replayed;

    /** @param steps checked between series: a replay stopped for the hub's close is made again by the next retraining */
    ShippedCorpus(int syntheticSeries, int validationSeries, LearningSteps steps) {
        this.syntheticSeries = syntheticSeries;
        this.validationSeries = validationSeries;
        this.steps = steps;
    }

    /** The corpus, replayed on the first call. */
    Replayed get() {
        Replayed c = replayed;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (replayed == null) {
                long started = System.nanoTime();
                List<ServiceHealthTraining.Replayed> training = new ArrayList<>();
                try {
                    for (CorpusEntry e : ServiceHealthCorpus.build(BootstrapModelsMain.SEED, syntheticSeries, null)) {
                        steps.checkpoint("while replaying the shipped corpus");
                        training.add(ServiceHealthTraining.replay(e));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                List<ServiceHealthTraining.Replayed> validation = new ArrayList<>();
                for (CorpusEntry e : ServiceHealthCorpus.syntheticTest(BootstrapModelsMain.SEED, validationSeries)) {
                    steps.checkpoint("while replaying the shipped corpus");
                    validation.add(ServiceHealthTraining.replay(e));
                }
                replayed = new Replayed(List.copyOf(training), List.copyOf(validation));
                LOG.log(Level.INFO, "shipped corpus replayed for retraining: {0} training and {1} validation series"
                        + " in {2} ms", training.size(), validation.size(), (System.nanoTime() - started) / 1_000_000);
            }
            return replayed;
        }
    }
}
