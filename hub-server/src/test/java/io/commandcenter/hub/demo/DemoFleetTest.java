package io.commandcenter.hub.demo;

import io.commandcenter.hub.predict.EntityFeatures;
import io.commandcenter.hub.predict.FeatureBook;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.inference.onnx.OnnxBackend;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.features.FeatureSchema;
import io.commandcenter.models.features.FeatureVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo must be real enough for the shipped model: faults alarm, health does not, restarts heal. */
class DemoFleetTest {
    static OnnxBackend backend;
    static ModelKey key;
    static FeatureSchema schema;
    static double threshold;
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @BeforeAll
    static void model() {
        backend = new OnnxBackend();
        ModelArtifact health = new BootstrapModels().load("service_health");
        backend.load(health);
        key = ModelKey.of(health.metadata());
        schema = new FeatureSchema(health.metadata().features());
        threshold = health.metadata().threshold();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    /** Risk of the latest sample of a service, through the hub's own feature book. */
    static double risk(FeatureBook book, HealthSampleRecord sample) {
        EntityFeatures entity = book.apply(ProjectId.of("demo"), sample, "").orElseThrow();
        FeatureVector v = entity.vector(sample.time());
        return backend.score(key, project(v), 1)[0];
    }

    static float[] project(FeatureVector v) {
        int[] p = v.schema().projectionTo(schema);
        float[] row = new float[p.length];
        for (int j = 0; j < p.length; j++) {
            row[j] = v.values()[p[j]];
        }
        return row;
    }

    @ParameterizedTest
    @EnumSource(value = SimulatedService.Fault.class, names = {"LATENCY_CREEP", "ERROR_BURST", "MEMORY_LEAK"})
    void everyFault_alarmsTheModel_beforeTheServiceGoesDown(SimulatedService.Fault fault) {
        SimulatedService service = new SimulatedService("svc", 100, new SplittableRandom(3));
        FeatureBook book = new FeatureBook(10);
        Instant t = T0;
        for (int i = 0; i < 200; i++, t = t.plusSeconds(2)) {
            risk(book, service.tick(t));
        }
        service.startFault(fault);
        int alarmedAt = -1;
        for (int i = 0; i < 60 && alarmedAt < 0; i++, t = t.plusSeconds(2)) {
            if (risk(book, service.tick(t)) >= threshold) {
                alarmedAt = i;
            }
        }

        assertThat(alarmedAt).as("%s alarms within 60 ticks", fault).isBetween(0, 59);
    }

    @Test
    void aHealthyFleet_raisesFewAlarms() {
        DemoFleet fleet = new DemoFleet(new SplittableRandom(11), Integer.MAX_VALUE, Integer.MAX_VALUE);
        FeatureBook book = new FeatureBook(10);
        int alarms = 0;
        Instant t = T0;
        for (int i = 0; i < 600; i++, t = t.plusSeconds(2)) {
            for (HealthSampleRecord sample : fleet.tick(t)) {
                if (risk(book, sample) >= threshold && i > 64) {
                    alarms++;
                }
            }
        }
        // 5 services x ~536 scored ticks: a false alarm now and then is the model's honest rate
        assertThat(alarms).isLessThan(30);
    }

    @Test
    void aRestart_heals_andTheFaultIsGone() {
        SimulatedService service = new SimulatedService("svc", 100, new SplittableRandom(5));
        Instant t = T0;
        service.startFault(SimulatedService.Fault.MEMORY_LEAK);
        HealthSampleRecord last = null;
        for (int i = 0; i < 40; i++, t = t.plusSeconds(2)) {
            last = service.tick(t);
        }
        assertThat(last.memory()).isGreaterThan(0.97);
        assertThat(last.uptime()).isLessThan(1.0);

        service.restart();
        HealthSampleRecord restarting = service.tick(t);
        HealthSampleRecord after = service.tick(t.plusSeconds(2));

        assertThat(restarting.uptime()).isEqualTo(0.5);
        assertThat(after.uptime()).isEqualTo(1.0);
        assertThat(after.memory()).isLessThan(0.4);
        assertThat(after.errorRate()).isLessThan(0.01);
        assertThat(service.isDegraded()).isFalse();
        assertThat(service.restarts()).isEqualTo(1);
    }

    @Test
    void theFleet_startsTwoFaultsEarly_thenAtRandom_neverMoreThanTwoAtOnce() {
        DemoFleet fleet = new DemoFleet(new SplittableRandom(2), 10, 5);
        Instant t = T0;
        int maxDegraded = 0;
        for (int i = 0; i < 9; i++, t = t.plusSeconds(2)) {
            fleet.tick(t);
        }
        assertThat(fleet.services()).noneMatch(SimulatedService::isDegraded);
        for (int i = 0; i < 200; i++, t = t.plusSeconds(2)) {
            fleet.tick(t);
            maxDegraded = Math.max(maxDegraded, (int) fleet.services().stream().filter(SimulatedService::isDegraded).count());
        }
        assertThat(maxDegraded).isEqualTo(2);
        assertThat(fleet.restart("payments")).isPresent();
        assertThat(fleet.restart("nope")).isEmpty();
    }

    @Test
    void faultsGoToTheServiceLongestWithoutOne_soARestartedServiceIsNotHitAgainAtOnce() {
        DemoFleet fleet = new DemoFleet(new SplittableRandom(2), 10, 3);
        Instant t = T0;
        java.util.List<String> hit = new java.util.ArrayList<>();
        for (int i = 0; i < 2000 && hit.size() < 6; i++, t = t.plusSeconds(2)) {
            fleet.tick(t);
            for (SimulatedService s : fleet.services()) {
                if (s.isDegraded()) {
                    hit.add(s.name());
                    fleet.restart(s.name()); // someone acts at once: the service is healthy again
                }
            }
        }
        // the restarted checkout-api is not chosen again before every other service had its turn
        assertThat(hit).containsExactly("checkout-api", "payments", "catalog", "search", "auth", "checkout-api");
    }
}
