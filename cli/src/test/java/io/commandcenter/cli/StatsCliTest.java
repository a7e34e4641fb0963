package io.commandcenter.cli;

import io.commandcenter.cli.SharedHub.Result;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.proto.v1.Approval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.file;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code cc stats}: the project's headline figures from the hub's counters, and its bad arguments. */
@ExtendWith(SharedHub.class)
class StatsCliTest {

    @Test
    void stats_countPredictionsDecisionsAndJudgements_ofTheProjectOnly() {
        String p = project();
        Result empty = cc("--project", p, "stats");
        assertThat(empty.exit()).as(empty.err()).isZero();
        assertThat(empty.out()).contains("predictions           0\n").contains("precision             -\n")
                .contains("auto-remediation      - (no outcome judged)\n").contains("approvals pending     0\n");

        assertThat(cc("--project", p, "workflows", "put",
                file("ask.yaml", RemediateCliTest.ASK_FIRST).toString()).exit()).isZero();
        Result ingest = cc("--project", p, "ingest", "--file",
                RemediateCliTest.degrading("payments", "search").toString());
        assertThat(ingest.exit()).as(ingest.err()).isZero();
        hub().engine().sync();
        await().atMost(RemediateCliTest.WAIT).until(() -> RemediateCliTest.approvals(p).size() == 2);
        List<Approval> pending = RemediateCliTest.approvals(p);
        hub().remediation().reject(ProjectId.of(p), pending.get(0).getApprovalId(), "ana", "maintenance window");

        Result stats = cc("--project", p, "stats", "--since", "1h");
        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("predictions           2, average confidence 0.")
                .contains("judged                0 right, 1 false alarms, 0 missed incidents\n")
                .contains("precision             0.0 %\n").contains("false-positive rate   100.0 %\n")
                .contains("recall                -\n")
                .contains("decisions             0 automatic, 2 to a person, 0 refused\n")
                .contains("approvals pending     1\n");
        Result json = cc("--project", p, "stats", "--json");
        assertThat(json.out()).contains("\"predictions\":\"2\"").contains("\"falsePositives\":\"1\"")
                .contains("\"approvalsPending\":\"1\"").contains("\"falsePositiveRate\":1.0");
        // another project sees none of it
        assertThat(cc("--project", project(), "stats").out()).contains("predictions           0\n");
    }

    @Test
    void badWindows_areRefused_namingTheOption() {
        Result word = cc("stats", "--since", "yesterday");
        Result tooLong = cc("stats", "--since", "25h");
        assertThat(word.exit()).isEqualTo(2);
        assertThat(word.err()).contains("--since must be a span back from now");
        assertThat(tooLong.exit()).isEqualTo(2);
        assertThat(tooLong.err()).startsWith("cc: INVALID_ARGUMENT").contains("window").contains("24h");
    }
}
