package io.commandcenter.hub.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards aggregate the cluster-wide gauges (guide section 21.1: every hub reports the same value)
 * with {@code max} over hubs, never {@code sum}: three hubs and one pending approval must show 1, not 3.
 */
class DashboardAggregationTest {
    /** The gauges every hub of a cluster reports alike (guide 21.1). */
    static final List<String> CLUSTER_WIDE = List.of("cc_remediation_approvals_pending", "cc_scheduler_queue_tasks",
            "cc_scheduler_agents", "cc_hazelcast_cluster_members", "cc_hazelcast_partitions_unsafe");
    /** The text before a gauge's name when it is the direct argument of {@code max(…)} or {@code max by (…) (…)}. */
    static final Pattern MAX_BEFORE = Pattern.compile("(?s).*\\bmax\\s*(\\bby\\s*\\([^)]*\\)\\s*)?\\(\\s*$");

    @Test
    void everyClusterWideGauge_isAggregatedWithMax_inEveryPanel() throws Exception {
        List<MetricsDemoTest.PanelQuery> queries = MetricsDemoTest.dashboardQueries();
        int uses = 0;
        for (MetricsDemoTest.PanelQuery q : queries) {
            for (String gauge : CLUSTER_WIDE) {
                Matcher m = Pattern.compile("\\b" + gauge + "\\b").matcher(q.expr());
                while (m.find()) {
                    uses++;
                    assertThat(q.expr().substring(0, m.start()))
                            .as("%s / %s: %s must be read with max over hubs in %s", q.dashboard(), q.panel(), gauge,
                                    q.expr())
                            .matches(MAX_BEFORE);
                }
            }
        }
        assertThat(uses).as("panels read the cluster-wide gauges").isGreaterThanOrEqualTo(CLUSTER_WIDE.size());
    }

    @Test
    void theCheck_refusesASum_andAcceptsMaxByProject() {
        assertThat("sum(").doesNotMatch(MAX_BEFORE);
        assertThat("sum(max by (project) (").matches(MAX_BEFORE);
        assertThat("max(").matches(MAX_BEFORE);
    }
}
