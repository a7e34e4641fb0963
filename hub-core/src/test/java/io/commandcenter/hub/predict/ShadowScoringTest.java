package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.artifact.ModelMetadata;
import io.commandcenter.models.bootstrap.BootstrapModels;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A shadow counts what it would have done against the champion; one per name and project. */
class ShadowScoringTest {
    static final ProjectId P = ProjectId.of("p");
    static final ModelMetadata META = new BootstrapModels().load("service_health").metadata();

    @Test
    void agreement_isTheShareOfRowsWhereBothAlarmOrNeither() {
        var r = new ShadowScoring.Report(P, "m", "1", Instant.EPOCH, 10, 4, 3, 2, 0.1, 0);
        assertThat(r.agreement()).isEqualTo(0.7); // 2 rows only the champion alarmed, 1 only the shadow
        assertThat(new ShadowScoring.Report(P, "m", "1", Instant.EPOCH, 0, 0, 0, 0, 0, 0).agreement()).isEqualTo(1.0);
    }

    @Test
    void aShadowCountsRowsBesideTheChampion_isReplacedByANewOne_andStops() {
        ShadowScoring shadows = new ShadowScoring(10);
        ModelKey key = ModelKey.of(META, "abc");
        shadows.start(P, key, META, Instant.EPOCH);
        ShadowScoring.Shadow s = shadows.active(P, "service_health").orElseThrow();
        EntityKey e = new EntityKey(P, "service", "a");
        s.observe(e, 0.0, 1_000, 0.95, 0.8);  // the champion alarms, the shadow (probability 0) does not
        s.observe(e, 0.0, 2_000, 0.10, 0.8);  // neither
        ShadowScoring.Report r = shadows.report(P, "service_health").orElseThrow();
        assertThat(r.rows()).isEqualTo(2);
        assertThat(r.championAlarms()).isEqualTo(1);
        assertThat(r.shadowAlarms()).isZero();
        assertThat(r.agreement()).isEqualTo(0.5);
        assertThat(shadows.report(ProjectId.of("other"), "service_health")).as("per project").isEmpty();

        shadows.start(P, ModelKey.of(META, "def"), META, Instant.EPOCH.plusSeconds(1));
        assertThat(shadows.report(P, "service_health").orElseThrow().rows()).as("a new shadow counts afresh").isZero();
        assertThat(shadows.stop(P, "service_health")).isPresent();
        assertThat(shadows.report(P, "service_health")).isEmpty();
    }
}
