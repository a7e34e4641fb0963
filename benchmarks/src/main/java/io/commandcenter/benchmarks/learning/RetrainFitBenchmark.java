package io.commandcenter.benchmarks.learning;

import io.commandcenter.models.train.bootstrap.BootstrapModelsMain;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthCorpus;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.loop.DataSnapshot;
import io.commandcenter.models.train.loop.Retrainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long one retraining's fit ({@link Retrainer#train}) takes on the corpus the hub's trainer uses: the
 * shipped corpus as {@code ShippedCorpus} replays it ({@code cc.learning.synthetic-series}, default 60, plus
 * the health streams) and a project snapshot of {@code --project-series} synthetic series (default 12). One
 * fit first (JIT warm-up, class loading), then {@code --runs} timed fits, each printed.
 *
 * <pre>java -cp "$CP" io.commandcenter.benchmarks.learning.RetrainFitBenchmark [--synthetic 60] [--project-series 12] [--runs 3]</pre>
 */
public final class RetrainFitBenchmark {
    private RetrainFitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int synthetic = 60;
        int projectSeries = 12;
        int runs = 3;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--synthetic" -> synthetic = Integer.parseInt(args[i + 1]);
                case "--project-series" -> projectSeries = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long t0 = System.nanoTime();
        List<ServiceHealthTraining.Replayed> shipped = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.build(BootstrapModelsMain.SEED, synthetic, null)) {
            shipped.add(ServiceHealthTraining.replay(e));
        }
        List<ServiceHealthTraining.Replayed> project = new ArrayList<>();
        for (CorpusEntry e : ServiceHealthCorpus.syntheticTest(BootstrapModelsMain.SEED + 1, projectSeries)) {
            project.add(ServiceHealthTraining.replay(e));
        }
        DataSnapshot snapshot = DataSnapshot.of(project, 0, "benchmark");
        long shippedRows = shipped.stream().mapToLong(r -> r.labels().length).sum();
        System.out.printf(Locale.ROOT, "corpus: %d shipped series (%d rows), %d project series (%d rows), replayed in %.1f s%n",
                shipped.size(), shippedRows, project.size(), snapshot.rows(), (System.nanoTime() - t0) / 1e9);
        Retrainer retrainer = new Retrainer();
        long w = System.nanoTime();
        retrainer.train(snapshot, shipped, "9.9.0", "9.8.0");
        System.out.printf(Locale.ROOT, "warm-up fit: %.2f s%n", (System.nanoTime() - w) / 1e9);
        for (int r = 1; r <= runs; r++) {
            long s = System.nanoTime();
            retrainer.train(snapshot, shipped, "9.9." + r, "9.8.0");
            System.out.printf(Locale.ROOT, "fit %d: %.2f s%n", r, (System.nanoTime() - s) / 1e9);
        }
    }
}
