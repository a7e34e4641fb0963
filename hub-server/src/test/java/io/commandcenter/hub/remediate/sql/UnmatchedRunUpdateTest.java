package io.commandcenter.hub.remediate.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.RunMode;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a fenced UPDATE of a run's row that matched nothing means, by the owner read after it
 * (ADR 0028): not stored yet, lost to another hub, or (the writer's own id) changed hands and back
 * meanwhile, which is tried again rather than taken as lost.
 */
class UnmatchedRunUpdateTest {
    private static final Instant T0 = Instant.parse("2026-12-07T07:00:00Z");
    private final RunRecord run = new RunRecord("r-1", new ProjectId("demo"), "burst-restart", 1, RunState.RUNNING,
            RunMode.AUTOMATIC, "prediction.created.risk", "pred-1", null, "service", "svc-1", "k1", null, "hub-a", "",
            null, T0, T0, null, T0.plus(Duration.ofMinutes(30)),
            List.of(NodeRecord.pending("restart_service", 0, "devops", "restart", false)));

    @Test
    void noRow_isNotStoredYet_anotherOwner_isLost() {
        assertThat(JpaRemediationStore.unmatched(run, null)).isEmpty();
        assertThat(JpaRemediationStore.unmatched(run, "hub-b")).contains("hub-b");
    }

    @Test
    void theWritersOwnIdReadBack_isNotLost_butWrittenAgain() {
        assertThatThrownBy(() -> JpaRemediationStore.unmatched(run, "hub-a"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.reason()).isEqualTo("RUN_OWNER_CHANGED");
                });
    }
}
