package io.commandcenter.cli;

import io.commandcenter.cli.command.BacktestCommand;
import io.commandcenter.cli.command.EventsCommand;
import io.commandcenter.cli.command.ModelsCommand;
import io.commandcenter.cli.command.PredictionsCommand;
import io.commandcenter.cli.command.IngestCommand;
import io.commandcenter.cli.command.SamplesCommand;
import io.commandcenter.cli.command.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code cc}: the CommandCenter command line. */
@Command(name = "cc", mixinStandardHelpOptions = true, versionProvider = Cc.Version.class,
        description = "CommandCenter command line: talk to a hub over gRPC.",
        subcommands = {StatusCommand.class, IngestCommand.class, SamplesCommand.class, EventsCommand.class,
                PredictionsCommand.class, ModelsCommand.class, BacktestCommand.class, CommandLine.HelpCommand.class})
public final class Cc {

    @Option(names = "--hub", defaultValue = "${env:CC_HUB:-localhost:50051}", scope = CommandLine.ScopeType.INHERIT,
            description = "Hub gRPC address, host:port (default: ${DEFAULT-VALUE}; env CC_HUB).")
    String hub;

    @Option(names = "--project", defaultValue = "${env:CC_CLI_PROJECT}", scope = CommandLine.ScopeType.INHERIT,
            description = "Project to act in (default: the hub's default project; env CC_CLI_PROJECT).")
    String project;

    /** Opens a connection to the hub named by the global options. */
    public HubConnection connect() {
        return HubConnection.open(hub, project);
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Cc());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("cc: " + Errors.describe(e));
            return Errors.exitCode(e);
        });
        return cli.execute(args);
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cc.class.getPackage().getImplementationVersion();
            return new String[]{"cc " + (v == null ? "dev" : v)};
        }
    }
}
