package io.commandcenter.cli.command;

import io.commandcenter.cli.Cc;
import io.commandcenter.cli.Errors;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.common.json.Json;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.proto.v1.AuditAnchor;
import io.commandcenter.proto.v1.AuditBreak;
import io.commandcenter.proto.v1.AuditEntry;
import io.commandcenter.proto.v1.AuditServiceGrpc;
import io.commandcenter.proto.v1.ListAuditEntriesRequest;
import io.commandcenter.proto.v1.ListAuditEntriesResponse;
import io.commandcenter.proto.v1.VerifyAuditLedgerRequest;
import io.commandcenter.proto.v1.VerifyAuditLedgerResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc audit}: the tamper-evident ledger of decisions and changes — list, verify, export. */
@Command(name = "audit", description = "The audit ledger: every decision, approval, rejection, cancel, autonomy "
        + "change, model and workflow change, chained by hashes.",
        subcommands = {AuditCommand.ListCommand.class, AuditCommand.VerifyCommand.class,
                AuditCommand.ExportCommand.class})
public final class AuditCommand {
    /** The exit code of {@code cc audit verify} when the ledger is not intact (no other failure uses it). */
    public static final int NOT_INTACT = Errors.LEDGER_ALTERED;
    /** Times as the chain hashes them: UTC, six fraction digits. */
    static final DateTimeFormatter CHAIN_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    @ParentCommand
    Cc cc;

