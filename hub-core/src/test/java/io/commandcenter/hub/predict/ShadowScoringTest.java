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
        s.observe(e, 0.0, 1_000, Double.NaN, 0.95, 0.8);  // the champion alarms, the shadow (probability 0) does not
        s.observe(e, 0.0, 2_000, Double.NaN, 0.10, 0.8);  // neither
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

    @Test
    void aShadowsWouldBePrediction_isOnePerIncident_andGoesToTheSinkOnly() {
        ShadowScoring shadows = new ShadowScoring(10, java.time.Duration.ofMinutes(10));
        java.util.List<ShadowScoring.WouldBe> sunk = new java.util.ArrayList<>();
        shadows.recordTo(sunk::addAll);
        ModelKey key = ModelKey.of(META, "abc");
        shadows.start(P, key, META, Instant.EPOCH);
        ShadowScoring.Shadow s = shadows.active(P, "service_health").orElseThrow();
        EntityKey e = new EntityKey(P, "service", "a");
        java.util.List<ShadowScoring.WouldBe> raised = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ShadowScoring.WouldBe w = s.observe(e, 1.0, 60_000L * i, Double.NaN, 0.1, 0.8); // the shadow alarms, row after row
            if (w != null) {
                raised.add(w);
            }
        }
        assertThat(raised).as("one incident: one would-be prediction").hasSize(1);
        assertThat(raised.get(0).version()).isEqualTo(META.version());
        assertThat(raised.get(0).entity()).isEqualTo(e);
        assertThat(sunk).as("nothing stored until the engine hands it over").isEmpty();
        shadows.record(raised);
        assertThat(sunk).containsExactlyElementsOf(raised);
        shadows.recordTo(rows -> {
            throw new IllegalStateException("database down");
        });
        shadows.record(raised); // a failing store loses the would-be rows, never the champion's scoring
    }

    @Test
    void anEntityForgottenByTheBook_isForgottenByTheShadow_itsOpenWouldBeIncidentLingers() {
        ShadowScoring shadows = new ShadowScoring(1000);
        shadows.start(P, ModelKey.of(META, "abc"), META, Instant.EPOCH);
        ShadowScoring.Shadow s = shadows.active(P, "service_health").orElseThrow();
        for (int i = 0; i < 100; i++) {
            // the first 50 open an incident, the others stay quiet
            s.observe(new EntityKey(P, "service", "s-" + i), i < 50 ? 1.0 : 0.0, 1_000, Double.NaN, 0.1, 0.8);
        }
        assertThat(s.states).hasSize(100);
        assertThat(s.incidents.size()).isEqualTo(100);

        for (int i = 0; i < 100; i++) {
            shadows.forget(new EntityKey(P, "service", "s-" + i), "service_health", Instant.ofEpochSecond(2));
        }
        shadows.forget(new EntityKey(P, "service", "s-0"), "compliance_risk", Instant.ofEpochSecond(2)); // no shadow of that name

        assertThat(s.states).isEmpty();
        assertThat(s.incidents.size()).as("the open would-be incidents linger, the quiet states go").isEqualTo(50);
    }
}
