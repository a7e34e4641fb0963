package io.commandcenter.hub.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The ledger in memory: the oracle of {@link AuditLedgerContract}, and the ledger of the engine's
 * tests. {@link #overwrite}, {@link #delete} and {@link #moveHead} alter it behind its back, as
 * plain SQL does to a database. {@link #failWith} makes appends fail, as a database that is down.
 */
public final class InMemoryAuditLedger implements AuditLedger {
    private final TreeMap<Long, AuditEntry> entries = new TreeMap<>();
    private final Map<String, Long> ids = new HashMap<>();
    private AuditAnchor head = AuditAnchor.GENESIS;
    private volatile Supplier<RuntimeException> failure;
    /** Runs before each append, outside the ledger's lock (a test holds an append with it). */
    public volatile Consumer<AuditRecord> beforeAppend = r -> { };

    @Override
    public AuditEntry append(AuditRecord record) {
        beforeAppend.accept(record);
        return appendLocked(record);
    }

    private synchronized AuditEntry appendLocked(AuditRecord record) {
        Supplier<RuntimeException> failing = failure;
        if (failing != null) {
            throw failing.get();
        }
        Long stored = ids.get(record.id());
        if (stored != null) {
            return entries.get(stored);
        }
        AuditEntry entry = AuditEntry.chain(head.sequence() + 1, record, head.hash());
        entries.put(entry.sequence(), entry);
        ids.put(record.id(), entry.sequence());
        head = entry.anchor();
        return entry;
    }

    @Override
    public synchronized List<AuditEntry> list(AuditQuery query) {
        List<AuditEntry> out = new ArrayList<>();
        for (AuditEntry e : query.oldestFirst() ? entries.values() : entries.descendingMap().values()) {
            if (query.matches(e)) {
                out.add(e);
                if (out.size() == query.limit()) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public synchronized AuditAnchor head() {
        return head;
    }

    /** Every entry, oldest first. */
    public synchronized List<AuditEntry> all() {
        return entries.values().stream().sorted(Comparator.comparingLong(AuditEntry::sequence)).toList();
    }

    /** Replaces the stored entry of the same sequence, whatever it holds. */
    public synchronized void overwrite(AuditEntry entry) {
        entries.put(entry.sequence(), entry);
    }

    public synchronized void delete(long sequence) {
        entries.remove(sequence);
    }

    public synchronized void moveHead(AuditAnchor value) {
        head = value;
    }

    /** Appends fail with what {@code value} makes until it is null again. */
    public void failWith(Supplier<RuntimeException> value) {
        failure = value;
    }
}
