package io.commandcenter.hub.runtime;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.NodeState;
import io.commandcenter.hub.remediate.RunMode;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.workflow.SeedWorkflows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The assembled hub without a cluster (a sole writer) started again on its data directory under
 * another hub id, as a pod that restarts under a new name: once the old id's lease lapsed, it adopts
 * the old id's RUNNING run and finishes it (ADR 0028).
 */
class HubAdoptionTest {
    static final ProjectId P = ProjectId.of("alpha");

    @TempDir
    Path dir;
    Hub hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aHubStartedUnderANewHubId_adoptsTheOldIdsRunningRun_andFinishesIt() {
        hub = Hub.start(HubSettings.defaults(dir, 0).withHubId("pod-7f9c"), Clock.systemUTC());
        hub.remediation().catalog().put(P, SeedWorkflows.AUTO_RESTART, "ana");
        Instant now = Instant.now();
        // what the old pod left: a run it drives, the service restarted, the team not told yet
        RunRecord left = new RunRecord("run-1", P, "auto-restart", 1, RunState.RUNNING, RunMode.MANUAL, "manual",
                "run-1", null, "service", "checkout", "auto-restart:run-1", null, "pod-7f9c", "", null, now, now,
                null, now.plus(Duration.ofMinutes(30)), List.of(
                NodeRecord.pending("restart_service", 0, "devops", "restart", false)
                        .queued("t-old", 1, Map.of("service", "checkout"), now)
                        .finished(NodeState.SUCCEEDED, "{}", "", now),
                NodeRecord.pending("notify", 1, "notifier", "sendSlack", false)));
        assertThat(hub.remediation().store().create(left, Optional.empty(), Optional.empty())).isTrue();
        hub.close();
        hub = null;

        // the old pod renewed its lease until it stopped; the new one adopts once it lapsed and the new one
        // renewed its own for a TTL without a gap (1 s here)
        HubSettings next = HubSettings.defaults(dir, 0).withHubId("pod-c41a");
        hub = Hub.start(next.withRemediate(next.remediate().withLeaseTtl(Duration.ofSeconds(1))), Clock.systemUTC());

        await().atMost(Duration.ofSeconds(60)).until(() -> hub.remediation().store().run("run-1").orElseThrow()
                .state().isFinished());
        RunRecord done = hub.remediation().store().run("run-1").orElseThrow();
        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.hubId()).isEqualTo("pod-c41a");
        assertThat(done.node("restart_service").attempts()).as("the restart, not run again").isEqualTo(1);
        assertThat(done.node("notify").state().isFinished()).isTrue();
    }
}
