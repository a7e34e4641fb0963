package io.commandcenter.hub.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The text a Prometheus server parses: types, cumulative buckets, escaping, bounded label sets. */
class MetricRegistryTest {

    @Test
    void countersGaugesAndHistogramsAreWrittenInTheTextFormat() {
        MetricRegistry r = new MetricRegistry();
        MetricRegistry.Counter c = r.counter("cc_things_total", "Things.", "project", "kind");
        c.inc("shop", "a");
        c.add(2, "shop", "a");
        c.inc("shop", "b");
        MetricRegistry.Histogram h = r.histogram("cc_wait_seconds", "Waits.", new double[]{0.1, 1}, "project");
        h.observe(0.05, "shop");
        h.observe(0.1, "shop");
        h.observe(0.5, "shop");
        h.observe(7, "shop");
        r.gauge("cc_queue", "Queued.", List.of("type"), sink -> {
            sink.set(3, "devops");
            sink.set(0.5, "notifier");
        });
        MetricRegistry.Gauge g = r.gauge("cc_lag_seconds", "Lag.");
        g.set(1.25);

        assertThat(r.scrape()).isEqualTo("""
                # HELP cc_things_total Things.
                # TYPE cc_things_total counter
                cc_things_total{project="shop",kind="a"} 3
                cc_things_total{project="shop",kind="b"} 1
                # HELP cc_wait_seconds Waits.
                # TYPE cc_wait_seconds histogram
                cc_wait_seconds_bucket{project="shop",le="0.1"} 2
                cc_wait_seconds_bucket{project="shop",le="1"} 3
                cc_wait_seconds_bucket{project="shop",le="+Inf"} 4
                cc_wait_seconds_sum{project="shop"} 7.65
                cc_wait_seconds_count{project="shop"} 4
                # HELP cc_queue Queued.
                # TYPE cc_queue gauge
                cc_queue{type="devops"} 3
                cc_queue{type="notifier"} 0.5
                # HELP cc_lag_seconds Lag.
                # TYPE cc_lag_seconds gauge
                cc_lag_seconds 1.25
                """);
        assertThat(c.sum("shop", null)).isEqualTo(4);
        assertThat(h.count("shop")).isEqualTo(4);
    }

    @Test
    void labelValuesAreEscapedAndNamesChecked() {
        MetricRegistry r = new MetricRegistry();
        r.counter("cc_x_total", "Help with \\ and\nnewline.", "reason").inc("a \"quoted\" \\ value\nnext");
        assertThat(r.scrape()).contains("# HELP cc_x_total Help with \\\\ and\\nnewline.")
                .contains("cc_x_total{reason=\"a \\\"quoted\\\" \\\\ value\\nnext\"} 1");
        assertThatThrownBy(() -> r.counter("cc_no_suffix", "x")).hasMessageContaining("_total");
        assertThatThrownBy(() -> r.counter("cc_x_total", "again")).hasMessageContaining("registered already");
        assertThatThrownBy(() -> r.gauge("9bad", "x")).hasMessageContaining("not a metric name");
        assertThatThrownBy(() -> r.gauge("cc_g", "x", "le")).hasMessageContaining("not a label name");
        assertThatThrownBy(() -> r.counter("cc_y_total", "y", "a").inc("1", "2")).hasMessageContaining("1 label");
        assertThatThrownBy(() -> r.counter("cc_z_total", "z").add(-1)).hasMessageContaining("only goes up");
    }

    @Test
    void aFamilyNeverGrowsBeyondItsBound() {
        MetricRegistry r = new MetricRegistry();
        MetricRegistry.Counter c = r.counter("cc_many_total", "Many.", "id");
        for (int i = 0; i < MetricRegistry.MAX_SERIES + 500; i++) {
            c.inc("id-" + i);
        }
        String text = r.scrape();
        long series = text.lines().filter(l -> l.startsWith("cc_many_total{")).count();
        assertThat(series).isEqualTo(MetricRegistry.MAX_SERIES + 1);
        assertThat(c.value(MetricRegistry.OTHER)).isEqualTo(500);
        assertThat(c.sum()).isEqualTo(MetricRegistry.MAX_SERIES + 500);
    }

    @Test
    void concurrentRecordingLosesNothing() throws Exception {
        MetricRegistry r = new MetricRegistry();
        MetricRegistry.Counter c = r.counter("cc_c_total", "C.", "k");
        MetricRegistry.Histogram h = r.histogram("cc_h_seconds", "H.", HubMetrics.LATENCY, "k");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.inc("k" + (i % 3));
                    h.observe(i / 1e6, "k" + (i % 3));
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(c.sum()).isEqualTo(40_000);
        assertThat(h.totalCount()).isEqualTo(40_000);
        assertThat(r.scrape()).contains("cc_h_seconds_bucket{k=\"k0\",le=\"+Inf\"} 13336");
    }

    @Test
    void aGaugeThatCannotBeReadIsLeftOutOfTheScrape() {
        MetricRegistry r = new MetricRegistry();
        r.gauge("cc_broken", "Broken.", List.of(), sink -> {
            throw new IllegalStateException("closing");
        });
        r.gauge("cc_fine", "Fine.").set(2);
        assertThat(r.scrape()).contains("# TYPE cc_broken gauge\n# HELP cc_fine").contains("cc_fine 2");
    }
}
