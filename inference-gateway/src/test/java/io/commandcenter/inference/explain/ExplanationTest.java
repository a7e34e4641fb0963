package io.commandcenter.inference.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.inference.ChampionRouter;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.inference.TestModels;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.models.explain.Explanation;
import io.commandcenter.models.features.FeatureVector;
import io.commandcenter.models.train.PlattScaling;
import io.commandcenter.models.train.TrainedLogistic;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    @Test
    void theFeatureThatDrivesTheRisk_ranksFirst_throughTheBackend() {
        TrainedLogistic m = TestModels.train(1, 0);
        try (OnnxBackend b = new OnnxBackend()) {
            ModelArtifact a = TestModels.artifact(m, "risk", "1");
            b.load(a);
            // model order: cpu, disk, queue; cpu is far above its reference
            List<Explanation> e = new Explainer(b).explain(ModelKey.of(a.metadata()), new float[] {3f, 0.5f, 2f}, 1,
                    new String[][] {{"node-7/cpu", "node-7/disk", "node-7/queue"}}, 3);
            assertThat(e.get(0).top().feature()).isEqualTo("cpu");
            assertThat(e.get(0).top().metric()).isEqualTo("node-7/cpu");
            assertThat(e.get(0).top().contribution()).isGreaterThan(5);
            assertThat(e.get(0).factors().get(1).feature()).isEqualTo("disk");
            double w = m.scorer().weights()[0];
            assertThat(e.get(0).top().contribution()).isCloseTo(3 * w, within(1e-3));
        }
    }

    @Test
    void riskPredictor_mapsPipelineVectorsByName_andCarriesConfidenceAndFactors() {
        TrainedLogistic m = TestModels.train(2, 0);
        try (OnnxBackend b = new OnnxBackend()) {
            ModelArtifact a = TestModels.artifact(m, "risk", "1");
            b.load(a);
            ChampionRouter router = new ChampionRouter(b);
            router.promote(ModelKey.of(a.metadata()));
            RiskPredictor p = new RiskPredictor(router, b, new ConfidenceCalculator(), 2);
            // pipeline order queue, cpu, disk
            FeatureVector v = new FeatureVector(TestModels.SCHEMA, new float[] {0f, 4f, 0f}, List.of("q", "cpu0", "sda"));
            RiskPrediction r = p.predict("risk", v, 500, Duration.ZERO, null);
            assertThat(r.risk()).isCloseTo(m.predict(new float[] {0f, 4f, 0f}), within(1e-5));
            assertThat(r.alarm()).isTrue();
            assertThat(r.factors()).hasSize(2);
            assertThat(r.factors().get(0).label()).isEqualTo("cpu[cpu0]");
            assertThat(r.confidence().value()).isBetween(0.0, 1.0);
            assertThat(r.model()).isEqualTo(new ModelKey("risk", "1"));
            assertThat(r.recommendedAction()).isEqualTo("notify");
        }
    }

    @Test
    void validator_acceptsAnExplainableModel_andKeepsItLoaded() {
        try (OnnxBackend b = new OnnxBackend()) {
            ModelArtifact a = TestModels.artifact(TestModels.train(3, 0), "risk", "1");
            ExplainabilityValidator.Report r = new ExplainabilityValidator(b).validate(a);
            assertThat(r.explainable()).isTrue();
            assertThat(r.problems()).isEmpty();
            assertThat(b.isLoaded(r.key())).isTrue();
        }
    }

    @Test
    void validator_refusesAConstantModel_thatNoFeatureMoves() {
        TrainedLogistic m = TestModels.train(4, 0);
        m.applyPlatt(new PlattScaling(0.0, 0.3));
        try (OnnxBackend b = new OnnxBackend()) {
            ModelArtifact a = TestModels.artifact(m, "flat", "1");
            ExplainabilityValidator v = new ExplainabilityValidator(b);
            ExplainabilityValidator.Report r = v.validate(a);
            assertThat(r.explainable()).isFalse();
            assertThat(r.problems()).anyMatch(s -> s.startsWith("NO_ATTRIBUTION"));
            assertThat(b.isLoaded(r.key())).isFalse();
            assertThatThrownBy(() -> v.requireExplainable(a))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("MODEL_NOT_EXPLAINABLE"));
        }
    }

    @Test
    void validator_refusesFeaturesThatDoNotMatchTheOnnxInput_andAMissingReference() {
        TrainedLogistic m = TestModels.train(5, 0);
        try (OnnxBackend b = new OnnxBackend()) {
            ExplainabilityValidator v = new ExplainabilityValidator(b);
            ExplainabilityValidator.Report wrong = v.validate(TestModels.artifact(m, "risk", "1", List.of("cpu", "disk", "queue", "extra"), new float[4]));
            assertThat(wrong.explainable()).isFalse();
            assertThat(wrong.problems()).anyMatch(s -> s.startsWith("MODEL_INPUT_MISMATCH"));

            ModelMetadata md = TestModels.artifact(m, "risk", "2").metadata();
            ModelMetadata noRef = new ModelMetadata(md.name(), md.version(), md.type(), md.features(), md.inputName(), md.outputName(),
                    md.positiveIndex(), md.pipeline(), md.threshold(), List.of(), md.calibration(), md.trainingWindow(), md.dataHash(),
                    md.metrics(), md.codeVersion(), md.seed(), md.createdAt(), md.provenance());
            ExplainabilityValidator.Report r = v.validate(new ModelArtifact(noRef, TestModels.artifact(m, "risk", "2").onnx()));
            assertThat(r.problems()).anyMatch(s -> s.startsWith("NO_REFERENCE"));
        }
    }

    @Test
    void theShippedLogisticModel_isVerifiedAffineAtLoad_andExplainedInOneCallPerRow_asOcclusionWould() {
        ModelArtifact sh = new io.commandcenter.models.bootstrap.BootstrapModels().load("service_health");
        try (OnnxBackend b = new OnnxBackend()) {
            b.load(sh);
            ModelKey key = ModelKey.of(sh.metadata());
            assertThat(b.affineLogOdds(key)).isPresent();
            int f = sh.metadata().features().size();
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
            int n = 400;
            float[] rows = new float[n * f];
            float[] ref = sh.metadata().referenceVector();
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < f; j++) {
                    rows[r * f + j] = (float) Math.max(0, ref[j] + rnd.nextDouble(-0.5, 1.5));
                }
            }
            io.commandcenter.models.features.FeatureSchema schema = new io.commandcenter.models.features.FeatureSchema(sh.metadata().features());
            io.commandcenter.inference.BackendScorer scorer = new io.commandcenter.inference.BackendScorer(b, key);
            // the same backend, its form hidden: the explainer falls back to F + 1 variants per row
            io.commandcenter.models.scoring.BatchScorer hidden = new io.commandcenter.models.scoring.BatchScorer() {
                @Override
                public int featureCount() {
                    return f;
                }

                @Override
                public double[] score(float[] x, int rowCount) {
                    return scorer.score(x, rowCount);
                }
            };
            var closed = new io.commandcenter.models.explain.OcclusionExplainer(scorer, schema, ref).attribute(rows, n);
            var variants = new io.commandcenter.models.explain.OcclusionExplainer(hidden, schema, ref).attribute(rows, n);
            int compared = 0;
            for (int r = 0; r < n; r++) {
                assertThat(closed.risk()[r]).isEqualTo(variants.risk()[r]);
                if (variants.risk()[r] > 1e-4 && variants.risk()[r] < 0.99) {
                    for (int j = 0; j < f; j++) {
                        assertThat(closed.contribution(r, j)).as("row %d feature %d", r, j).isCloseTo(variants.contribution(r, j), within(2e-3));
                    }
                    compared++;
                }
            }
            assertThat(compared).isGreaterThan(n / 4);
        }
    }
}
