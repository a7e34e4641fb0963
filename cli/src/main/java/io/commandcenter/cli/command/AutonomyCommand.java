package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.Autonomy;
import io.commandcenter.proto.v1.GetAutonomyRequest;
import io.commandcenter.proto.v1.GetAutonomyResponse;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.SetAutonomyRequest;
import io.commandcenter.proto.v1.SetAutonomyResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc autonomy}: the kill switch of automatic remediation. */
@Command(name = "autonomy", description = "Whether automatic actions run (project and global kill switch); "
        + "pause or resume them.",
        subcommands = {AutonomyCommand.PauseCommand.class, AutonomyCommand.ResumeCommand.class})
public final class AutonomyCommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        GetAutonomyResponse response;
        try (HubConnection hub = cc.connect()) {
            response = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS).getAutonomy(GetAutonomyRequest.getDefaultInstance());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ProtoJson.print(response));
            return 0;
        }
        out.printf("automatic    %s%n", response.getAutomatic() ? "yes: predictions may start runs on their own"
                : "no: predictions raise approvals instead");
        out.printf("project      %s%n", describe(response.getProject()));
        out.printf("global       %s%n", describe(response.getGlobal()));
        return 0;
    }

    /** {@code paused since T by U: reason}, or {@code running}. */
    static String describe(Autonomy a) {
        String who = Text.isSet(a.getChangeTime()) ? " since " + Text.time(a.getChangeTime()) + " by "
                + Text.orDash(a.getChangedBy()) + (a.getReason().isEmpty() ? "" : ": " + a.getReason()) : "";
        return (a.getPaused() ? "PAUSED" : "running") + (a.getScope().equals("global") ? "" : " (" + a.getScope() + ")")
                + who;
    }

    static int set(AutonomyCommand parent, boolean paused, boolean global, String reason, boolean json) {
        SetAutonomyResponse response;
        try (HubConnection hub = parent.cc.connect()) {
            response = hub.scoped(RemediateServiceGrpc.newBlockingStub(hub.channel()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS).setAutonomy(SetAutonomyRequest.newBuilder()
                            .setPaused(paused).setGlobal(global).setReason(reason == null ? "" : reason).build());
        }
        PrintWriter out = parent.spec.commandLine().getOut();
        Autonomy a = response.getAutonomy();
        if (json) {
            out.println(ProtoJson.print(response));
            return 0;
        }
        out.printf("automatic actions %s %s by %s%s%n", a.getPaused() ? "PAUSED" : "resumed",
                a.getScope().equals("global") ? "for every project" : "in project " + a.getScope(),
                Text.orDash(a.getChangedBy()), a.getReason().isEmpty() ? "" : ": " + a.getReason());
        return 0;
    }

    /** {@code cc autonomy pause}. */
    @Command(name = "pause", description = "Pause automatic actions: predictions raise approvals instead, and "
            + "automatic runs in progress start no further node. Approved and manual runs still work.")
    static final class PauseCommand implements Callable<Integer> {
        @ParentCommand
        AutonomyCommand parent;

        @Option(names = "--global", description = "For every project, not only this one.")
        boolean global;
        @Option(names = "--reason", description = "Why.")
        String reason;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            return set(parent, true, global, reason, json);
        }
    }

    /** {@code cc autonomy resume}. */
    @Command(name = "resume", description = "Resume automatic actions.")
    static final class ResumeCommand implements Callable<Integer> {
        @ParentCommand
        AutonomyCommand parent;

        @Option(names = "--global", description = "The global switch, not the project's.")
        boolean global;
        @Option(names = "--reason", description = "Why.")
        String reason;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            return set(parent, false, global, reason, json);
        }
    }
}
