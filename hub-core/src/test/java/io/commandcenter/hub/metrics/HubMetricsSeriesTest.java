package io.commandcenter.hub.metrics;

import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Predictions;
import io.commandcenter.inference.ModelKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model version's prediction counter exists at 0 from its first scoring, before its first
 * prediction: PromQL's {@code increase()} sees no increase in a series born at 1 (guide section 21.1).
 */
class HubMetricsSeriesTest {

    @Test
    void aModelVersionsPredictionCounter_isAZeroFromItsFirstScoring_thenCountsItsPredictions() {
        MetricRegistry registry = new MetricRegistry();
        HubMetrics metrics = new HubMetrics(registry);
        ProjectId shop = ProjectId.of("shop");

        metrics.scored(shop, new ModelKey("service_health", "1.0.0"), 5, 1000, Duration.ZERO);
        assertThat(registry.scrape())
                .contains("cc_predictions_total{project=\"shop\",model=\"service_health\",version=\"1.0.0\","
                        + "type=\"risk\"} 0\n");

        metrics.raised(Predictions.prediction("p1", "shop", "restart", 0.9, 0.8),
                TraceContext.newRoot(new SplittableRandom(1)));
        String text = registry.scrape();
        assertThat(text).containsOnlyOnce("cc_predictions_total{");
        assertThat(text).contains("type=\"risk\"} 1\n");
    }

    /** The writer's counts are added per run of equal labels: every record still counts once, in its series. */
    @Test
    void aWrittenBatch_countsEachRecordInItsProjectKindAndOutcome() {
        MetricRegistry registry = new MetricRegistry();
        HubMetrics metrics = new HubMetrics(registry);
        ProjectId a = ProjectId.of("a");
        ProjectId b = ProjectId.of("b");
        java.time.Instant t = java.time.Instant.parse("2026-12-06T10:00:00Z");
        java.util.function.BiFunction<ProjectId, String, io.commandcenter.hub.telemetry.TelemetryStore.Scoped> sample =
                (p, id) -> new io.commandcenter.hub.telemetry.TelemetryStore.Scoped(p,
                        new io.commandcenter.hub.telemetry.HealthSampleRecord(id, "api", t, 1.0, 5.0, 0.0, 0.1, 0.1,
                                java.util.Map.of()));
        var stored = io.commandcenter.hub.telemetry.TelemetryStore.Outcome.STORED;
        var duplicate = io.commandcenter.hub.telemetry.TelemetryStore.Outcome.DUPLICATE;

        metrics.written(java.util.List.of(sample.apply(a, "1"), sample.apply(a, "2"), sample.apply(a, "3"),
                        sample.apply(b, "1"), sample.apply(a, "4"), sample.apply(a, "5")),
                java.util.List.of(stored, stored, duplicate, stored, stored, stored), 1000);

        String text = registry.scrape();
        assertThat(text).contains("cc_ingest_records_total{project=\"a\",kind=\"health_sample\",outcome=\"stored\"} 4\n")
                .contains("cc_ingest_records_total{project=\"a\",kind=\"health_sample\",outcome=\"duplicate\"} 1\n")
                .contains("cc_ingest_records_total{project=\"b\",kind=\"health_sample\",outcome=\"stored\"} 1\n");
    }
}
