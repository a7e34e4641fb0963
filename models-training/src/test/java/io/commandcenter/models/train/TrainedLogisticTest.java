package io.commandcenter.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.scoring.LinearScorer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainedLogisticTest {

    // names deliberately not in alphabetical order: Tribuo's ONNX sorts them
    static final FeatureSchema SCHEMA = FeatureSchema.of("zeta", "alpha", "mid");

    static TrainingData separable(long seed, int rows) {
        Random rnd = new Random(seed);
        float[] x = new float[rows * 3];
        boolean[] y = new boolean[rows];
        float[] w = new float[rows];
        for (int r = 0; r < rows; r++) {
            float zeta = (float) rnd.nextGaussian();
            float alpha = (float) rnd.nextGaussian();
            float mid = rnd.nextInt(3) == 0 ? 0f : (float) rnd.nextGaussian();
            x[r * 3] = zeta;
            x[r * 3 + 1] = alpha;
            x[r * 3 + 2] = mid;
            double logit = 2.0 * zeta - 1.0 * alpha + 0.2;
            y[r] = rnd.nextDouble() < 1 / (1 + Math.exp(-logit));
            w[r] = 1f;
        }
        return new TrainingData(SCHEMA, x, y, w);
    }

    @Test
    void training_isReproducible_forTheSameSeed() {
        TrainingData d = separable(1, 500);
        LinearScorer a = new LogisticTrainer(5, 0.1, 42).train(d).scorer();
        LinearScorer b = new LogisticTrainer(5, 0.1, 42).train(d).scorer();
        assertThat(a.weights()).containsExactly(b.weights());
        assertThat(a.bias()).isEqualTo(b.bias());
    }

    @Test
    void onnxFeatureOrder_isSortedByName_andWeightsRecoverTheGeneratingModel() {
        TrainedLogistic m = new LogisticTrainer(10, 0.1, 7).train(separable(2, 4000));
        assertThat(m.onnxSchema().names()).containsExactly("alpha", "mid", "zeta");
        double[] w = m.scorer().weights();
        assertThat(w[2]).isCloseTo(2.0, within(0.4));
        assertThat(w[0]).isCloseTo(-1.0, within(0.3));
        assertThat(w[1]).isCloseTo(0.0, within(0.3));
    }

    @Test
    void javaScorer_equalsTribuoPrediction_beforeAndAfterPlattFolding() {
        TrainedLogistic m = new LogisticTrainer(3, 0.1, 7).train(separable(3, 300));
        float[] training = {0.5f, -1.2f, 0.3f};
        float[] onnxOrder = {-1.2f, 0.3f, 0.5f};
        assertThat(m.scorer().score(onnxOrder, 1)[0]).isCloseTo(m.predict(training), within(1e-9));

        double before = m.scorer().logit(onnxOrder, 0);
        m.applyPlatt(new PlattScaling(0.5, -1.0));
        assertThat(m.scorer().logit(onnxOrder, 0)).isCloseTo(0.5 * before - 1.0, within(1e-9));
        assertThat(m.scorer().score(onnxOrder, 1)[0]).isCloseTo(m.predict(training), within(1e-9));
    }

    @Test
    void exportedOnnx_scoresLikeTribuo_inOnnxRuntime_andCarriesTheGivenMetadata() throws Exception {
        TrainedLogistic m = new LogisticTrainer(3, 0.1, 7).train(separable(4, 300));
        m.applyPlatt(new PlattScaling(1.3, 0.4));
        byte[] onnx = m.exportOnnx("io.commandcenter.test", 1, Map.of("features", "alpha,mid,zeta"));
        float[][] rows = {{0.5f, -1.2f, 0.3f}, {0f, 0f, 0f}, {-2f, 3f, 1f}};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions())) {
            assertThat(s.getMetadata().getCustomMetadata()).containsExactly(Map.entry("features", "alpha,mid,zeta"));
            float[] flat = new float[rows.length * 3];
            for (int r = 0; r < rows.length; r++) {
                // training order zeta, alpha, mid → onnx order alpha, mid, zeta
                flat[r * 3] = rows[r][1];
                flat[r * 3 + 1] = rows[r][2];
                flat[r * 3 + 2] = rows[r][0];
            }
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {rows.length, 3});
                 OrtSession.Result res = s.run(Map.of("input", in))) {
                float[][] out = (float[][]) res.get("output").orElseThrow().getValue();
                for (int r = 0; r < rows.length; r++) {
                    assertThat((double) out[r][m.positiveIndex()]).isCloseTo(m.predict(rows[r]), within(1e-5));
                }
            }
        }
    }

    @Test
    void export_isByteIdentical_acrossTrainingRuns() {
        TrainingData d = separable(5, 200);
        byte[] a = new LogisticTrainer(2, 0.1, 9).train(d).exportOnnx("d", 1, Map.of("k", "v"));
        byte[] b = new LogisticTrainer(2, 0.1, 9).train(d).exportOnnx("d", 1, Map.of("k", "v"));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void exampleWeights_shiftTheBias_likeDuplicatedRowsWould() {
        Random rnd = new Random(1);
        int n = 5000;
        float[] x = new float[n];
        boolean[] y = new boolean[n];
        float[] plain = new float[n];
        float[] heavyNegatives = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
            y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-2 * x[i]));
            plain[i] = 1f;
            heavyNegatives[i] = y[i] ? 1f : 10f;
        }
        FeatureSchema s = FeatureSchema.of("x");
        double b1 = new LogisticTrainer(5, 0.05, 1).train(new TrainingData(s, x, y, plain)).scorer().bias();
        double b10 = new LogisticTrainer(5, 0.05, 1).train(new TrainingData(s, x, y, heavyNegatives)).scorer().bias();
        assertThat(b10 - b1).isCloseTo(-Math.log(10), within(0.3));
    }

    @Test
    void plattFit_recoversAKnownScaling() {
        Random rnd = new Random(11);
        int n = 20000;
        double[] z = new double[n];
        boolean[] y = new boolean[n];
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = rnd.nextGaussian() * 3;
            y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-(0.5 * z[i] - 2)));
            w[i] = 1f;
        }
        PlattScaling p = PlattScaling.fit(z, y, w);
        assertThat(p.a()).isCloseTo(0.5, within(0.05));
        assertThat(p.b()).isCloseTo(-2.0, within(0.1));
    }
}
