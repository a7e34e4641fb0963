package io.commandcenter.cli;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.commandcenter.proto.v1.Approval;
import io.commandcenter.proto.v1.GetAutonomyResponse;
import io.commandcenter.proto.v1.NodeState;
import io.commandcenter.proto.v1.PredictionAction;
import io.commandcenter.proto.v1.RunState;
import io.commandcenter.proto.v1.WorkflowRun;
import io.commandcenter.proto.v1.WorkflowSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.ccReading;
import static io.commandcenter.cli.SharedHub.file;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code cc workflows | runs | approvals | autonomy | actions} against a real hub in this JVM. */
@ExtendWith(SharedHub.class)
class RemediateCliTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Notifies (the notifier logs when no Slack webhook is configured: it succeeds). */
    static final String NOTIFY = """
            name: notify-only
            description: Tell the team.
            trigger:
              on: [prediction.created]
            nodes:
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "Service $entity.id looks unwell."
            """;

    /** Restarts, then notifies: the hub has no executor for restarts, so the restart fails (NO_EXECUTOR). */
    static final String RESTART = """
            name: restart-then-notify
            trigger:
              on: [prediction.created]
            nodes:
              - id: restart_service
                agent: devops
                action: restart
                inputs:
                  service: $entity.id
              - id: notify
                agent: notifier
                action: sendSlack
                depends_on: [restart_service]
                inputs:
                  message: "Service $entity.id restarted."
            """;

    /** Always asks a person first (a budget of no automatic runs), then notifies. */
    static final String ASK_FIRST = """
            name: ask-first
            description: A person decides every run.
            trigger:
              on: [prediction.created]
            blast_radius:
              max_per_hour: 0
            nodes:
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "Service $entity.id was looked at by a person."
            """;

    static <T extends Message> T parse(String json, Supplier<Message.Builder> builder) {
        Message.Builder b = builder.get();
        try {
            JsonFormat.parser().merge(json, b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not JSON of " + b.getDescriptorForType().getFullName() + ": " + json, e);
        }
        @SuppressWarnings("unchecked")
        T message = (T) b.build();
        return message;
    }

    static WorkflowRun run(String project, String id) {
        Result r = cc("--project", project, "runs", "get", id, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return parse(r.out().strip(), WorkflowRun::newBuilder);
    }

    static List<PredictionAction> actions(String project) {
        Result r = cc("--project", project, "actions", "list", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().lines().map(l -> RemediateCliTest.<PredictionAction>parse(l, PredictionAction::newBuilder))
                .toList();
    }

    static List<Approval> approvals(String project, String... options) {
        String[] args = new String[5 + options.length];
        System.arraycopy(new String[]{"--project", project, "approvals", "list", "--json"}, 0, args, 0, 5);
        System.arraycopy(options, 0, args, 5, options.length);
        Result r = cc(args);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().lines().map(l -> RemediateCliTest.<Approval>parse(l, Approval::newBuilder)).toList();
    }

    /** The run id in {@code started run <id> of ...}. */
    static String startedRun(Result trigger) {
        assertThat(trigger.exit()).as(trigger.err()).isZero();
        assertThat(trigger.out()).startsWith("started run run-");
        return trigger.out().split(" ")[2];
    }

    // ---- workflows

    @Test
    void workflowsPut_storesRevisions_getPrintsTheYamlOfEach_andListShowsTheCurrentOne() {
        String p = project();
        Path first = file("notify.yaml", NOTIFY);
        Path second = file("notify2.yaml", NOTIFY.replace("Tell the team.", "Tell the whole team."));

        Result created = cc("--project", p, "workflows", "put", first.toString(), "--user", "ana.lima");
        Result unchanged = cc("--project", p, "workflows", "put", first.toString());
        Result revised = cc("--project", p, "workflows", "put", second.toString());
        Result current = cc("--project", p, "workflows", "get", "notify-only");
        Result old = cc("--project", p, "workflows", "get", "notify-only", "--revision", "1");
        Result list = cc("--project", p, "workflows", "list");
        Result json = cc("--project", p, "workflows", "list", "--json");

        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("notify-only revision 1 created (nodes notify)\n");
        assertThat(unchanged.out()).isEqualTo("notify-only revision 1 unchanged (nodes notify)\n");
        assertThat(revised.out()).startsWith("notify-only revision 2 created");
        assertThat(current.out()).isEqualTo(NOTIFY.replace("Tell the team.", "Tell the whole team."));
        assertThat(current.err()).contains("notify-only revision 2 of 2");
        assertThat(old.out()).isEqualTo(NOTIFY);
        assertThat(old.err()).contains("revision 1 of 2").contains("by ana.lima (key admin)");
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out().lines().skip(1).findFirst().orElseThrow()).startsWith("notify-only")
                .contains("prediction.created").contains("Tell the whole team.");
        WorkflowSummary summary = parse(json.out().strip(), WorkflowSummary::newBuilder);
        assertThat(summary.getName()).isEqualTo("notify-only");
        assertThat(summary.getRevision()).isEqualTo(2);
        assertThat(summary.getNodesList()).containsExactly("notify");
        assertThat(cc("--project", project(), "workflows", "list").out()).isEqualTo("no workflows\n");
        String q = project();
        Result fromStdin = ccReading(NOTIFY, "--project", q, "workflows", "put", "-");
        assertThat(fromStdin.out()).isEqualTo("notify-only revision 1 created (nodes notify)\n");
        assertThat(cc("--project", q, "workflows", "get", "notify-only").out()).isEqualTo(NOTIFY);
    }

    @Test
    void workflowsPut_ofABadFile_listsEveryProblemWithItsLineAndField_andExitsTwo() {
        String p = project();
        Path bad = file("bad.yaml", """
                name: broken
                trigger:
                  on: [prediction.created]
                nodes:
                  - id: restart
                    agent: devop
                    action: restart
                  - id: notify
                    agent: notifier
                    action: sendSlack
                    colour: blue
                """);

        Result r = cc("--project", p, "workflows", "put", bad.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("INVALID_ARGUMENT").contains(bad + " is not a valid workflow (2 problems)");
        List<String> problems = r.err().lines().skip(1).toList();
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("  line 6, column 12: nodes[0].agent: ").contains("devop");
        assertThat(problems.get(1)).startsWith("  line 11, column 5: nodes[1].colour: ");
        assertThat(cc("--project", p, "workflows", "list").out()).isEqualTo("no workflows\n");
        Result missing = cc("--project", p, "workflows", "put", bad + ".nope");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
    }

    @Test
    void workflowsGet_ofAnUnknownWorkflow_isNotFound() {
        Result r = cc("--project", project(), "workflows", "get", "nothing-here");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("cc: NOT_FOUND");
    }

    // ---- runs

    @Test
    void manualRuns_areListedWithTheirNodeStates_shownInFull_andFilteredByState() {
        String p = project();
        cc("--project", p, "workflows", "put", file("n.yaml", NOTIFY).toString());
        cc("--project", p, "workflows", "put", file("r.yaml", RESTART).toString());

        String ok = startedRun(cc("--project", p, "--user", "dev1", "workflows", "trigger", "notify-only",
                "--target", "service:checkout", "--reason", "try it"));
        String failing = startedRun(cc("--project", p, "workflows", "trigger", "restart-then-notify", "--target",
                "service/search"));
        await().atMost(WAIT).until(() -> run(p, ok).getState() == RunState.RUN_STATE_SUCCEEDED
                && run(p, failing).getState() == RunState.RUN_STATE_FAILED);

        Result list = cc("--project", p, "runs", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines()).hasSize(3);
        assertThat(list.out().lines().filter(l -> l.startsWith(ok))).singleElement().asString()
                .contains("notify-only@1").contains("service/checkout").contains("manual").contains("SUCCEEDED")
                .contains("notify=SUCCEEDED");
        assertThat(list.out().lines().filter(l -> l.startsWith(failing))).singleElement().asString()
                .contains("restart-then-notify@1").contains("FAILED")
                .contains("restart_service=FAILED notify=SKIPPED");

        Result failed = cc("--project", p, "runs", "list", "--state", "failed", "--json");
        assertThat(failed.out().lines()).singleElement()
                .satisfies(l -> assertThat(RemediateCliTest.<WorkflowRun>parse(l, WorkflowRun::newBuilder).getRunId())
                        .isEqualTo(failing));
        Result byWorkflow = cc("--project", p, "runs", "list", "--workflow", "notify-only", "--json");
        WorkflowRun only = parse(byWorkflow.out().strip(), WorkflowRun::newBuilder);
        assertThat(only.getRunId()).isEqualTo(ok);
        assertThat(only.getNodes(0).getState()).isEqualTo(NodeState.NODE_STATE_SUCCEEDED);
        assertThat(cc("--project", p, "runs", "list", "--target", "search", "--json").out().lines()).hasSize(1);
        assertThat(cc("--project", p, "runs", "list", "--target", "service/search", "--json").out().lines()).hasSize(1);
        assertThat(cc("--project", p, "runs", "list", "--target", "job/search").out()).isEqualTo("no runs\n");
        assertThat(cc("--project", p, "runs", "list", "--limit", "1").out().lines()).hasSize(2);

        Result get = cc("--project", p, "runs", "get", failing);
        assertThat(get.exit()).isZero();
        assertThat(get.out()).contains("workflow     restart-then-notify (revision 1)")
                .contains("state        FAILED").contains("decision     manual by ")
                .contains("restart_service  devops.restart  FAILED").contains("inputs   service=search")
                .contains("NO_EXECUTOR").contains("notify  notifier.sendSlack  SKIPPED");
        Result getOk = cc("--project", p, "runs", "get", ok);
        assertThat(getOk.out()).contains("decision     manual by dev1").contains(": try it")
                .contains("message=Service checkout looks unwell.").contains("output   {");
    }

    @Test
    void runsCancel_stopsARunningRun_andARunThatEndedCannotBeCancelled() {
        String p = project();
        // an external agent type (trainer is built into the hub now: the learning loop's)
        try (TestAgent trainer = TestAgent.connect(hub().grpcPort(), p, "batch", "crunch")) {
            cc("--project", p, "workflows", "put", file("train.yaml", """
                    name: retrain
                    trigger:
                      on: [prediction.created]
                    nodes:
                      - id: train
                        agent: batch
                        action: crunch
                        inputs:
                          model: service_health
                    """).toString());
            String id = startedRun(cc("--project", p, "workflows", "trigger", "retrain"));
            // the agent holds the task; the node reads RUNNING, or QUEUED when the hub missed the assignment
            // (it was assigned before the run recorded the task: see the report on RunExecutor)
            await().atMost(WAIT).until(() -> !trainer.assignments.isEmpty());

            Result running = cc("--project", p, "runs", "list", "--state", "running");
            Result cancel = cc("--project", p, "--user", "ops.bot", "runs", "cancel", id, "--reason", "wrong model");
            Result again = cc("--project", p, "runs", "cancel", id);

            assertThat(running.out()).contains(id).containsPattern("RUNNING +train=(QUEUED|RUNNING)");
            assertThat(cancel.exit()).as(cancel.err()).isZero();
            assertThat(cancel.out()).isEqualTo("run " + id + " is CANCELLED: cancelled by ops.bot (key admin): wrong model\n");
            WorkflowRun after = run(p, id);
            assertThat(after.getState()).isEqualTo(RunState.RUN_STATE_CANCELLED);
            assertThat(after.getNodes(0).getState()).isEqualTo(NodeState.NODE_STATE_CANCELLED);
            await().atMost(WAIT).until(() -> !trainer.revoked.isEmpty());
            assertThat(again.exit()).isEqualTo(2);
            assertThat(again.err()).startsWith("cc: FAILED_PRECONDITION").contains("already ended");
        }
    }

    @Test
    void badInputs_giveAClearMessageAndANonZeroExit() {
        String p = project();
        cc("--project", p, "workflows", "put", file("n.yaml", NOTIFY).toString());

        Result unknownRun = cc("--project", p, "runs", "get", "run-does-not-exist");
        Result badTarget = cc("--project", p, "workflows", "trigger", "notify-only", "--target", "checkout");
        Result badState = cc("--project", p, "runs", "list", "--state", "sleeping");
        Result unknownWorkflow = cc("--project", p, "workflows", "trigger", "nope", "--target", "service:x");
        Result both = cc("--project", p, "workflows", "trigger", "notify-only", "--target", "service:x",
                "--prediction", "p-1");
        Result badUser = cc("--project", p, "--user", "ana lima", "runs", "list");

        assertThat(unknownRun.exit()).isEqualTo(2);
        assertThat(unknownRun.err()).isEqualTo("cc: NOT_FOUND: no run run-does-not-exist in project " + p + "\n");
        assertThat(badTarget.exit()).isEqualTo(2);
        assertThat(badTarget.err()).contains("--target must be kind/id (or kind:id)").contains("'checkout'");
        assertThat(badState.exit()).isEqualTo(2);
        assertThat(badState.err()).contains("--state must be one of AWAITING_APPROVAL, RUNNING, SUCCEEDED");
        assertThat(unknownWorkflow.exit()).isEqualTo(2);
        assertThat(unknownWorkflow.err()).startsWith("cc: NOT_FOUND");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
        assertThat(badUser.exit()).isEqualTo(2);
        assertThat(badUser.err()).contains("--user must be a login");
        assertThat(cc("--project", p, "runs", "list").out()).isEqualTo("no runs\n");
    }

    // ---- approvals, dry run, decisions

    /** Two services that run steadily for four hours, then degrade together. */
    static Path degrading(String... services) {
        StringBuilder text = new StringBuilder("timestamp,service,latency_ms,error_rate,uptime\n");
        SplittableRandom random = new SplittableRandom(9);
        LocalDateTime end = LocalDateTime.now(ZoneOffset.UTC).withNano(0);
        for (int i = 0; i < 280; i++) {
            double p = i < 240 ? 0 : Math.min(1, (i - 239) / 10.0);
            for (String service : services) {
                text.append(end.minusMinutes(279 - i).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
                        .append(',').append(service).append(',')
                        .append(String.format(Locale.ROOT, "%.2f,%.4f,%.3f", 100 + 300 * p + random.nextDouble(-5, 5),
                                0.001 + 0.4 * p, 1 - 0.5 * p)).append('\n');
            }
        }
        return file("degrading.csv", text.toString());
    }

    @Test
    void approvals_askedInteractively_approveRunsTheWorkflow_rejectNeedsAReason_andBothAreRecordedWithTheUser() {
        String p = project();
        Result put = cc("--project", p, "workflows", "put", file("ask.yaml", ASK_FIRST).toString());
        assertThat(put.exit()).as(put.err()).isZero();
        Result ingest = cc("--project", p, "ingest", "--file", degrading("payments", "search").toString());
        assertThat(ingest.exit()).as(ingest.err()).isZero();
        hub().engine().sync();
        await().atMost(WAIT).until(() -> approvals(p).size() == 2);
        List<Approval> pending = approvals(p);
        Approval first = pending.get(0);
        Approval second = pending.get(1);

        Result table = cc("--project", p, "approvals");
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines()).hasSize(3);
        assertThat(table.out()).contains(first.getApprovalId()).contains("ask-first@1").contains("0/0")
                .contains("service/" + first.getPrediction().getTarget().getId()).contains("in 29m");

        // the dry run shows what would happen for the first prediction now (a run already waits on its target),
        // with its inputs resolved, and does nothing
        String predictionId = first.getPrediction().getPredictionId();
        Result dry = cc("--project", p, "workflows", "dry-run", "ask-first", "--prediction", predictionId);
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("match        yes: matches prediction.created.risk")
                .contains("decision     skip: 1 run(s) of ask-first already active on the target")
                .contains("1 notify  notifier.sendSlack")
                .contains("message = Service " + first.getPrediction().getTarget().getId()
                        + " was looked at by a person.");
        Result dryFile = cc("--project", p, "workflows", "dry-run", "--file",
                file("edit.yaml", ASK_FIRST.replace("max_per_hour: 0", "max_per_hour: 5")
                        .replace("    action: sendSlack", "    action: webhook")).toString(),
                "--prediction", predictionId);
        assertThat(dryFile.out()).contains("(not stored)").contains("notifier.webhook");
        Result dryWrongName = cc("--project", p, "workflows", "dry-run", "other", "--file",
                file("edit.yaml", ASK_FIRST).toString(), "--prediction", predictionId);
        assertThat(dryWrongName.exit()).isEqualTo(2);
        assertThat(dryWrongName.err()).contains("is workflow 'ask-first', not 'other'");
        assertThat(approvals(p)).hasSize(2);

        // approve the first, skip the second
        Result session = ccReading("y\nlooks right\ns\n", "--project", p, "--user", "ana.lima", "approvals",
                "--prompt");
        assertThat(session.exit()).as(session.err()).isZero();
        assertThat(session.out()).contains("2 pending approvals; deciding as ana.lima")
                .contains("approval " + first.getApprovalId()).contains("why asked").contains("would run     notifier.sendSlack")
                .contains("Approve? [y/N/s(kip)] Reason (optional): ")
                .contains("approved " + first.getApprovalId() + " by ana.lima (key admin): run " + first.getRunId())
                .contains("skipped " + second.getApprovalId());
        await().atMost(WAIT).until(() -> run(p, first.getRunId()).getState() == RunState.RUN_STATE_SUCCEEDED);
        assertThat(run(p, first.getRunId()).getMode()).isEqualTo("approved");
        assertThat(actions(p)).singleElement().satisfies(a -> {
            assertThat(a.getDecision()).isEqualTo("approved");
            assertThat(a.getDecidedBy()).isEqualTo("ana.lima (key admin)");
            assertThat(a.getReason()).isEqualTo("looks right");
            assertThat(a.getRunId()).isEqualTo(first.getRunId());
            assertThat(a.getPredictionId()).isEqualTo(predictionId);
        });
        assertThat(cc("--project", p, "runs", "get", first.getRunId()).out())
                .contains("decision     approved by ana.lima (key admin) at ").contains(": looks right")
                .contains("prediction   " + predictionId);
        // with the run over, the same dry run would now ask a person (the workflow's budget is no automatic run)
        assertThat(cc("--project", p, "workflows", "dry-run", "ask-first", "--prediction", predictionId).out())
                .contains("decision     approval: ").contains("the workflow always asks a person (max_per_hour 0)");

        // a rejection without a reason is refused, by the command line and by the prompt
        Result noReason = cc("--project", p, "approvals", "reject", second.getApprovalId());
        Result blankReason = cc("--project", p, "approvals", "reject", second.getApprovalId(), "--reason", " ");
        assertThat(noReason.exit()).isEqualTo(2);
        assertThat(noReason.err()).contains("Missing required option: '--reason=<reason>'");
        assertThat(blankReason.exit()).isEqualTo(2);
        assertThat(blankReason.err()).contains("--reason must say why");
        Result gaveUp = ccReading("n\n\n", "--project", p, "--user", "bob", "approvals", "--prompt");
        assertThat(gaveUp.out()).contains("Reason (required): A rejection needs a reason")
                .contains("not rejected (no reason given)");
        assertThat(approvals(p)).extracting(Approval::getApprovalId).containsExactly(second.getApprovalId());

        Result reject = ccReading("maybe\nn\nmaintenance window\n", "--project", p, "--user", "bob", "approvals",
                "--prompt");
        assertThat(reject.exit()).as(reject.err()).isZero();
        assertThat(reject.out()).contains("please answer y (approve), n (reject) or s (skip)")
                .contains("rejected " + second.getApprovalId() + " by bob (key admin): maintenance window");
        assertThat(run(p, second.getRunId()).getState()).isEqualTo(RunState.RUN_STATE_REJECTED);
        assertThat(actions(p)).filteredOn(a -> a.getRunId().equals(second.getRunId())).singleElement()
                .satisfies(a -> {
                    assertThat(a.getDecision()).isEqualTo("rejected");
                    assertThat(a.getDecidedBy()).isEqualTo("bob (key admin)");
                    assertThat(a.getReason()).isEqualTo("maintenance window");
                });
        Result actionsTable = cc("--project", p, "actions", "list", "--prediction", predictionId);
        assertThat(actionsTable.out().lines()).hasSize(2);
        assertThat(actionsTable.out()).contains("approved").contains("ana.lima").contains(first.getRunId());
        Result ofOneRun = cc("--project", p, "actions", "list", "--run", second.getRunId());
        assertThat(ofOneRun.out().lines()).hasSize(2);
        assertThat(ofOneRun.out()).contains("rejected").contains("bob").doesNotContain(first.getRunId());

        // nothing is pending any more; the decided ones are listed by state
        assertThat(cc("--project", p, "approvals").out()).isEqualTo("no pending approvals\n");
        assertThat(approvals(p, "--state", "rejected")).extracting(Approval::getDecidedBy)
                .containsExactly("bob (key admin)");
        assertThat(cc("--project", p, "approvals", "list", "--state", "approved").out())
                .contains(first.getApprovalId()).contains("APPROVED").contains("ana.lima (key admin): looks right");
        Result shown = cc("--project", p, "approvals", "get", second.getApprovalId());
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("approval " + second.getApprovalId()).contains("decided")
                .contains("by bob (key admin): maintenance window");
        Result decided = cc("--project", p, "approvals", "approve", second.getApprovalId());
        assertThat(decided.exit()).isEqualTo(2);
        assertThat(decided.err()).startsWith("cc: FAILED_PRECONDITION").contains("already rejected by bob");

        // the decisions are feedback: the approved prediction an incident, the rejected one a false alarm
        String secondPrediction = second.getPrediction().getPredictionId();
        Path csv = file(p + "-feedback.csv", "");
        Result export = cc("--project", p, "feedback", "export", "--output", csv.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).isEqualTo("2 row(s) written to " + csv + " (1 incident, 1 no incident)\n");
        List<String> lines = readLines(csv);
        assertThat(lines.get(0)).startsWith("time,entity_kind,entity_id,model,model_version,run_id,prediction_id,"
                + "label,source,reason,risk,").contains(",health_error_rate");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("," + predictionId + ",1,approval,looks right,"))
                .anySatisfy(l -> assertThat(l).contains("," + secondPrediction + ",0,rejection,maintenance window,"));

        // a person's label wins over the rejection; a declared incident labels the window's runs
        Result label = cc("--project", p, "predictions", "label", secondPrediction, "--incident", "--reason",
                "it did fail");
        assertThat(label.exit()).as(label.err()).isZero();
        assertThat(label.out()).contains("labelled incident");
        Result both = cc("--project", p, "predictions", "label", secondPrediction, "--incident", "--false-alarm");
        assertThat(both.exit()).isEqualTo(2);
        Result incident = cc("--project", p, "incidents", "add", "--entity", "payments", "--from", "6h", "--to",
                java.time.Instant.now().plusSeconds(600).toString(), "--reason", "disk full");
        assertThat(incident.exit()).as(incident.err()).isZero();
        assertThat(incident.out()).contains("on service/payments declared").contains("model run(s) labelled");
        cc("--project", p, "feedback", "export", "--output", csv.toString());
        assertThat(readLines(csv)).anySatisfy(l -> assertThat(l).contains("," + secondPrediction + ",1,person,it did fail,"));
        // the entity as every listing prints it (kind/id) is the same entity; a kind that contradicts it is refused
        Result listedForm = cc("--project", p, "incidents", "add", "--entity", "service/payments", "--from", "6h", "--to",
                java.time.Instant.now().plusSeconds(600).toString());
        assertThat(listedForm.exit()).as(listedForm.err()).isZero();
        assertThat(listedForm.out()).contains("on service/payments declared");
        assertThat(listedForm.out().replaceAll(".* declared: ", "")).isEqualTo(incident.out().replaceAll(".* declared: ", ""));
        Result contradicted = cc("--project", p, "incidents", "add", "--entity", "service/payments", "--kind", "job",
                "--from", "1h", "--to", "0m");
        assertThat(contradicted.exit()).isEqualTo(2);
        assertThat(contradicted.err()).contains("--entity service/payments is of kind service, not --kind job");
        Result badWindow = cc("--project", p, "incidents", "add", "--entity", "payments", "--from", "1h", "--to", "2h");
        assertThat(badWindow.exit()).isEqualTo(2);
        assertThat(badWindow.err()).contains("--to (").contains("must be after --from");
    }

    static List<String> readLines(Path file) {
        try {
            return java.nio.file.Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void runsCancel_ofARunWaitingForApproval_withdrawsIt() {
        String p = project();
        cc("--project", p, "workflows", "put", file("ask.yaml", ASK_FIRST).toString());
        cc("--project", p, "ingest", "--file", degrading("billing").toString());
        hub().engine().sync();
        await().atMost(WAIT).until(() -> approvals(p).size() == 1);
        Approval approval = approvals(p).get(0);

        Result waiting = cc("--project", p, "runs", "get", approval.getRunId());
        Result cancel = cc("--project", p, "--user", "carol", "runs", "cancel", approval.getRunId());

        assertThat(waiting.out()).contains("state        AWAITING_APPROVAL")
                .contains("decision     waiting for a person (approval " + approval.getApprovalId() + ")");
        assertThat(cancel.exit()).as(cancel.err()).isZero();
        assertThat(cancel.out()).startsWith("run " + approval.getRunId() + " is REJECTED");
        assertThat(approvals(p)).isEmpty();
        assertThat(approvals(p, "--state", "rejected")).extracting(Approval::getDecidedBy).containsExactly("carol (key admin)");
        assertThat(waiting.out()).contains("outcome      not observed yet: judged a window after the decision");
        assertThat(cc("--project", p, "runs", "get", approval.getRunId()).out())
                .contains("state        REJECTED")
                .contains("outcome      not observed (yet): nothing ran; the rejection is judged a window after it");
    }

    // ---- autonomy

    @Test
    void autonomy_pauseAndResume_roundTrip_forTheProjectAndGlobally() {
        String p = project();
        String other = project();

        Result before = cc("--project", p, "autonomy");
        Result pause = cc("--project", p, "--user", "carol", "autonomy", "pause", "--reason", "change freeze");
        Result paused = cc("--project", p, "autonomy");
        GetAutonomyResponse pausedJson = parse(cc("--project", p, "autonomy", "--json").out().strip(),
                GetAutonomyResponse::newBuilder);
        Result otherProject = cc("--project", other, "autonomy");
        Result resume = cc("--project", p, "--user", "carol", "autonomy", "resume");
        Result resumed = cc("--project", p, "autonomy");

        assertThat(before.exit()).isZero();
        assertThat(before.out()).startsWith("automatic    yes");
        assertThat(pause.exit()).as(pause.err()).isZero();
        assertThat(pause.out()).isEqualTo("automatic actions PAUSED in project " + p + " by carol (key admin): change freeze\n");
        assertThat(paused.out()).startsWith("automatic    no").contains("project      PAUSED (" + p + ") since ")
                .contains("by carol (key admin): change freeze");
        assertThat(pausedJson.getAutomatic()).isFalse();
        assertThat(pausedJson.getProject().getPaused()).isTrue();
        assertThat(pausedJson.getGlobal().getPaused()).isFalse();
        assertThat(otherProject.out()).startsWith("automatic    yes");
        assertThat(resume.out()).isEqualTo("automatic actions resumed in project " + p + " by carol (key admin)\n");
        assertThat(resumed.out()).startsWith("automatic    yes").contains("project      running (" + p + ")");

        try {
            Result global = cc("--project", p, "--user", "carol", "autonomy", "pause", "--global", "--reason", "incident");
            assertThat(global.out()).isEqualTo("automatic actions PAUSED for every project by carol (key admin): incident\n");
            assertThat(cc("--project", other, "autonomy").out()).startsWith("automatic    no")
                    .contains("global       PAUSED since");
        } finally {
            Result globalResume = cc("--project", p, "autonomy", "resume", "--global");
            assertThat(globalResume.exit()).isZero();
        }
        assertThat(cc("--project", other, "autonomy").out()).startsWith("automatic    yes");
    }
}
