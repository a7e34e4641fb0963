package io.commandcenter.cli;

import io.commandcenter.cli.command.ActionsCommand;
import io.commandcenter.cli.command.FeedbackCommand;
import io.commandcenter.cli.command.IncidentsCommand;
import io.commandcenter.cli.command.RetrainEvalCommand;
import io.commandcenter.cli.command.AgentsCommand;
import io.commandcenter.cli.command.ApprovalsCommand;
import io.commandcenter.cli.command.AssignmentsCommand;
import io.commandcenter.cli.command.AuditCommand;
import io.commandcenter.cli.command.AutonomyCommand;
import io.commandcenter.cli.command.BacktestCommand;
import io.commandcenter.cli.command.EvalCommand;
import io.commandcenter.cli.command.EventsCommand;
import io.commandcenter.cli.command.ModelsCommand;
import io.commandcenter.cli.command.PredictionsCommand;
import io.commandcenter.cli.command.IngestCommand;
import io.commandcenter.cli.command.KeysCommand;
import io.commandcenter.cli.command.WhoAmICommand;
import io.commandcenter.cli.command.RunsCommand;
import io.commandcenter.cli.command.SamplesCommand;
import io.commandcenter.cli.command.StatusCommand;
import io.commandcenter.cli.command.TasksCommand;
import io.commandcenter.cli.command.WorkflowsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** {@code cc}: the CommandCenter command line. */
@Command(name = "cc", mixinStandardHelpOptions = true, versionProvider = Cc.Version.class,
        description = "CommandCenter command line: talk to a hub over gRPC.",
        subcommands = {StatusCommand.class, IngestCommand.class, SamplesCommand.class, EventsCommand.class,
                PredictionsCommand.class, ModelsCommand.class, BacktestCommand.class, EvalCommand.class, WorkflowsCommand.class,
                RunsCommand.class, ApprovalsCommand.class, AutonomyCommand.class, ActionsCommand.class,
                TasksCommand.class, AgentsCommand.class, AssignmentsCommand.class, KeysCommand.class, AuditCommand.class,
                WhoAmICommand.class, IncidentsCommand.class, FeedbackCommand.class, RetrainEvalCommand.class,
                io.commandcenter.cli.command.StatsCommand.class,
                io.commandcenter.cli.command.MemoryCommand.class,
                CommandLine.HelpCommand.class})
public final class Cc {

    @Option(names = "--hub", defaultValue = "${env:CC_HUB:-localhost:50051}", scope = CommandLine.ScopeType.INHERIT,
            description = "Hub gRPC address, host:port (default: ${DEFAULT-VALUE}; env CC_HUB).")
    String hub;

    @Option(names = "--project", defaultValue = "${env:CC_CLI_PROJECT}", scope = CommandLine.ScopeType.INHERIT,
            description = "Project to act in (default: the hub's default project; env CC_CLI_PROJECT).")
    String project;

    @Option(names = "--user", scope = CommandLine.ScopeType.INHERIT,
            description = "Who is acting, sent as x-cc-user: the hub records it on approvals, rejections, cancels "
                    + "and workflow revisions (default: env USER when it is a login; otherwise nobody).")
    String user;

    @Option(names = "--token", defaultValue = "${env:CC_TOKEN}", scope = CommandLine.ScopeType.INHERIT,
            description = "API key to send (env CC_TOKEN; otherwise CC_TOKEN_FILE, $CC_DATA_DIR/admin.key, then"
                    + " ./data/admin.key, where bin/hub keeps the administrator key it creates).")
    String token;

    @Option(names = "--tls", scope = CommandLine.ScopeType.INHERIT,
            description = "Talk TLS to the hub (or env CC_TLS=on): a hub started with CC_TLS=on serves nothing else.")
    boolean tls;

    @Option(names = "--tls-ca", defaultValue = "${env:CC_TLS_CA}", scope = CommandLine.ScopeType.INHERIT,
            description = "PEM certificates to trust for the hub (env CC_TLS_CA; default: the system's).")
    Path tlsCa;

    @Option(names = "--tls-keystore", defaultValue = "${env:CC_TLS_CLIENT_KEYSTORE}",
            scope = CommandLine.ScopeType.INHERIT,
            description = "This client's key and certificate, PKCS12, for a hub that asks for them (env "
                    + "CC_TLS_CLIENT_KEYSTORE; password from env CC_TLS_CLIENT_KEYSTORE_PASSWORD).")
    Path tlsKeystore;

    private final BufferedReader in;
    private final boolean interactive;

    Cc(BufferedReader in, boolean interactive) {
        this.in = in;
        this.interactive = interactive;
    }

    /** Opens a connection to the hub named by the global options. */
    public HubConnection connect() {
        boolean on = tls || "on".equalsIgnoreCase(System.getenv("CC_TLS")) || tlsCa != null || tlsKeystore != null;
        ClientTls clientTls = new ClientTls(on, Optional.ofNullable(tlsCa),
                Optional.ofNullable(tlsKeystore), Objects.requireNonNullElse(
                        System.getenv("CC_TLS_CLIENT_KEYSTORE_PASSWORD"), ""));
        return HubConnection.open(hub, project, HubConnection.user(user, System.getenv("USER")),
                Token.find(token, System.getenv(), Path.of("").toAbsolutePath()).orElse(null), clientTls);
    }

    /** Where commands that ask questions read the answers (standard input, or what a test feeds). */
    public BufferedReader in() {
        return in;
    }

    /** Whether standard input is a person at a terminal (commands may ask questions then). */
    public boolean interactive() {
        return interactive;
    }

    public static void main(String[] args) {
        System.exit(run(args, new BufferedReader(new InputStreamReader(System.in)), System.console() != null,
                new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with nothing to read; returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, new BufferedReader(Reader.nullReader()), false, out, err);
    }

    /**
     * Runs a command line reading answers from {@code in} (not a terminal: commands ask only when
     * told to, e.g. {@code approvals --prompt}); returns the exit code (for tests).
     */
    public static int run(String[] args, BufferedReader in, PrintWriter out, PrintWriter err) {
        return run(args, in, false, out, err);
    }

    static int run(String[] args, BufferedReader in, boolean interactive, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Cc(in, interactive));
        withHelp(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("cc: " + Errors.describe(e));
            return Errors.exitCode(e);
        });
        return cli.execute(args);
    }

    /** Gives every subcommand, however deep, {@code -h}/{@code --help} as {@code cc} itself has (where {@code -h} is free). */
    static void withHelp(CommandLine command) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        if (spec.findOption("--help") == null) {
            String[] names = spec.findOption("-h") == null ? new String[]{"-h", "--help"} : new String[]{"--help"};
            spec.addOption(CommandLine.Model.OptionSpec.builder(names).usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        command.getSubcommands().values().forEach(Cc::withHelp);
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
