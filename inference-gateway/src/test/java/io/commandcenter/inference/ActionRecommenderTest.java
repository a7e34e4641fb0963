package io.commandcenter.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.commandcenter.models.explain.Factor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionRecommenderTest {

    private final ActionRecommender r = new ActionRecommender();

    static List<Factor> top(String feature, String metric) {
        return List.of(new Factor(feature, metric, 5f, 0f, 3.0), new Factor("res_max", "cpu", 1f, 0f, 0.1));
    }

    @Test
    void rulesMapTheTopFactorToAnAction() {
        assertThat(r.recommend("service_health", top("health_down", "up"))).isEqualTo("restart");
        assertThat(r.recommend("service_health", top("persist", "up"))).isEqualTo("restart");
        assertThat(r.recommend("service_health", top("level_top", "error_rate"))).isEqualTo("restart");
        assertThat(r.recommend("service_health", top("level_max", "jvm_heap_used"))).isEqualTo("restart");
        assertThat(r.recommend("service_health", top("trend_max", "latency_p99"))).isEqualTo("scale");
        assertThat(r.recommend("service_health", top("level_max", "m7"))).isEqualTo("notify");
        assertThat(r.recommend("service_health", top("level_max", "uptime_days"))).isEqualTo("notify");
        assertThat(r.recommend("compliance_risk", top("fail_rate", ""))).isEqualTo("notify");
        assertThat(r.recommend("service_health", List.of())).isEqualTo("notify");
    }
}
