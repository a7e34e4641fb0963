package io.commandcenter.hub.predict.sql;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.SimilarIncident;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A prediction's similar incidents and note (migration V11) are stored and read back, on H2 and PostgreSQL. */
class PredictionMemoryColumnTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void similarIncidentsAndTheNote_roundTrip(String vendor) {
        DatabaseSettings settings = vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
        try (Database database = Database.open(settings)) {
            JpaPredictionRepository repository = new JpaPredictionRepository(database);
            ProjectId project = ProjectId.of("mem-col");
            Instant at = Instant.parse("2026-12-06T07:00:00.123456Z");
            List<SimilarIncident> similar = List.of(
                    new SimilarIncident("run-a", "service/checkout-api", Instant.parse("2026-12-01T09:14:00Z"), 0.94,
                            "restart", "not_recovered"),
                    new SimilarIncident("run-b", "service/checkout-api", Instant.parse("2026-11-20T08:00:00Z"), 0.81,
                            "scale", "recovered"));
            PredictionRecord p = new PredictionRecord("p-1", project, "service", "checkout-api", "risk", 0.93,
                    new Confidence(0.8, 0.9, 1, 1, 0.9), "scale",
                    List.of(new Factor("persist", "latency_p50", 2.1f, 0.5f, 2.17)), "service_health", "2.1.0", 0.8,
                    "0af7651916cd43dd8448eb211c80319c", "mr-1", at, at, similar,
                    "restart did not recover 1 similar incident (service/checkout-api 2026-12-01 09:14); scale recovered 1: scale first");
            repository.save(p, new ModelRun("mr-1", project, "service_health@2.1.0", "service", "checkout-api",
                    ModelRun.Kind.PREDICTION, 1, "{\"features\":{\"persist\":2.1}}", "{}", 0.8, at));

            PredictionRecord read = repository.get(project, "p-1").orElseThrow();

            assertThat(read.similar()).isEqualTo(similar);
            assertThat(read.recommendationNote()).isEqualTo(p.recommendationNote());
            PredictionRecord plain = new PredictionRecord("p-2", project, "service", "a", "risk", 0.9,
                    new Confidence(0.8, 0.9, 1, 1, 0.9), "restart", List.of(), "service_health", "2.1.0", 0.8,
                    "0af7651916cd43dd8448eb211c80319c", "mr-2", at, at);
            repository.save(plain, new ModelRun("mr-2", project, "service_health@2.1.0", "service", "a",
                    ModelRun.Kind.PREDICTION, 1, "{}", "{}", 0.8, at));
            assertThat(repository.get(project, "p-2").orElseThrow().similar()).isEmpty();
        }
    }
}
