package io.commandcenter.hub.telemetry.sql;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsJsonTest {

    @Test
    void whatWriteWrites_isReadDirectly_andEqualsTheGeneralParsersReading() {
        Random random = new Random(42);
        String[] names = {"queue_depth", "gc_pause_ms", "latency_p99", "disk.io:read", "a-b", "Z9"};
        for (int round = 0; round < 500; round++) {
            Map<String, Double> metrics = new HashMap<>();
            int count = 1 + random.nextInt(names.length);
            for (int k = 0; k < count; k++) {
                double value = switch (random.nextInt(5)) {
                    case 0 -> random.nextInt(1000);
                    case 1 -> -random.nextDouble() * 1e-7;
                    case 2 -> random.nextDouble() * 1e21;
                    case 3 -> 0.0;
                    default -> random.nextGaussian();
                };
                metrics.put(names[random.nextInt(names.length)], value);
            }
            String json = MetricsJson.write(metrics);

            Map<String, Double> direct = MetricsJson.readWritten(json);

            assertThat(direct).as(json).isNotNull().isEqualTo(metrics).isEqualTo(MetricsJson.readAny(json));
            assertThat(MetricsJson.read(json)).isEqualTo(metrics);
        }
    }

    @Test
    void otherFlatObjectsOfNumbers_goToTheGeneralParser_andReadTheSame() {
        for (String json : new String[]{"{ \"a\" : 1 }", "{\"a\":1e3}", "{\"a\":1E+3}", "{\"a\\u0062\":2}",
                "{\"\":3}", "{\"a\":-0.5,\"b\":7}"}) {
            assertThat(MetricsJson.read(json)).as(json).isEqualTo(MetricsJson.readAny(json));
        }
        assertThat(MetricsJson.readWritten("{ \"a\" : 1 }")).isNull();
        assertThat(MetricsJson.readWritten("{\"a\\u0062\":2}")).isNull();
        assertThat(MetricsJson.read("{\"a\\u0062\":2}")).containsExactly(Map.entry("ab", 2.0));
    }

    @Test
    void valuesThatAreNotNumbers_areRefused_whicheverWayTheTextIsRead() {
        assertThatThrownBy(() -> MetricsJson.read("{\"a\":\"x\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricsJson.read("{\"a\":null}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricsJson.read("{\"a\":NaN}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricsJson.read("{\"a\":1,")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noMetrics_readAsAnEmptyMap() {
        assertThat(MetricsJson.read(null)).isEmpty();
        assertThat(MetricsJson.read("{}")).isEmpty();
        assertThat(MetricsJson.write(Map.of())).isNull();
    }
}
