package io.commandcenter.hub.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The spool on disk: every field read back, order kept, a torn last line skipped, removal rewrites. */
class FileAuditSpoolTest {
    @TempDir
    Path dir;

    static AuditRecord record(int n) {
        return AuditRecord.of(Instant.parse("2026-12-06T10:00:00.123456Z").plusSeconds(n), "p", "ana",
                AuditAction.WORKFLOW_CHANGED, "workflow:w-" + n, AuditRecord.detail("revision", n, "note",
                        "line\nbreak \"quoted\""), "hub-1");
    }

    @Test
    void records_readBackWhole_inOrder_afterReopening() {
        Path file = dir.resolve("spool.jsonl");
        FileAuditSpool spool = FileAuditSpool.open(file);
        spool.add(record(1));
        spool.add(record(2));

        assertThat(FileAuditSpool.open(file).pending()).containsExactly(spool.pending().get(0),
                spool.pending().get(1));
    }

    @Test
    void aLastLineCutShortByACrash_isSkipped() throws Exception {
        Path file = dir.resolve("spool.jsonl");
        FileAuditSpool.open(file).add(record(1));
        Files.writeString(file, "{\"id\":\"cut-sho", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(FileAuditSpool.open(file).pending()).singleElement()
                .satisfies(r -> assertThat(r.subject()).isEqualTo("workflow:w-1"));
    }

    @Test
    void removing_rewritesTheFile_andRemovingEverything_deletesIt() {
        Path file = dir.resolve("spool.jsonl");
        FileAuditSpool spool = FileAuditSpool.open(file);
        AuditRecord a = record(1);
        AuditRecord b = record(2);
        spool.add(a);
        spool.add(b);

        spool.remove(Set.of(a.id()));
        assertThat(FileAuditSpool.open(file).pending()).containsExactly(b);

        spool.remove(Set.of(b.id()));
        assertThat(file).doesNotExist();
        assertThat(FileAuditSpool.open(file).pending()).isEmpty();
    }
}
