package io.commandcenter.benchmarks.predict;

import io.commandcenter.hub.demo.DemoFleet;
import io.commandcenter.hub.demo.SimulatedService;
import io.commandcenter.hub.predict.EntityFeatures;
import io.commandcenter.hub.predict.FeatureBook;
import io.commandcenter.hub.predict.IncidentTracker;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.RiskPrediction;
import io.commandcenter.inference.RiskPredictor;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.artifact.SidecarJson;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.confidence.ConfidenceCalculator;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The demo fleet through the live engine's path for each record — {@link FeatureBook} (one pipeline per
 * service), the model on ONNX Runtime, the entity's onset calibration, the {@link IncidentTracker} with the
 * engine's settings (10-minute cool-down, closes after 3 scores below 0.7 × threshold) — on simulated
 * time, so an hour takes seconds:
 * <ul>
 *   <li><b>calm fleet</b>: the demo's five services with no fault, for {@code --minutes} of simulated time
 *       per seed: predictions raised (each one a false alarm) and rows at or above the threshold;</li>
 *   <li><b>each fault</b> of the demo after a calm warm-up: ticks to the prediction, its risk, confidence and
 *       recommended action (what the demo's workflows decide on), and the probability the outcome watcher
 *       would read 32 and 120 ticks after a restart (below the threshold = recovered).</li>
 * </ul>
 * {@code --model-file M.onnx} (sidecar beside it, repeatable) compares other versions in the same run.
 * <pre>./mvnw -q -B -o -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.predict.DemoFleetAlarms \
 *     -Dexec.args="--minutes 60 --seeds 10 --tick PT1S"</pre>
 */
public final class DemoFleetAlarms {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final ProjectId PROJECT = ProjectId.of("demo");

    private DemoFleetAlarms() {
    }

    public static void main(String[] args) throws IOException {
        int minutes = 60;
        int seeds = 10;
        Duration tick = Duration.ofSeconds(1);
        List<ModelArtifact> models = new ArrayList<>();
        models.add(new BootstrapModels().load("service_health"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--tick" -> tick = Duration.parse(args[++i]);
                case "--model-file" -> models.add(load(Path.of(args[++i])));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long ticks = Duration.ofMinutes(minutes).toMillis() / tick.toMillis();
        System.out.printf(Locale.ROOT, "demo fleet (5 services, a sample every %s), %d simulated minutes x %d seeds%n",
                tick, minutes, seeds);
        try (OnnxBackend backend = new OnnxBackend()) {
            for (ModelArtifact model : models) {
                backend.load(model);
                Scorer scorer = new Scorer(backend, model.metadata());
                long raised = 0;
                long alarmRows = 0;
                long rows = 0;
                for (int seed = 0; seed < seeds; seed++) {
                    DemoFleet fleet = new DemoFleet(new SplittableRandom(seed), Integer.MAX_VALUE, Integer.MAX_VALUE);
                    Run run = new Run(scorer);
                    Instant t = T0;
                    for (long k = 0; k < ticks; k++, t = t.plus(tick)) {
                        for (HealthSampleRecord sample : fleet.tick(t)) {
                            run.observe(sample);
                        }
                    }
                    raised += run.raised;
                    alarmRows += run.alarmRows;
                    rows += run.rows;
                }
                ModelMetadata m = model.metadata();
                System.out.printf(Locale.ROOT, "%n%s (threshold %.2f)%n", m.fileStem(), m.threshold());
                System.out.printf(Locale.ROOT, "  calm fleet: %d predictions in %d fleet-hours = %.2f false alarms per fleet-hour"
                                + " (%.3f per service-hour); %d of %,d rows at or above the threshold%n",
                        raised, seeds * minutes / 60, raised * 60.0 / (seeds * minutes), raised * 60.0 / (seeds * minutes * 5.0),
                        alarmRows, rows);
                for (SimulatedService.Fault fault : List.of(SimulatedService.Fault.ERROR_BURST, SimulatedService.Fault.LATENCY_CREEP,
                        SimulatedService.Fault.MEMORY_LEAK)) {
                    fault(scorer, fault, tick);
                }
                backend.unload(ModelKey.of(m));
            }
        }
    }

    /** One service's fault after 10 calm minutes: when it is predicted, how, and whether a restart heals it. */
    private static void fault(Scorer scorer, SimulatedService.Fault fault, Duration tick) {
        SimulatedService service = new SimulatedService("svc", 120, new SplittableRandom(7));
        Run run = new Run(scorer);
        Instant t = T0;
        long warm = Duration.ofMinutes(10).toMillis() / tick.toMillis();
        for (long k = 0; k < warm; k++, t = t.plus(tick)) {
            run.observe(service.tick(t));
        }
        long raisedBefore = run.raised;
        service.startFault(fault);
        int at = -1;
        RiskPrediction prediction = null;
        for (int k = 0; k < 300 && at < 0; k++, t = t.plus(tick)) {
            HealthSampleRecord sample = service.tick(t);
            run.observe(sample);
            if (run.raised > raisedBefore) {
                at = k;
                prediction = run.last;
            }
        }
        if (prediction == null) {
            System.out.printf(Locale.ROOT, "  %-13s not predicted within 300 ticks%n", fault);
            return;
        }
        service.restart();
        // the outcome watcher reads the entity's probability (stateless) a window after the run:
        // 8 s in the integration tests' sped-up demo (32 ticks of 0.25 s), 2 minutes by default
        double at32 = 0;
        double at120 = 0;
        for (int k = 1; k <= 120; k++, t = t.plus(tick)) {
            run.observe(service.tick(t));
            if (k == 32) {
                at32 = run.probability;
            }
            at120 = run.probability;
        }
        var c = prediction.confidence();
        System.out.printf(Locale.ROOT, "  %-13s predicted %3d ticks after it began: risk %.2f, confidence %.2f (calibration %.2f,"
                        + " amount %.2f, freshness %.2f, agreement %.2f), action %-7s; after a restart the probability is %.2f"
                        + " at 32 ticks, %.2f at 120%n",
                fault, at, prediction.risk(), c.value(), c.calibration(), c.amount(), c.freshness(), c.agreement(),
                prediction.recommendedAction(), at32, at120);
    }

    /** The model, its schema and a predictor for explanations and confidence. */
    private record Scorer(OnnxBackend backend, ModelMetadata metadata, ModelKey key, FeatureSchema schema, RiskPredictor predictor) {
        Scorer(OnnxBackend backend, ModelMetadata metadata) {
            this(backend, metadata, ModelKey.of(metadata), new FeatureSchema(metadata.features()),
                    new RiskPredictor(backend, new ConfidenceCalculator(), 3));
        }
    }

    /** The engine's per-record path for one fleet. */
    private static final class Run {
        private final Scorer scorer;
        private final FeatureBook book = new FeatureBook(100);
        private final IncidentTracker incidents = new IncidentTracker(Duration.ofMinutes(10), 0.7, 3);
        long raised;
        long alarmRows;
        long rows;
        RiskPrediction last;
        double probability;

        Run(Scorer scorer) {
            this.scorer = scorer;
        }

        /** Feeds one sample; returns its risk. */
        double observe(HealthSampleRecord sample) {
            EntityFeatures entity = book.apply(PROJECT, sample, "").orElseThrow();
            FeatureVector v = entity.vector(sample.time());
            int[] p = v.schema().projectionTo(scorer.schema());
            float[] row = new float[p.length];
            for (int j = 0; j < p.length; j++) {
                row[j] = v.values()[p[j]];
            }
            probability = scorer.backend().score(scorer.key(), row, 1)[0];
            double risk = entity.onset(scorer.key(), scorer.metadata()).next(probability);
            rows++;
            if (risk >= scorer.metadata().threshold()) {
                alarmRows++;
            }
            if (incidents.observe(entity.key(), scorer.metadata().name(), risk, scorer.metadata().threshold(), sample.time())
                    == IncidentTracker.Decision.RAISE) {
                raised++;
                last = scorer.predictor().predict(scorer.key(), v, entity.observations(), Duration.ZERO, entity.interval(), x -> risk);
            }
            return risk;
        }
    }

    private static ModelArtifact load(Path onnx) throws IOException {
        Path sidecar = onnx.resolveSibling(onnx.getFileName().toString().replaceFirst("\\.onnx$", "") + ".json");
        return new ModelArtifact(new SidecarJson().read(Files.readAllBytes(sidecar)), Files.readAllBytes(onnx));
    }
}
