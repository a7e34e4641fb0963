package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunAggregatorTest {
    static final EntityKey API = new EntityKey(ProjectId.of("p"), "service", "api");
    static final EntityKey DB = new EntityKey(ProjectId.of("p"), "service", "db");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    final RunAggregator aggregator = new RunAggregator(Duration.ofMinutes(1));

    @Test
    void runsOfOneEntityAndMinute_becomeOneRow_withCountMeanMaxAndLastInput() {
        for (int i = 0; i < 120; i++) {
            int n = i;
            aggregator.add(API, "model-1", i < 119 ? 0.1 : 0.4, () -> "{\"i\":" + n + "}", T0.plusMillis(1000L * i));
        }

        List<ModelRun> due = aggregator.drainDue(T0.plusSeconds(120));

        assertThat(due).hasSize(2);
        assertThat(due).extracting(ModelRun::runs).containsExactlyInAnyOrder(120 / 2, 120 / 2);
        ModelRun second = due.stream().filter(r -> r.executedAt().equals(T0.plusSeconds(60))).findFirst().orElseThrow();
        assertThat(second.kind()).isEqualTo(ModelRun.Kind.AGGREGATE);
        assertThat(second.outputJson()).contains("\"runs\":60").contains("\"riskMax\":0.400000")
                .contains("\"riskLast\":0.400000");
        assertThat(second.inputJson()).isEqualTo("{\"i\":119}");
        assertThat(second.confidence()).isNull();
    }

    @Test
    void anOpenWindow_isNotDue_untilItEnds_butDrainAllTakesIt() {
        aggregator.add(API, "m", 0.2, () -> "{}", T0.plusSeconds(10));
        aggregator.add(DB, "m", 0.3, () -> "{}", T0.plusSeconds(20));

        assertThat(aggregator.drainDue(T0.plusSeconds(59))).isEmpty();
        assertThat(aggregator.drainAll()).hasSize(2);
        assertThat(aggregator.drainAll()).isEmpty();
    }

    @Test
    void storageGrowsWithEntitiesAndMinutes_notWithTheSampleRate() {
        for (int i = 0; i < 10_000; i++) {
            aggregator.add(i % 2 == 0 ? API : DB, "m", 0.1, () -> "{}", T0.plusMillis(i));
        }

        assertThat(aggregator.drainAll()).hasSize(2);
    }
}
