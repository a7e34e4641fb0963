package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.synthetic.SyntheticHealth;
import io.commandcenter.models.synthetic.SyntheticTelemetry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The service_health training corpus: seeded synthetic series and {@value #HEALTH_STREAMS} synthetic
 * health-sample streams (each 70 % train, 30 % validation) plus, when
 * the ASD directory is given, ASD servers omi-1..omi-5 (train), omi-6 (validation) and omi-7..omi-9
 * (holdout: never used for fitting, calibration or threshold — only reported).
 */
public final class ServiceHealthCorpus {

    public static final List<String> ASD_TRAIN = List.of("omi-1", "omi-2", "omi-3", "omi-4", "omi-5");
    public static final List<String> ASD_VALIDATION = List.of("omi-6");
    public static final List<String> ASD_HOLDOUT = List.of("omi-7", "omi-8", "omi-9");
    /** Synthetic health-sample streams (latency percentiles, errors, availability). */
    public static final int HEALTH_STREAMS = 40;

    private ServiceHealthCorpus() {
    }

    /**
     * An independent synthetic test set (another seed, same generator), never used for fitting,
     * calibration or threshold: group {@code test}.
     */
    public static List<CorpusEntry> syntheticTest(long seed, int series) {
        List<CorpusEntry> out = new ArrayList<>();
        SyntheticTelemetry gen = new SyntheticTelemetry(seed + 7919);
        SplittableRandom rnd = new SplittableRandom(seed + 7919);
        for (int i = 0; i < series; i++) {
            int metrics = rnd.nextInt(2) == 0 ? 1 : 2 + rnd.nextInt(rnd.nextBoolean() ? 8 : 39);
            int rows = 1500 + rnd.nextInt(3500);
            int faults = rnd.nextInt(10) < 2 ? 0 : 1 + rnd.nextInt(4);
            out.add(new CorpusEntry("test-" + i, "test", null, gen.series("test-" + i, rows, metrics, faults)));
        }
        return out;
    }

    public static List<CorpusEntry> build(long seed, int syntheticSeries, Path asdDir) throws IOException {
        List<CorpusEntry> out = new ArrayList<>();
        SyntheticTelemetry gen = new SyntheticTelemetry(seed);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < syntheticSeries; i++) {
            int metrics = rnd.nextInt(2) == 0 ? 1 : 2 + rnd.nextInt(rnd.nextBoolean() ? 8 : 39);
            int rows = 1500 + rnd.nextInt(3500);
            int faults = rnd.nextInt(10) < 2 ? 0 : 1 + rnd.nextInt(4);
            String group = i % 10 < 7 ? "train" : "validation";
            out.add(new CorpusEntry("syn-" + i, group, null, gen.series("syn-" + i, rows, metrics, faults)));
        }
        SyntheticHealth health = new SyntheticHealth(seed + 3);
        for (int i = 0; i < HEALTH_STREAMS; i++) {
            String group = i % 10 < 7 ? "train" : "validation";
            out.add(CorpusEntry.health("health-" + i, group, health.stream("health-" + i, 1500 + rnd.nextInt(2500))));
        }
        if (asdDir != null) {
            AsdCorpus asd = new AsdCorpus(asdDir);
            if (asd.available()) {
                for (String s : ASD_TRAIN) {
                    out.add(asd.server(s, "train"));
                }
                for (String s : ASD_VALIDATION) {
                    out.add(asd.server(s, "validation"));
                }
                for (String s : ASD_HOLDOUT) {
                    out.add(asd.server(s, "holdout"));
                }
            }
        }
        return out;
    }
}
