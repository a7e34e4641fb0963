package io.commandcenter.inference.onnx;

import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.backtest.BacktestResult;
import io.commandcenter.models.backtest.LabelledCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays every file of a labelled corpus through the offline backtest ({@link OfflineBacktest}: the
 * pipeline, model and calibration {@code cc backtest} and the hub use), several files at a time on one
 * ONNX Runtime backend. Each file is replayed from a cold start, alone: files do not share state.
 */
public final class OfflineEvaluation {

    /** One replayed file. */
    public record Replayed(LabelledCorpus.File file, BacktestResult result) {
    }

    private OfflineEvaluation() {
    }

    /**
     * @param names   files of {@code corpus} to replay ({@link LabelledCorpus#names})
     * @param threads files replayed at once (≥ 1)
     * @return one result per name, in the order of {@code names}
     * @throws io.commandcenter.common.error.CommandCenterException the first failure reading or replaying a file
     */
    public static List<Replayed> run(ModelArtifact artifact, LabelledCorpus corpus, List<String> names, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, names.size())), r -> {
            Thread t = new Thread(r, "cc-eval");
            t.setDaemon(true);
            return t;
        });
        try (OnnxBackend backend = new OnnxBackend()) {
            backend.load(artifact);
            List<Future<Replayed>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pool.submit(() -> {
                    LabelledCorpus.File f = corpus.read(name);
                    return new Replayed(f, OfflineBacktest.run(backend, artifact, f.series()));
                }));
            }
            List<Replayed> out = new ArrayList<>(names.size());
            for (Future<Replayed> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