    /** {@code cc audit list}. */
    @Command(name = "list", description = "List entries of the project (and the global ones), newest first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--action", split = ",", description = "Only these actions (RUN_DECIDED, APPROVAL_APPROVED, "
                + "AUTONOMY_CHANGED, …; any case, comma-separated or repeated).")
        List<String> actions = new ArrayList<>();
        @Option(names = "--since", description = "Only entries at or after: ISO-8601 or a span back from now (15m, 2h, 7d).")
        String since;
        @Option(names = "--until", description = "Only entries before: ISO-8601 or a span back from now.")
        String until;
        @Option(names = "--subject", description = "Only entries about this subject (run:run-…, approval:ap-…, "
                + "workflow:NAME, model:NAME@VERSION).")
        String subject;
        @Option(names = "--actor", description = "Only entries by this actor (a user, engine, hub:ID).")
        String actor;
        @Option(names = "--all-projects", description = "Every project's entries: the whole chain.")
        boolean allProjects;
        @Option(names = "--oldest-first", description = "In chain order.")
        boolean oldestFirst;
        @Option(names = "--limit", defaultValue = "50", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON object per entry.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            ListAuditEntriesRequest.Builder request = ListAuditEntriesRequest.newBuilder()
                    .setAllProjects(allProjects).setOldestFirst(oldestFirst)
                    .setSubject(subject == null ? "" : subject).setActor(actor == null ? "" : actor);
            actions.forEach(a -> request.addActions(a.strip().toUpperCase(Locale.ROOT)));
            Clock clock = Clock.systemUTC();
            if (since != null) {
                request.setStartTime(SamplesCommand.ts(SamplesCommand.time(since, clock, "--since")));
            }
            if (until != null) {
                request.setEndTime(SamplesCommand.ts(SamplesCommand.time(until, clock, "--until")));
            }
            List<AuditEntry> entries = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(AuditServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    ListAuditEntriesResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listAuditEntries(
                            request.setPageSize(Math.min(1000, limit - entries.size())).setPageToken(token).build());
                    entries.addAll(page.getEntriesList());
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && entries.size() < limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                entries.forEach(e -> out.println(ProtoJson.print(e)));
                return 0;
            }
            if (entries.isEmpty()) {
                out.println("no entries");
                return 0;
            }
            Table table = new Table("SEQ", "TIME", "PROJECT", "ACTOR", "ACTION", "SUBJECT", "DETAIL");
            for (AuditEntry e : entries) {
                table.row(e.getSequence(), Text.time(e.getTime()), e.getProject(), e.getActor(), e.getAction(),
                        e.getSubject(), Text.abbreviate(e.getDetailJson(), 80));
            }
            table.print(out);
            return 0;
        }
    }

    /** {@code cc audit verify}. */
    @Command(name = "verify", description = "Walk the whole chain: exit 0 when intact, " + NOT_INTACT
            + " naming the first entry that was altered, deleted or does not match an anchor.")
    static final class VerifyCommand implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--anchor", paramLabel = "SEQ:HASH", description = "A head kept from an earlier verify; the "
                + "entry at SEQ must still have HASH (repeatable).")
        List<String> anchors = new ArrayList<>();
        @Option(names = "--json", description = "Print the answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            VerifyAuditLedgerRequest.Builder request = VerifyAuditLedgerRequest.newBuilder();
            anchors.forEach(a -> request.addAnchors(anchor(a)));
            VerifyAuditLedgerResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(AuditServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(10, TimeUnit.MINUTES).verifyAuditLedger(request.build());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(response));
            } else if (response.getIntact()) {
                AuditAnchor head = response.getHead();
                out.printf("intact: %d entries, head %d %s%n", response.getEntries(), head.getSequence(),
                        head.getHash());
                out.printf("keep the head elsewhere, and check it later: cc audit verify --anchor %d:%s%n",
                        head.getSequence(), head.getHash());
            } else {
                AuditBreak b = response.getFirstBreak();
                out.printf("NOT INTACT at entry %d: %s: %s%n", b.getSequence(),
                        Text.name(b.getProblem(), "AUDIT_PROBLEM_"), b.getMessage());
                if (b.hasEntry()) {
                    AuditEntry e = b.getEntry();
                    out.printf("  as stored: %s %s %s %s %s %s%n", Text.time(e.getTime()), e.getProject(),
                            e.getActor(), e.getAction(), e.getSubject(), e.getDetailJson());
                }
                out.printf("entries before it check out: %d%n", response.getEntries());
            }
            return response.getIntact() ? 0 : NOT_INTACT;
        }

        private static AuditAnchor anchor(String text) {
            int colon = text.indexOf(':');
            try {
                return AuditAnchor.newBuilder().setSequence(Long.parseLong(text.substring(0, Math.max(colon, 0))))
                        .setHash(text.substring(colon + 1)).build();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--anchor must be SEQ:HASH (as cc audit verify prints it), got '"
                        + text + "'");
            }
        }
    }

    /** {@code cc audit export}. */
    @Command(name = "export", description = "Write the whole chain, oldest first, as JSON lines with every field, "
            + "for an outside tool to re-verify.")
    static final class ExportCommand implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write ('-' for "
                + "standard output).")
        String output;

        @Override
        public Integer call() {
            boolean stdout = output.equals("-");
            Path file = stdout ? null : Path.of(output);
            Path partial = stdout ? null : file.resolveSibling(file.getFileName() + ".partial");
            long count = 0;
            AuditEntry last = null;
            boolean done = false;
            try (HubConnection hub = parent.cc.connect();
                 BufferedWriter writer = stdout ? null : Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                PrintWriter sink = stdout ? spec.commandLine().getOut() : new PrintWriter(writer);
                var stub = hub.scoped(AuditServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    ListAuditEntriesResponse page = stub.withDeadlineAfter(60, TimeUnit.SECONDS).listAuditEntries(
                            ListAuditEntriesRequest.newBuilder().setAllProjects(true).setOldestFirst(true)
                                    .setPageSize(1000).setPageToken(token).build());
                    for (AuditEntry e : page.getEntriesList()) {
                        sink.println(line(e));
                        count++;
                        last = e;
                    }
                    token = page.getNextPageToken();
                } while (!token.isEmpty());
                sink.flush();
                if (!stdout && sink.checkError()) {
                    throw new IOException("cannot write " + partial);
                }
                done = true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
            } finally {
                if (!done && partial != null) {
                    partial.toFile().delete();
                }
            }
            if (!stdout) {
                try {
                    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
                }
                spec.commandLine().getErr().printf("exported %d entries to %s%s%n", count, output, last == null ? ""
                        : ", head " + last.getSequence() + " " + last.getHash());
            }
            return 0;
        }
    }

    /**
     * One entry as a line of the export: every field, times as the chain hashes them, the detail as
     * the exact text hashed.
     */
    static String line(AuditEntry e) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("sequence", e.getSequence());
        o.put("entryId", e.getEntryId());
        o.put("time", CHAIN_TIME.format(Text.instant(e.getTime())));
        o.put("project", e.getProject());
        o.put("actor", e.getActor());
        o.put("action", e.getAction());
        o.put("subject", e.getSubject());
        o.put("detailJson", e.getDetailJson());
        o.put("hubId", e.getHubId());
        o.put("previousHash", e.getPreviousHash());
        o.put("hash", e.getHash());
        return Json.write(o);
    }
}
