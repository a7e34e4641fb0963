package io.commandcenter.hub.memory;

import io.commandcenter.memory.Vectors;
import io.commandcenter.models.explain.Factor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IncidentVectorsTest {
    private static final List<Factor> LATENCY = List.of(new Factor("z_max", "latency_ms", 6f, 0f, 2.1),
            new Factor("slope", "latency_ms", 0.8f, 0f, 0.7));
    private static final List<Factor> MEMORY = List.of(new Factor("slope", "heap_mb", 3f, 0f, 1.9),
            new Factor("level", "heap_mb", 0.9f, 0f, 0.5));

    private static double cos(float[] a, float[] b) {
        return Vectors.cosine(Vectors.unit(a), Vectors.unit(b));
    }

    @Test
    void theSameInputs_giveTheSameVector() {
        Map<String, Double> f = Map.of("z_max", 6.0, "slope", 0.8);
        assertThat(IncidentVectors.vector(f, LATENCY)).containsExactly(IncidentVectors.vector(Map.copyOf(f), LATENCY));
        assertThat(IncidentVectors.vector(f, LATENCY)).hasSize(IncidentVectors.DIMENSIONS);
    }

    @Test
    void similarTrouble_isCloserThanOtherTrouble() {
        float[] creep1 = IncidentVectors.vector(Map.of("z_max", 6.0, "slope", 0.8, "level", 0.1), LATENCY);
        float[] creep2 = IncidentVectors.vector(Map.of("z_max", 5.0, "slope", 0.9, "level", 0.2),
                List.of(new Factor("z_max", "latency_ms", 5f, 0f, 1.8), new Factor("slope", "latency_ms", 0.9f, 0f, 0.9)));
        float[] leak = IncidentVectors.vector(Map.of("z_max", 0.5, "slope", 3.0, "level", 0.9), MEMORY);

        assertThat(cos(creep1, creep2)).isGreaterThan(0.9);
        assertThat(cos(creep1, leak)).isLessThan(cos(creep1, creep2) - 0.3);
    }

    @Test
    void nothingKnown_isStillAUsableVector() {
        float[] v = IncidentVectors.vector(Map.of(), List.of());
        assertThat(Vectors.dot(v, v)).isEqualTo(1.0);
    }
}
