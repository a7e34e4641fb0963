package io.commandcenter.hub.metrics;

import io.commandcenter.hub.feedback.FeedbackLabel;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.inference.ModelKey;
import io.commandcenter.models.confidence.Confidence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Was this incident caught?" asks the stored predictions for the label's entity, kind included: a
 * service and a workflow both named {@code checkout}, the workflow's predictions the newer ones (more
 * than the one-row page the check reads), and an incident declared on the service that its own
 * prediction caught is not a missed incident.
 */
class MissedIncidentKindTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    static final String MISSED = "cc_quality_missed_incidents_total{project=\"shop\",model=\"service_health\","
            + "version=\"2.5.0\"}";

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void anIncidentCaughtOnItsEntity_isNotMissed_whenANewerPredictionOnAnotherKindSharesTheId(String vendor,
                                                                                          @TempDir Path dir) {
        try (Database database = Database.open(vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir))) {
            JpaPredictionRepository predictions = new JpaPredictionRepository(database);
            save(predictions, prediction("p-service", "service", T0.plusSeconds(60)));
            save(predictions, prediction("p-workflow-1", "workflow", T0.plusSeconds(120)));
            save(predictions, prediction("p-workflow-2", "workflow", T0.plusSeconds(150)));
            MetricRegistry registry = new MetricRegistry();
            HubMetrics metrics = new HubMetrics(registry).judgeMissesWith(predictions,
                    (project, kind) -> Optional.of(new ModelKey("service_health", "2.5.0")));

            metrics.declared(incident("service", "checkout"));
            double afterCaught = missed(registry);
            metrics.declared(incident("agent", "checkout"));

            assertThat(afterCaught).as("the service's incident was caught by its own prediction").isZero();
            assertThat(missed(registry)).as("nothing was predicted on the agent named checkout").isEqualTo(1);
        }
    }

    private static double missed(MetricRegistry registry) {
        return registry.scrape().lines().filter(l -> l.startsWith(MISSED + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(MISSED.length() + 1))).sum();
    }

    private static FeedbackLabel incident(String kind, String id) {
        return new FeedbackLabel("l-" + kind, SHOP, null, kind, id, FeedbackLabel.Label.INCIDENT, T0.plusSeconds(90),
                T0.plusSeconds(600), "outage", "ana", T0.plusSeconds(900));
    }

    private static PredictionRecord prediction(String id, String kind, Instant at) {
        return new PredictionRecord(id, SHOP, kind, "checkout", "risk", 0.95, new Confidence(0.9, 1, 1, 1, 0.9),
                "restart", List.of(), "service_health", "2.5.0", 0.8, "0af7651916cd43dd8448eb211c80319c", "run-" + id,
                at, at);
    }

    private static void save(JpaPredictionRepository store, PredictionRecord p) {
        store.save(p, new ModelRun(p.modelRunId(), SHOP, "m-1", p.targetKind(), p.targetId(), ModelRun.Kind.PREDICTION,
                1, "{}", "{}", 0.9, p.createdAt()));
    }
}
