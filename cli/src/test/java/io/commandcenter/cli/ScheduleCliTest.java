package io.commandcenter.cli;

import io.commandcenter.proto.v1.Agent;
import io.commandcenter.proto.v1.AgentAssignment;
import io.commandcenter.proto.v1.Assignment;
import io.commandcenter.proto.v1.ScheduledTask;
import io.commandcenter.proto.v1.ScheduledTaskState;
import io.commandcenter.proto.v1.SubmitTaskResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.commandcenter.cli.RemediateCliTest.parse;
import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code cc tasks | agents | assignments} against a real hub in this JVM. */
@ExtendWith(SharedHub.class)
class ScheduleCliTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static ScheduledTask task(String project, String id) {
        Result r = cc("--project", project, "tasks", "get", id, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return parse(r.out().strip(), ScheduledTask::newBuilder);
    }

    static SubmitTaskResponse submit(String project, String... options) {
        String[] args = new String[5 + options.length];
        System.arraycopy(new String[]{"--project", project, "tasks", "submit", "--json"}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        Result r = cc(args);
        assertThat(r.exit()).as(r.err()).isZero();
        return parse(r.out().strip(), SubmitTaskResponse::newBuilder);
    }

    @Test
    void agentsList_showsTheBuiltInDevopsAndNotifierAgents_andTheirPools() {
        Result r = cc("--project", project(), "agents", "list");
        Result json = cc("--project", project(), "agents", "list", "--json");
        Result devops = cc("--project", project(), "agents", "list", "--type", "devops", "--json");
        Result pools = cc("--project", project(), "agents", "pools");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("devops ") && l.contains("CONNECTED"))).singleElement()
                .asString().contains("devops:").contains("restart").contains("scale").contains("rollback");
        assertThat(r.out().lines().filter(l -> l.startsWith("notifier ") && l.contains("CONNECTED"))).singleElement()
                .asString().contains("sendSlack").contains("webhook");
        assertThat(r.out()).containsPattern("\n\nTYPE +CAPACITY +FREE +RESERVED +QUEUED +WAITING +ASSIGNED\n");
        List<Agent> agents = json.out().lines().map(l -> RemediateCliTest.<Agent>parse(l, Agent::newBuilder)).toList();
        assertThat(agents).extracting(Agent::getAgentType).contains("devops", "notifier");
        assertThat(agents).allSatisfy(a -> assertThat(a.getCapacity()).isPositive());
        assertThat(devops.out().lines()).singleElement().asString().contains("\"agentType\":\"devops\"");
        assertThat(pools.out().lines().filter(l -> l.startsWith("notifier "))).hasSize(1);
        Result badType = cc("--project", project(), "agents", "list", "--type", "Not A Type");
        assertThat(badType.exit()).isEqualTo(2);
        assertThat(badType.err()).startsWith("cc: INVALID_ARGUMENT").contains("agent_type");
    }

    @Test
    void json_printsEveryField_zerosAndEmptyMapsIncluded() {
        String p = project();
        try (TestAgent idle = TestAgent.connect(hub().grpcPort(), p, "idler", "wait")) {
            Result json = cc("--project", p, "agents", "list", "--type", "idler", "--json");

            assertThat(json.exit()).as(json.err()).isZero();
            assertThat(json.out().lines()).singleElement().asString()
                    .contains("\"agentType\":\"idler\"", "\"leased\":0", "\"successRates\":{}");
        }
    }

    @Test
    void tasksSubmit_runsOnTheBuiltInNotifier_isIdempotentOnItsKey_andGetAndListShowIt() {
        String p = project();

        SubmitTaskResponse first = submit(p, "--agent", "notifier", "--action", "sendSlack", "--input",
                "message=hello from the cli", "--target", "service:checkout", "--priority", "7", "--cost", "2",
                "--idempotency-key", "greeting-1");
        SubmitTaskResponse again = submit(p, "--agent", "notifier", "--action", "sendSlack", "--input",
                "message=hello from the cli", "--target", "service/checkout", "--priority", "7", "--cost", "2",
                "--idempotency-key", "greeting-1");
        Result reused = cc("--project", p, "tasks", "submit", "--agent", "notifier", "--action", "sendSlack",
                "--input", "message=something else", "--idempotency-key", "greeting-1");
        String id = first.getTask().getTaskId();
        await().atMost(WAIT).until(() -> task(p, id).getState() == ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED);

        assertThat(first.getCreated()).isTrue();
        assertThat(first.getTask().getCapability()).isEqualTo("notifier.sendSlack");
        assertThat(first.getTask().getPriority()).isEqualTo(7);
        assertThat(first.getTask().getCost()).isEqualTo(2.0);
        assertThat(first.getTask().getInputs().getFieldsMap().get("message").getStringValue())
                .isEqualTo("hello from the cli");
        assertThat(again.getCreated()).isFalse();
        assertThat(again.getTask().getTaskId()).isEqualTo(id);
        assertThat(reused.exit()).isNotZero();
        assertThat(reused.err()).startsWith("cc: ALREADY_EXISTS").contains("greeting-1");

        Result get = cc("--project", p, "tasks", "get", id);
        assertThat(get.exit()).isZero();
        assertThat(get.out()).contains("task         " + id + " (project " + p + ")")
                .contains("capability   notifier.sendSlack").contains("state        SUCCEEDED")
                .contains("target       service/checkout").contains("\"message\":\"hello from the cli\"")
                .contains("key          greeting-1").contains("assignment   agent notifier:")
                .contains("score        ").contains("result       SUCCEEDED").contains("{\"channel\":\"log\"}");
        Result list = cc("--project", p, "tasks", "list");
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out().lines().skip(1).findFirst().orElseThrow()).startsWith(id)
                .contains("notifier.sendSlack").contains("SUCCEEDED").contains("1/3").contains("service/checkout");
        assertThat(cc("--project", p, "tasks", "list", "--state", "succeeded", "--json").out().lines())
                .singleElement().satisfies(l -> assertThat(RemediateCliTest.<ScheduledTask>parse(l,
                        ScheduledTask::newBuilder).getTaskId()).isEqualTo(id));
        assertThat(cc("--project", p, "tasks", "list", "--state", "queued,assigned").out()).isEqualTo("no tasks\n");

        Result human = cc("--project", p, "tasks", "submit", "--agent", "notifier", "--action", "sendSlack",
                "--input", "message=second");
        assertThat(human.out()).startsWith("task ").contains(" submitted: notifier.sendSlack, ")
                .contains("(priority 5, cost 1)");
    }

    @Test
    void tasksCancel_revokesTheLeaseOfAnAssignedTask_andAFinishedTaskCannotBeCancelled() {
        String p = project();
        try (TestAgent agent = TestAgent.connect(hub().grpcPort(), p, "holder", "hold")) {
            String id = submit(p, "--agent", "holder", "--action", "hold").getTask().getTaskId();
            await().atMost(WAIT).until(() -> !agent.assignments.isEmpty());
            AgentAssignment assignment = agent.assignments.peek();
            assertThat(assignment.getTaskId()).isEqualTo(id);
            assertThat(task(p, id).getState()).isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_ASSIGNED);

            Result cancel = cc("--project", p, "tasks", "cancel", id, "--reason", "not needed");

            assertThat(cancel.exit()).as(cancel.err()).isZero();
            assertThat(cancel.out()).startsWith("task " + id + " is CANCELLED");
            assertThat(task(p, id).getState()).isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_CANCELLED);
            await().atMost(WAIT).until(() -> agent.revoked.stream().anyMatch(r -> r.getTaskId().equals(id)));
            assertThat(agent.revoked).filteredOn(r -> r.getTaskId().equals(id)).first()
                    .satisfies(r -> assertThat(r.getReason()).isEqualTo("CANCELLED"));
        }
        String done = submit(p, "--agent", "notifier", "--action", "sendSlack", "--input", "message=x")
                .getTask().getTaskId();
        await().atMost(WAIT).until(() -> task(p, done).getState() == ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED);
        Result finished = cc("--project", p, "tasks", "cancel", done);
        assertThat(finished.exit()).isEqualTo(2);
        assertThat(finished.err()).startsWith("cc: FAILED_PRECONDITION");
    }

    @Test
    void assignments_listsTheDecisionsWithTheirScoreTerms_andFollowStopsAfterCount() throws Exception {
        String p = project();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> following = CompletableFuture.supplyAsync(() -> SharedHub.run(
                new BufferedReader(new StringReader("")), out, err, "--project", p, "assignments", "--count", "2",
                "--json"));
        // decisions are streamed from the moment the hub confirms the stream: only then submit
        await().atMost(WAIT).until(() -> err.toString().contains("following assignments in project " + p));

        String a = submit(p, "--agent", "notifier", "--action", "sendSlack", "--input", "message=a").getTask()
                .getTaskId();
        String b = submit(p, "--agent", "devops", "--action", "restart", "--input", "service=search").getTask()
                .getTaskId();

        assertThat(following.get(30, TimeUnit.SECONDS)).isZero();
        List<Assignment> streamed = out.toString().lines()
                .map(l -> RemediateCliTest.<Assignment>parse(l, Assignment::newBuilder)).toList();
        assertThat(streamed).extracting(Assignment::getTaskId).containsExactlyInAnyOrder(a, b);
        assertThat(streamed).allSatisfy(x -> assertThat(x.getScore().getTotal()).isPositive());

        Result list = cc("--project", p, "assignments");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines()).hasSize(3);
        assertThat(list.out().lines().filter(l -> l.contains(b))).singleElement().asString()
                .contains("devops.restart").contains("devops:").contains("(cap 1.00 head ");
        Result one = cc("--project", p, "assignments", "--task", a, "--json");
        assertThat(one.out().lines()).singleElement().asString().contains("\"taskId\":\"" + a + "\"");
        Result human = cc("--project", p, "assignments", "--count", "1", "--task", a);
        assertThat(human.exit()).isEqualTo(2);
        assertThat(human.err()).contains("--follow streams every decision");
    }

    @Test
    void badInputs_giveAClearMessageAndANonZeroExit() {
        String p = project();

        Result noEquals = cc("--project", p, "tasks", "submit", "--agent", "devops", "--action", "restart",
                "--input", "service");
        Result badTarget = cc("--project", p, "tasks", "submit", "--agent", "devops", "--action", "restart",
                "--target", "service/");
        Result unknownCapability = cc("--project", p, "tasks", "submit", "--agent", "nobody", "--action", "work");
        Result noAgent = cc("--project", p, "tasks", "submit", "--action", "restart");
        Result unknownTask = cc("--project", p, "tasks", "get", "t-0000-nowhere-1");
        Result malformedTask = cc("--project", p, "tasks", "get", "no-such-task");
        Result badState = cc("--project", p, "tasks", "list", "--state", "done");

        assertThat(noEquals.exit()).isEqualTo(2);
        assertThat(noEquals.err()).contains("--input must be key=value").contains("'service'");
        assertThat(badTarget.exit()).isEqualTo(2);
        assertThat(badTarget.err()).contains("--target must be an entity: kind/id").contains("'service/'");
        assertThat(unknownCapability.exit()).isEqualTo(2);
        assertThat(unknownCapability.err()).startsWith("cc: INVALID_ARGUMENT").contains("nobody.work");
        assertThat(noAgent.exit()).isEqualTo(2);
        assertThat(noAgent.err()).contains("Missing required option: '--agent=TYPE'");
        assertThat(unknownTask.exit()).isEqualTo(2);
        assertThat(unknownTask.err()).startsWith("cc: NOT_FOUND");
        assertThat(malformedTask.exit()).isEqualTo(2);
        assertThat(malformedTask.err()).isEqualTo("cc: INVALID_ARGUMENT: task_id: not a task id: 'no-such-task'\n");
        assertThat(badState.exit()).isEqualTo(2);
        assertThat(badState.err()).contains("--state must be one of WAITING, QUEUED, ASSIGNED, SUCCEEDED, FAILED, "
                + "CANCELLED");
        assertThat(cc("--project", p, "tasks", "list").out()).isEqualTo("no tasks\n");
    }
}
