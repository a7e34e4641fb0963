package io.commandcenter.hub.learning;

import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.feedback.Feedback;
import io.commandcenter.hub.feedback.sql.JpaFeedbackStore;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.TelemetryStore.Scoped;
import io.commandcenter.hub.telemetry.sql.SqlTelemetryStore;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.eval.Segment;
import io.commandcenter.models.train.loop.DataSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data collector's snapshot labels only what was observed inside its window: a prediction confirmed before
 * the window (the nightly run's window is the last 7 days; the shadow gate's is the wait's period) labels nothing.
 * Before, its insertion point in the window's rows was 0, so it labelled the window's first 12 rows an incident.
 */
class ProjectSnapshotsWindowTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final Instant END = Instant.parse("2026-12-07T03:00:00Z");
    static final Duration WINDOW = Duration.ofHours(1);

    @Test
    void aPredictionConfirmedBeforeTheWindow_labelsNoRowOfIt_oneInsideLabelsItsRowAndTheHorizon(@TempDir Path dir) {
        try (Database db = Database.open(Databases.h2(dir))) {
            Clock clock = Clock.fixed(END, ZoneOffset.UTC);
            SqlTelemetryStore telemetry = new SqlTelemetryStore(db, clock);
            // checkout, one health sample a minute over the window
            List<Scoped> samples = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Instant t = END.minus(WINDOW).plusSeconds(60L * i + 30);
                samples.add(new Scoped(SHOP, new HealthSampleRecord("s-" + i, "checkout", t, 0.999, 12.0 + i % 3, 0.01,
                        0.5, 0.25, Map.of())));
            }
            telemetry.write(samples, END);
            JpaPredictionRepository predictions = new JpaPredictionRepository(db);
            Feedback feedback = new Feedback(new JpaFeedbackStore(db), predictions,
                    MemoryAuditSpool.trail(new InMemoryAuditLedger(), clock, "hub-test"), clock);
            save(predictions, "p-last-week", END.minus(Duration.ofDays(3)));
            save(predictions, "p-inside", END.minus(Duration.ofMinutes(20)));
            feedback.label(SHOP, "p-last-week", "incident", "disk full last week", "ana");
            feedback.label(SHOP, "p-inside", "incident", "queue stuck", "ana");
            ProjectSnapshots snapshots = new ProjectSnapshots(telemetry, feedback, ProjectSnapshots.Remembered.NONE,
                    new LearningSteps());

            DataSnapshot d = snapshots.take(SHOP, LearningLoop.MODEL, END, WINDOW, Duration.ofMinutes(1));

            assertThat(d.rows()).isEqualTo(60);
            assertThat(d.incidents()).as("only the prediction confirmed inside the window is an incident").isEqualTo(1);
            List<Segment> incidents = Segment.fromLabels(d.series().get(0).labels());
            assertThat(incidents).as("the inside one's row (the first at or after it) and the 11 after it")
                    .containsExactly(new Segment(40, 51));
            assertThat(d.feedbackRows()).isEqualTo(12);
            // the export still has both: it is not bounded by a window
            assertThat(feedback.dataset(SHOP, LearningLoop.MODEL)).hasSize(2);
            assertThat(feedback.dataset(SHOP, LearningLoop.MODEL, END.minus(WINDOW), END))
                    .extracting(io.commandcenter.hub.feedback.FeedbackRow::predictionId).containsExactly("p-inside");
        }
    }

    private static void save(JpaPredictionRepository store, String id, Instant at) {
        PredictionRecord p = new PredictionRecord(id, SHOP, "service", "checkout", "risk", 0.95,
                new Confidence(0.9, 1, 1, 1, 0.9), "restart", List.of(), LearningLoop.MODEL, "2.4.0", 0.8,
                "0af7651916cd43dd8448eb211c80319c", "run-" + id, at, at);
        store.save(p, new ModelRun(p.modelRunId(), SHOP, "m-1", p.targetKind(), p.targetId(), ModelRun.Kind.PREDICTION,
                1, "{\"features\":{}}", "{\"risk\":0.95}", 0.9, at));
    }
}
