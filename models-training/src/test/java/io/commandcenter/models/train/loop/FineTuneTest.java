package io.commandcenter.models.train.loop;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.scoring.LinearScorer;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining.Replayed;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The warm start of guide 18.12: the champion's weights read from its ONNX, moved by anchored Newton steps. */
class FineTuneTest {

    private static final FeatureSchema ONNX = new FeatureSchema(TelemetryFeatures.SCHEMA.names().stream().sorted().toList());

    @Test
    void theChampionsLogit_readFromItsOnnx_scoresLikeOnnxRuntime() throws Exception {
        ModelArtifact a = new BootstrapModels().load("service_health");
        LinearScorer champion = OnnxLogit.read(a.onnx(), a.metadata().positiveIndex());
        int f = a.metadata().features().size();
        assertThat(champion.featureCount()).isEqualTo(f);
        Random rnd = new Random(3);
        int n = 50;
        float[] rows = new float[n * f];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (rnd.nextGaussian() * 2);
        }
        double[] plain = champion.score(rows, n);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(a.onnx(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {n, f});
             OrtSession.Result res = s.run(Map.of(a.metadata().inputName(), in))) {
            float[][] out = (float[][]) res.get(a.metadata().outputName()).orElseThrow().getValue();
            for (int r = 0; r < n; r++) {
                assertThat(plain[r]).as("row %d", r).isCloseTo(out[r][a.metadata().positiveIndex()], within(1e-5));
            }
        }
    }

    @Test
    void zeroSteps_returnTheChampionsWeightsExactly() {
        LinearScorer champion = champion();
        LinearScorer tuned = FineTune.fit(champion, ONNX, List.of(project(1, 0)), List.of(),
                new FineTune.Settings(0.01, 0, 1, 7));
        assertThat(tuned.weights()).containsExactly(champion.weights());
        assertThat(tuned.bias()).isEqualTo(champion.bias());
    }

    @Test
    void aFineTuneOnRowsThatRewardAFeature_movesItsWeightTowardIt_andAStrongerAnchorMovesItLess() {
        LinearScorer champion = champion();
        int j = ONNX.indexOf("jump");
        List<Replayed> rows = List.of(project(1, 0), project(2, 0));
        double weak = FineTune.fit(champion, ONNX, rows, List.of(), new FineTune.Settings(0.001, 4, 0, 7)).weights()[j];
        double strong = FineTune.fit(champion, ONNX, rows, List.of(), new FineTune.Settings(1, 4, 0, 7)).weights()[j];
        assertThat(champion.weights()[j]).isZero();
        assertThat(weak).as("jump separates the incidents: its weight rises").isGreaterThan(0.5);
        assertThat(strong).as("the anchor pulls toward the champion's 0").isGreaterThan(0).isLessThan(weak / 2);
    }

    @Test
    void theAnchorPullsTowardTheChampionsWeights_notTowardZero() {
        LinearScorer champion = champion();
        int v = ONNX.indexOf("vol_max");
        List<Replayed> rows = List.of(project(1, 0), project(2, 0));
        double strong = FineTune.fit(champion, ONNX, rows, List.of(), new FineTune.Settings(10, 4, 0, 7)).weights()[v];
        double weak = FineTune.fit(champion, ONNX, rows, List.of(), new FineTune.Settings(0.001, 4, 0, 7)).weights()[v];
        assertThat(champion.weights()[v]).isEqualTo(1.5);
        assertThat(strong).as("vol_max tells nothing here, but the champion weighs it 1.5").isCloseTo(1.5, within(0.3));
        assertThat(Math.abs(weak - 1.5)).as("a weak anchor lets the rows move it").isGreaterThan(Math.abs(strong - 1.5));
    }

    @Test
    void theShippedRowsReplayed_pullTowardWhatTheyTeach() {
        LinearScorer champion = champion();
        int j = ONNX.indexOf("jump");
        List<Replayed> rows = List.of(project(1, 0));
        // the shipped rows' incidents are told by level_max, not jump: replaying them lowers jump's share
        List<Replayed> shipped = List.of(shipped(5, "train"), shipped(6, "validation"));
        double alone = FineTune.fit(champion, ONNX, rows, shipped, new FineTune.Settings(0.001, 4, 0, 7)).weights()[j];
        FineTune.Settings replay = new FineTune.Settings(0.001, 4, 3, 7);
        LinearScorer mixed = FineTune.fit(champion, ONNX, rows, shipped, replay);
        assertThat(mixed.weights()[ONNX.indexOf("level_max")]).isGreaterThan(0.3);
        assertThat(mixed.weights()[j]).isLessThan(alone);
        LinearScorer again = FineTune.fit(champion, ONNX, rows, shipped, replay);
        assertThat(again.weights()).as("seeded").containsExactly(mixed.weights());
        assertThat(again.bias()).isEqualTo(mixed.bias());
    }

    @Test
    void badInputs_areRefused_namingWhatIsWrong() {
        LinearScorer champion = champion();
        assertThatThrownBy(() -> new FineTune.Settings(-1, 1, 1, 7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("anchor");
        assertThatThrownBy(() -> FineTune.fit(new LinearScorer(new double[3], 0), ONNX, List.of(project(1, 0)), List.of(),
                new FineTune.Settings(1, 1, 0, 7))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 weights");
        assertThatThrownBy(() -> FineTune.fit(champion, ONNX, List.of(project(1, -1)), List.of(),
                new FineTune.Settings(1, 1, 0, 7))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("incidents");
        assertThatThrownBy(() -> OnnxLogit.read(new byte[] {1, 2, 3}, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A champion that knows nothing useful: every weight 0 but vol_max's 1.5 (noise in these rows), a low bias. */
    private static LinearScorer champion() {
        double[] w = new double[ONNX.size()];
        w[ONNX.indexOf("vol_max")] = 1.5;
        return new LinearScorer(w, -3);
    }

    /**
     * A project series of 400 rows with incidents of 10 rows every 80 (none when {@code noIncidentsFrom} is -1), whose
     * {@code jump} feature is high on incident rows; other features noise.
     */
    private static Replayed project(long seed, int noIncidentsFrom) {
        return series(seed, "train", "jump", noIncidentsFrom >= 0);
    }

    private static Replayed shipped(long seed, String group) {
        return series(seed, group, "level_max", true);
    }

    private static Replayed series(long seed, String group, String telling, boolean incidents) {
        int n = 400;
        int nf = TelemetryFeatures.SCHEMA.size();
        int t = TelemetryFeatures.SCHEMA.indexOf(telling);
        Random rnd = new Random(seed);
        float[] f = new float[n * nf];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = incidents && i % 80 >= 40 && i % 80 < 50;
            for (int k = 0; k < nf; k++) {
                f[i * nf + k] = (float) rnd.nextGaussian();
            }
            f[i * nf + t] += y[i] ? 3f : 0f;
        }
        return new Replayed(new CorpusEntry("s" + seed, group, null, null), new float[0], 0, f, y);
    }
}
