package io.commandcenter.cli;

import io.commandcenter.cli.command.AuditCommand;
import io.commandcenter.common.json.Json;
import io.commandcenter.hub.audit.AuditChain;
import io.commandcenter.hub.audit.AuditEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code cc audit list | verify | export} against a real hub in this JVM. */
@ExtendWith(SharedHub.class)
class AuditCliTest {
    static final Pattern HEAD = Pattern.compile("intact: (\\d+) entries, head (\\d+) ([0-9a-f]{64})");

    /** A paused and resumed project, by ana: two AUTONOMY_CHANGED entries. */
    static String pausedAndResumed() {
        String p = project();
        assertThat(cc("--project", p, "--user", "ana", "autonomy", "pause", "--reason", "freeze").exit()).isZero();
        assertThat(cc("--project", p, "--user", "ana", "autonomy", "resume").exit()).isZero();
        return p;
    }

    @Test
    void list_showsTheProjectsEntries_withWhoDidWhat_andFiltersByAction() {
        String p = pausedAndResumed();

        Result table = cc("--project", p, "audit", "list");
        Result json = cc("--project", p, "audit", "list", "--action", "autonomy_changed", "--oldest-first", "--json");

        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("SEQ", "ACTION", "AUTONOMY_CHANGED", "ana", "autonomy:" + p,
                "{\"paused\":true,\"reason\":\"freeze\"}");
        // the global entries (other tests pause every project) are listed with the project's
        List<Map<String, Object>> lines = json.out().lines().map(Json::parseObject)
                .filter(l -> l.get("project").equals(p)).toList();
        assertThat(lines).extracting(l -> l.get("detailJson")).containsExactly(
                "{\"paused\":true,\"reason\":\"freeze\"}", "{\"paused\":false,\"reason\":\"\"}");
        assertThat(lines).allSatisfy(l -> assertThat(l).containsEntry("project", p).containsEntry("actor", "ana (key admin)"));
    }

    @Test
    void badOptions_exitTwo_namingWhatIsWrong() {
        Result action = cc("audit", "list", "--action", "RUN_EXPLODED");
        Result limit = cc("audit", "list", "--limit", "0");
        Result since = cc("audit", "list", "--since", "yesterday");
        Result anchor = cc("audit", "verify", "--anchor", "twelve");
        Result hash = cc("audit", "verify", "--anchor", "1:XYZ");
        Result output = cc("audit", "export");

        assertThat(action.exit()).isEqualTo(2);
        assertThat(action.err()).contains("actions[0]").contains("RUN_EXPLODED");
        assertThat(limit.exit()).isEqualTo(2);
        assertThat(since.exit()).isEqualTo(2);
        assertThat(since.err()).contains("--since");
        assertThat(anchor.exit()).isEqualTo(2);
        assertThat(anchor.err()).contains("--anchor must be SEQ:HASH");
        assertThat(hash.exit()).isEqualTo(2);
        assertThat(hash.err()).contains("anchors[0].hash");
        assertThat(output.exit()).isEqualTo(2);
        assertThat(output.err()).contains("--output");
    }

    @Test
    void verify_isIntact_printsTheHeadToKeep_andAKeptHeadStillHolds() {
        pausedAndResumed();

        Result verified = cc("audit", "verify");
        Matcher head = HEAD.matcher(verified.out());
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(head.find()).as(verified.out()).isTrue();
        Result anchored = cc("audit", "verify", "--anchor", head.group(2) + ":" + head.group(3));
        Result wrong = cc("audit", "verify", "--anchor", head.group(2) + ":" + "0".repeat(64));

        assertThat(anchored.exit()).isZero();
        assertThat(wrong.exit()).isEqualTo(AuditCommand.NOT_INTACT);
        assertThat(wrong.out()).contains("NOT INTACT at entry " + head.group(2) + ": ANCHOR_MISMATCH");
    }

    @Test
    void verifyWithAKeyThatMayNotVerify_exitsNotAllowed_neverAsIfTheLedgerWereAltered() {
        String p = project();
        String viewer = KeysCliTest.token(cc("--project", p, "keys", "create", "--role", "viewer", "--name", "monitor"));

        Result denied = SharedHub.ccAs(viewer, "--project", p, "audit", "verify");
        Result anonymous = SharedHub.ccAs(null, "--project", p, "audit", "verify");

        assertThat(denied.err()).startsWith("cc: PERMISSION_DENIED");
        assertThat(denied.exit()).isEqualTo(Errors.NOT_ALLOWED).isNotEqualTo(AuditCommand.NOT_INTACT);
        assertThat(anonymous.err()).startsWith("cc: UNAUTHENTICATED");
        assertThat(anonymous.exit()).isEqualTo(Errors.NOT_ALLOWED);
        assertThat(cc("--project", p, "audit", "verify").exit()).as("the ledger itself is intact").isZero();
    }

