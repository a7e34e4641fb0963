package io.commandcenter.hub.audit;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link AuditSpool} in one file of JSON lines, each line forced to the disk before
 * {@link #add} returns; records removed are dropped by rewriting the file (a new file moved over
 * the old one). Opened again after a crash it holds what was not appended yet; a last line cut
 * short by the crash is skipped with a warning (its {@code add} never returned). Thread-safe.
 */
public final class FileAuditSpool implements AuditSpool {
    private static final System.Logger LOG = System.getLogger(FileAuditSpool.class.getName());

    private final Path file;
    private final List<AuditRecord> pending = new ArrayList<>();

    private FileAuditSpool(Path file) {
        this.file = file;
    }

    /**
     * Opens (or starts) the spool in {@code file}, reading the records it holds.
     *
     * @throws UncheckedIOException when the file exists but cannot be read, or its directory cannot be made
     */
    public static FileAuditSpool open(Path file) {
        FileAuditSpool spool = new FileAuditSpool(file);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                int line = 0;
                for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    line++;
                    if (text.isBlank()) {
                        continue;
                    }
                    try {
                        spool.pending.add(read(text));
                    } catch (JsonException | IllegalArgumentException | java.time.DateTimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "audit spool {0} line {1} is unreadable and skipped (a"
                                + " write cut short by a crash?): {2}", file, line, text);
                    }
                }
                if (!spool.pending.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, "audit spool {0} holds {1} record(s) not in the ledger yet",
                            file, spool.pending.size());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit spool " + file, e);
        }
        return spool;
    }

    @Override
    public synchronized void add(AuditRecord record) {
        pending.add(record);
        String line = write(record) + "\n";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "AUDIT RECORD KEPT IN MEMORY ONLY (the spool " + file
                    + " cannot be written: " + e.getMessage() + "); lost if this hub stops before the ledger takes it: "
                    + line.strip(), e);
        }
    }

    @Override
    public synchronized List<AuditRecord> pending() {
        return List.copyOf(pending);
    }

    @Override
    public synchronized void remove(Set<String> ids) {
        if (!pending.removeIf(r -> ids.contains(r.id()))) {
            return;
        }
        try {
            if (pending.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Path next = file.resolveSibling(file.getFileName() + ".next");
            StringBuilder text = new StringBuilder();
            pending.forEach(r -> text.append(write(r)).append('\n'));
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the records removed are in the ledger; kept in the file they are appended again later,
            // and the ledger stores each id once
            LOG.log(System.Logger.Level.WARNING, "audit spool {0} cannot be rewritten: {1}", file, e.getMessage());
        }
    }

    private static String write(AuditRecord r) {
        return Json.write(AuditRecord.detail("id", r.id(), "time", AuditChain.time(r.time()), "project",
                r.project(), "actor", r.actor(), "action", r.action().name(), "subject", r.subject(), "detail",
                r.detail(), "hubId", r.hubId()));
    }

    private static AuditRecord read(String line) {
        Map<String, Object> o = Json.parseObject(line);
        String action = Json.string(o, "action");
        return new AuditRecord(Json.string(o, "id"), Instant.parse(Json.string(o, "time")), Json.string(o, "project"),
                Json.string(o, "actor"), AuditAction.byName(action).orElseThrow(() ->
                new IllegalArgumentException("unknown action " + action)), Json.string(o, "subject"),
                Json.string(o, "detail"), Json.string(o, "hubId"));
    }
}
