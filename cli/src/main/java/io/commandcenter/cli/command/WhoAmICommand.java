package io.commandcenter.cli.command;

import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.proto.v1.WhoAmIRequest;
import io.commandcenter.proto.v1.WhoAmIResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cc whoami}: who the hub takes this command line's credentials to be, and what they may do. */
@Command(name = "whoami", description = "Show who your key (or token) proves you are: name, role, permissions, projects.")
public final class WhoAmICommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        try (HubConnection hub = cc.connect()) {
            WhoAmIResponse me = KeysCommand.stub(hub).whoAmI(WhoAmIRequest.getDefaultInstance());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(me));
                return 0;
            }
            out.printf("name         %s%n", me.getName());
            out.printf("role         %s%n", me.getRole().name().substring("KEY_ROLE_".length()).toLowerCase(Locale.ROOT));
            out.printf("may          %s%n", String.join(", ", me.getPermissionsList()).toLowerCase(Locale.ROOT)
                    .replace('_', ' '));
            out.printf("covers       %s%n", me.getKeyProjectId().isEmpty() ? "every project"
                    : "project " + me.getKeyProjectId());
            out.printf("project      %s%n", me.getProjectId());
            out.printf("recorded as  %s%n", me.getActor());
            out.printf("credential   %s%n", me.getCredentialId());
            return 0;
        }
    }
}
