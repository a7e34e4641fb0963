package io.commandcenter.hub.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A spool in memory, for tests whose trail must not touch the disk. */
public final class MemoryAuditSpool implements AuditSpool {
    private final List<AuditRecord> pending = new ArrayList<>();

    /** A trail on {@code ledger} that spools in memory. */
    public static AuditTrail trail(AuditLedger ledger, java.time.Clock clock, String hubId) {
        return new AuditTrail(ledger, new MemoryAuditSpool(), clock, hubId);
    }

    @Override
    public synchronized void add(AuditRecord record) {
        pending.add(record);
    }

    @Override
    public synchronized List<AuditRecord> pending() {
        return List.copyOf(pending);
    }

    @Override
    public synchronized void remove(Set<String> ids) {
        pending.removeIf(r -> ids.contains(r.id()));
    }
}
