package io.commandcenter.cli;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.models.artifact.ModelArtifact;
import io.commandcenter.models.bootstrap.BootstrapModels;
import io.commandcenter.models.synthetic.SyntheticTelemetry;
import io.commandcenter.models.train.bootstrap.CorpusEntry;
import io.commandcenter.models.train.bootstrap.ServiceHealthTraining;
import io.commandcenter.models.train.loop.DataSnapshot;
import io.commandcenter.models.train.loop.Retrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code cc models history} shows a retrained version's lineage; {@code cc models rollback} restores the champion before. */
@ExtendWith(SharedHub.class)
class ModelsHistoryCliTest {

    @Test
    void aRetrainedChampion_showsItsLineage_andRollbackRestoresThePreviousChampionAtOnce() {
        String p = project();
        String shipped = new BootstrapModels().load("service_health").metadata().version();
        SyntheticTelemetry gen = new SyntheticTelemetry(77);
        var series = ServiceHealthTraining.replay(new CorpusEntry("srv", "project", null, gen.series("srv", 2500, 3, 4)));
        DataSnapshot snapshot = DataSnapshot.of(List.of(series), 42, "chunks 1-2 of 4");
        ModelArtifact retrained = new Retrainer().train(snapshot, List.of(), "2.1.7", shipped).artifact();
        assertThat(cc("--project", p, "models", "list").exit()).isZero(); // the project's bootstrap models
        hub().registry().register(ProjectId.of(p), retrained, true, "retrain-predictive-models", "better on the holdout");

        Result history = cc("--project", p, "models", "history", "service_health");
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out()).contains("2.1.7     champion, parent " + shipped + ", registered ")
                .contains("window shipped corpus + project chunks 1-2 of 4")
                .contains(", project snapshot " + snapshot.sha256().substring(0, 16) + ", feedback rows 42")
                .contains("project_incidents").contains("champion periods, newest first")
                .contains("by retrain-predictive-models: better on the holdout");

        Result rollback = cc("--project", p, "models", "rollback", "service_health", "--reason", "paged twice");
        assertThat(rollback.exit()).as(rollback.err()).isZero();
        assertThat(rollback.out()).isEqualTo("service_health " + shipped + " is the champion again (was 2.1.7)\n");
        assertThat(hub().registry().champion(ProjectId.of(p), "service_health").orElseThrow().version())
                .as("scoring switched at once").isEqualTo(shipped);
        assertThat(cc("--project", p, "models", "history", "service_health").out())
                .contains(": rollback from 2.1.7: paged twice");

        Result none = cc("--project", project(), "models", "rollback", "service_health");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("FAILED_PRECONDITION").contains("one champion only");
        Result unknown = cc("--project", p, "models", "history", "no_such_model");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("cc: NOT_FOUND: no champion of model no_such_model in project " + p + "\n");
    }

    @Test
    void aThresholdOnlyChampion_showsItsRefitBesideItsParent() {
        String p = project();
        ModelArtifact shipped = new BootstrapModels().load("service_health");
        SyntheticTelemetry gen = new SyntheticTelemetry(78);
        var series = ServiceHealthTraining.replay(new CorpusEntry("srv", "project", null, gen.series("srv", 2500, 3, 4)));
        DataSnapshot snapshot = DataSnapshot.of(List.of(series), 17, "chunks 1-3 of 4");
        ModelArtifact refit;
        try (var backend = new io.commandcenter.inference.onnx.OnnxBackend()) {
            var key = io.commandcenter.inference.ModelKey.of(shipped.metadata(), shipped.onnxSha256());
            backend.load(key, shipped);
            var split = io.commandcenter.models.train.loop.Retrainer.forwardSplit(snapshot, 0.3);
            refit = io.commandcenter.models.train.loop.ThresholdRefit.refit(shipped,
                    new io.commandcenter.inference.BackendScorer(backend, key), split.train(), "2.9.1t", snapshot,
                    "every project row before the holdout",
                    io.commandcenter.models.train.loop.ThresholdRefit.Objective.F1);
        }
        assertThat(cc("--project", p, "models", "list").exit()).isZero();
        hub().registry().register(ProjectId.of(p), refit, true, "retrain-predictive-models", "threshold-only");

        Result history = cc("--project", p, "models", "history", "service_health");

        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out()).contains("2.9.1t    champion, parent " + shipped.metadata().version())
                .contains(", project snapshot " + snapshot.sha256().substring(0, 16) + ", feedback rows 17")
                .contains(String.format(java.util.Locale.ROOT, "refit: threshold only: %.2f -> %.2f, best F1 per incident "
                        + "on every project row before the holdout; weights unchanged", shipped.metadata().threshold(),
                        refit.metadata().threshold()));
    }
}