    @Test
    void aRowEditedInTheDatabase_isNamedByVerify_withExitFour() throws Exception {
        String p = pausedAndResumed();
        Map<String, Object> first = cc("--project", p, "audit", "list", "--oldest-first", "--json").out().lines()
                .map(Json::parseObject).filter(l -> l.get("project").equals(p)).findFirst().orElseThrow();
        long sequence = Long.parseLong(String.valueOf(first.get("sequence"))); // int64: a string in protobuf JSON

        sql("UPDATE audit_entry SET actor = ? WHERE sequence_no = ?", "mallory", sequence);
        try {
            Result verified = cc("--project", p, "audit", "verify");

            assertThat(verified.exit()).isEqualTo(AuditCommand.NOT_INTACT);
            assertThat(verified.out()).contains("NOT INTACT at entry " + sequence + ": HASH_MISMATCH")
                    .contains("as stored:").contains("mallory")
                    .contains("entries before it check out: " + (sequence - 1));
        } finally {
            sql("UPDATE audit_entry SET actor = ? WHERE sequence_no = ?", first.get("actor"), sequence);
        }
        assertThat(cc("audit", "verify").exit()).isZero();
    }

    @Test
    void export_writesTheWholeChain_everyField_soThatAnOutsideToolReverifiesIt() throws Exception {
        pausedAndResumed();
        Path file = SharedHub.dir().resolve("ledger-" + System.nanoTime() + ".jsonl");

        Result exported = cc("audit", "export", "--output", file.toString());

        assertThat(exported.exit()).as(exported.err()).isZero();
        List<String> lines = Files.readAllLines(file);
        assertThat(exported.err()).contains("exported " + lines.size() + " entries");
        String previous = AuditChain.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> o = Json.parseObject(lines.get(i));
            assertThat(o).containsOnlyKeys("sequence", "entryId", "time", "project", "actor", "action", "subject",
                    "detailJson", "hubId", "previousHash", "hash");
            AuditEntry e = new AuditEntry(((Number) o.get("sequence")).longValue(), (String) o.get("entryId"),
                    Instant.parse((String) o.get("time")), (String) o.get("project"), (String) o.get("actor"),
                    (String) o.get("action"), (String) o.get("subject"), (String) o.get("detailJson"),
                    (String) o.get("hubId"), (String) o.get("previousHash"), (String) o.get("hash"));
            assertThat(e.sequence()).isEqualTo(i + 1);
            assertThat(e.previousHash()).isEqualTo(previous);
            assertThat(e.recomputedHash()).as("entry %d recomputed from the export", e.sequence()).isEqualTo(e.hash());
            assertThat((String) o.get("time")).as("the time as hashed").isEqualTo(AuditChain.time(e.time()));
            previous = e.hash();
        }

        assumeTrue(python() != null, "python3 is not installed: the outside verifier is not run");
        Python intact = runVerifier(file);
        assertThat(intact.exit()).as(intact.out()).isZero();
        assertThat(intact.out()).contains("intact: " + lines.size() + " entries, head " + lines.size() + " " + previous);

        List<String> edited = new ArrayList<>(lines);
        int victim = lines.size() / 2;
        edited.set(victim, lines.get(victim).replaceFirst("\"actor\":\"[^\"]*\"", "\"actor\":\"mallory\""));
        Path forged = file.resolveSibling("forged-" + file.getFileName());
        Files.write(forged, edited);
        Python altered = runVerifier(forged);
        assertThat(altered.exit()).isEqualTo(1);
        assertThat(altered.out()).contains("NOT INTACT: entry " + (victim + 1) + ": HASH_MISMATCH");
    }

    record Python(int exit, String out) {
    }

    static String python() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "python3"))) {
                return Path.of(dir, "python3").toString();
            }
        }
        return null;
    }

    static Python runVerifier(Path export) throws Exception {
        Path script = Path.of(System.getProperty("repo.root", ".."), "examples", "audit-verify", "verify_audit.py");
        Process process = new ProcessBuilder(python(), script.toString(), export.toString()).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Python(process.exitValue(), out);
    }

    static void sql(String statement, Object... values) throws Exception {
        try (Connection c = hub().database().dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            assertThat(s.executeUpdate()).isEqualTo(1);
            c.commit();
        }
    }
}
