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
}
