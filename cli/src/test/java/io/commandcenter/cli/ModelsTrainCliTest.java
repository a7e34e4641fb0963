package io.commandcenter.cli;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code cc models train NAME} starts the learning loop's run on the model and prints it. */
@ExtendWith(SharedHub.class)
class ModelsTrainCliTest {

    @Test
    void train_startsTheRetrainingRun_printsIt_andRefusesBadNames() {
        String p = project();
        Result started = cc("--project", p, "models", "train", "service_health", "--reason", "review", "--json");
        assertThat(started.exit()).as(started.err()).isZero();
        assertThat(started.out()).contains("\"workflow\":\"retrain-predictive-models\"").contains("\"mode\":\"manual\"")
                .contains("\"target\":{\"kind\":\"model\",\"id\":\"service_health\"}");
        String runId = started.out().replaceAll("(?s).*\"runId\":\"([^\"]+)\".*", "$1").strip();
        RunRecord run = await().atMost(Duration.ofMinutes(2)).until(() -> hub().remediation().run(ProjectId.of(p), runId),
                r -> r.state().isFinished());
        assertThat(run.state()).as(String.valueOf(run)).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.nodes().get(3).outputJson()).contains("too little labelled data");

        Result line = cc("--project", p, "models", "train", "service_health");
        assertThat(line.exit()).as(line.err()).isZero();
        assertThat(line.out()).startsWith("started ").contains("retrain-predictive-models");

        Result bad = cc("--project", p, "models", "train", "Bad-Name");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("INVALID_ARGUMENT").contains("name");
        Result missing = cc("--project", p, "models", "train", "nope");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("NOT_FOUND");
        Result other = cc("--project", p, "models", "train", "compliance_risk");
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("FAILED_PRECONDITION").contains("retrains service_health only");
    }
}
