package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.Assignment;
import io.commandcenter.proto.v1.AssignmentScore;
import io.commandcenter.proto.v1.Delegation;
import io.commandcenter.proto.v1.ListAssignmentsRequest;
import io.commandcenter.proto.v1.ListAssignmentsResponse;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.proto.v1.WatchAssignmentsRequest;
import io.commandcenter.proto.v1.WatchAssignmentsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc assignments}: which agent got each task, and the score terms that chose it. */
@Command(name = "assignments", description = "Recent assignment decisions of the project with their score terms; "
        + "--follow streams new ones until interrupted (or --count are seen).")
public final class AssignmentsCommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", description = "Only decisions about this task (not with --follow).")
    String task;
    @Option(names = "--agent", description = "Only decisions for this agent id (not with --follow).")
    String agent;
    @Option(names = "--limit", defaultValue = "20", description = "How many recent ones (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--follow", description = "Stream decisions as they are made (no replay), until interrupted.")
    boolean follow;
    @Option(names = "--count", description = "With --follow (implied): stop after this many decisions.")
    Long count;
    @Option(names = "--delegations", description = "With --follow: also stream the meta hub's delegations.")
    boolean delegations;
    @Option(names = "--json", description = "One JSON object per decision (protobuf JSON mapping).")
    boolean json;

    @Override
    public Integer call() {
        if (count != null) {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be at least 1");
            }
            follow = true;
        }
        if (follow && (task != null || agent != null)) {
            throw new IllegalArgumentException("--task and --agent filter the recent decisions; --follow streams "
                    + "every decision of the project");
        }
        return follow ? follow() : list();
    }

    private int list() {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1");
        }
        ListAssignmentsRequest.Builder request = ListAssignmentsRequest.newBuilder()
                .setTaskId(task == null ? "" : task).setAgentId(agent == null ? "" : agent);
        List<Assignment> assignments = new ArrayList<>();
        try (HubConnection hub = cc.connect()) {
            var stub = hub.scoped(ScheduleServiceGrpc.newBlockingStub(hub.channel()));
            String token = "";
            do {
                ListAssignmentsResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listAssignments(
                        request.setPageSize(Math.min(1000, limit - assignments.size())).setPageToken(token).build());
                assignments.addAll(page.getAssignmentsList());
                token = page.getNextPageToken();
            } while (!token.isEmpty() && assignments.size() < limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            assignments.forEach(a -> out.println(ProtoJson.print(a)));
            return 0;
        }
        if (assignments.isEmpty()) {
            out.println("no assignments");
            return 0;
        }
        Table table = new Table("ASSIGNED", "TASK", "CAPABILITY", "AGENT", "HUB", "ATTEMPT", "WAITED", "SCORE",
                "CANDIDATES");
        for (Assignment a : assignments) {
            table.row(Text.time(a.getAssignTime()), a.getTaskId(), a.getCapability(), a.getAgentId(),
                    a.getAgentHubId(), a.getAttempt(), waited(a), score(a) + (a.getUsedReservedCapacity()
                            ? " reserved" : ""), a.getCandidates());
        }
        table.print(out);
        return 0;
    }

    private int follow() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (HubConnection hub = cc.connect()) {
            Iterator<WatchAssignmentsResponse> stream = hub.scoped(ScheduleServiceGrpc.newBlockingStub(hub.channel()))
                    .watchAssignments(WatchAssignmentsRequest.newBuilder().setIncludeDelegations(delegations).build());
            long seen = 0;
            while ((count == null || seen < count) && stream.hasNext()) {
                WatchAssignmentsResponse message = stream.next();
                switch (message.getKindCase()) {
                    case STARTED -> err.printf("following assignments in project %s on hub %s (buffer %d)%n",
                            message.getStarted().getProjectId(), message.getStarted().getHubId(),
                            message.getStarted().getBufferSize());
                    case DROPPED -> err.printf("!! %d decisions dropped: this client reads too slowly%n",
                            message.getDropped().getCount());
                    case ASSIGNMENT -> {
                        seen++;
                        out.println(json ? ProtoJson.print(message.getAssignment()) : line(message.getAssignment()));
                    }
                    case DELEGATION -> {
                        seen++;
                        out.println(json ? ProtoJson.print(message.getDelegation()) : line(message.getDelegation()));
                    }
                    default -> {
                    }
                }
                out.flush();
                err.flush();
            }
        }
        return 0;
    }

    static String line(Assignment a) {
        return String.format(Locale.ROOT, "%s  task %s  %s -> %s (hub %s)  attempt %d, waited %s, score %s, %d "
                        + "candidate%s%s", Text.time(a.getAssignTime()), a.getTaskId(), a.getCapability(),
                a.getAgentId(), a.getAgentHubId(), a.getAttempt(), waited(a), score(a), a.getCandidates(),
                a.getCandidates() == 1 ? "" : "s", a.getUsedReservedCapacity() ? ", reserved capacity" : "");
    }

    static String line(Delegation d) {
        return String.format(Locale.ROOT, "%s  task %s  %s delegated from hub %s to hub %s by %s (backlog %d, %d free)",
                Text.time(d.getTime()), d.getTaskId(), d.getCapability(), d.getFromHubId(), d.getToHubId(),
                d.getDecidedByHubId(), d.getBacklog(), d.getFreeSlots());
    }

    /** {@code 0.91 (cap 1.00 head 0.88 succ 0.75 aff 1.00)}: the total and its terms. */
    static String score(Assignment a) {
        AssignmentScore s = a.getScore();
        return String.format(Locale.ROOT, "%.2f (cap %.2f head %.2f succ %.2f aff %.2f)", s.getTotal(),
                s.getCapabilityMatch(), s.getHeadroom(), s.getSuccessRate(), s.getAffinity());
    }

    static String waited(Assignment a) {
        Duration d = Duration.ofSeconds(a.getQueueDelay().getSeconds(), a.getQueueDelay().getNanos());
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? d.toMillis() + "ms" : Text.span(d);
    }
}
