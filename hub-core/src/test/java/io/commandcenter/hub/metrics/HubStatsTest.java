package io.commandcenter.hub.metrics;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.feedback.FeedbackLabel;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.Predictions;
import io.commandcenter.inference.ModelKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cc stats}' figures: totals since start, a window's share from the minute snapshots, ratios. */
class HubStatsTest {
    static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");
    final ManualClock clock = new ManualClock(T0);
    final HubMetrics metrics = new HubMetrics(new MetricRegistry());
    final HubStats stats = new HubStats(metrics, clock);
    final ProjectId shop = ProjectId.of("shop");

    void raise(String id, double confidence) {
        var p = Predictions.prediction(id, "shop", "restart", 0.9, confidence);
        metrics.scored(shop, new ModelKey("service_health", "1.0.0"), 1, 1000, Duration.ZERO);
        metrics.raised(p, TraceContext.newRoot(new SplittableRandom(1)));
    }

    void label(String id, FeedbackLabel.Label label) {
        var p = Predictions.prediction(id, "shop", "restart", 0.9, 0.5);
        metrics.labelled(new FeedbackLabel("fl-" + id, shop, id, "service", "checkout", label, T0, T0, "", "ana",
                clock.instant()), p);
    }

    @Test
    void aWindowCountsOnlyWhatHappenedSinceTheSnapshotAtItsStart() {
        raise("p1", 0.4);
        label("p1", FeedbackLabel.Label.FALSE_ALARM);
        clock.advance(Duration.ofMinutes(1));
        stats.snapshot();
        clock.advance(Duration.ofMinutes(1));
        raise("p2", 0.8);
        raise("p3", 1.0);
        label("p2", FeedbackLabel.Label.INCIDENT);
        label("p3", FeedbackLabel.Label.INCIDENT);

        HubStats.Figures all = stats.figures(shop, null);
        assertThat(all.since()).isEqualTo(T0);
        assertThat(all.counts().predictions()).isEqualTo(3);
        assertThat(all.averageConfidence()).hasValueCloseTo(2.2 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(all.precision()).hasValueCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(all.falsePositiveRate()).hasValueCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(all.recall()).hasValue(1.0);

        // a window starts at the last snapshot at or before its start: it covers at least what was asked
        assertThat(stats.figures(shop, Duration.ofSeconds(70)).since()).isEqualTo(T0);
        HubStats.Figures lastMinute = stats.figures(shop, Duration.ofSeconds(60));
        assertThat(lastMinute.since()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        assertThat(lastMinute.counts().predictions()).isEqualTo(2);
        assertThat(lastMinute.precision()).hasValue(1.0);
        assertThat(lastMinute.falsePositiveRate()).hasValue(0.0);
        assertThat(lastMinute.averageConfidence()).hasValueCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
        // a window reaching before the first snapshot starts at the hub's start
        assertThat(stats.figures(shop, Duration.ofHours(3)).counts().predictions()).isEqualTo(3);
        // nothing judged: no ratio, rather than a made-up zero
        HubStats.Figures none = stats.figures(ProjectId.of("other"), null);
        assertThat(none.precision()).isEmpty();
        assertThat(none.successRatio()).isEmpty();
        assertThat(none.f1()).isEmpty();
    }

    @Test
    void aWindowIsNeverNegativeNorOverADay() {
        assertThatThrownBy(() -> stats.figures(shop, Duration.ofSeconds(-1))).isInstanceOf(CommandCenterException.class)
                .hasMessageContaining("window");
        assertThatThrownBy(() -> stats.figures(shop, Duration.ofHours(25))).isInstanceOf(CommandCenterException.class)
                .hasMessageContaining("24h");
    }

    @Test
    void snapshotsOlderThanADayAreDropped() {
        raise("p1", 0.5);
        for (int i = 0; i < 26 * 60; i++) {
            stats.snapshot();
            clock.advance(Duration.ofMinutes(1));
        }
        raise("p2", 0.5);
        assertThat(stats.figures(shop, Duration.ofHours(24)).counts().predictions()).isEqualTo(1);
    }
}
