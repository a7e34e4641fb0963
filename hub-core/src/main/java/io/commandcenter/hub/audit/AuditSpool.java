package io.commandcenter.hub.audit;

import java.util.List;
import java.util.Set;

/**
 * Where an {@link AuditTrail} keeps the records the ledger could not take yet, until they are
 * appended: on disk in the hub ({@link FileAuditSpool}), so they survive a restart.
 */
public interface AuditSpool {

    /**
     * Keeps a record. Durable when this returns, if the spool can be; a spool that cannot write
     * keeps the record in memory and says so in the log, record and all — never silently.
     */
    void add(AuditRecord record);

    /** The records kept, in the order they were added. */
    List<AuditRecord> pending();

    /** Forgets records that are in the ledger now. */
    void remove(Set<String> ids);
}
