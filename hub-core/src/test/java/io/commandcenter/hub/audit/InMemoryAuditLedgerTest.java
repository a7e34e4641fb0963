package io.commandcenter.hub.audit;

import java.nio.file.Path;

/** The ledger's contract on the in-memory oracle. */
class InMemoryAuditLedgerTest extends AuditLedgerContract {
    private InMemoryAuditLedger memory;

    @Override
    protected AuditLedger open(Path dir) {
        memory = new InMemoryAuditLedger();
        return memory;
    }

    @Override
    protected AuditLedger peer() {
        return memory;
    }

    @Override
    protected void overwrite(AuditEntry entry) {
        memory.overwrite(entry);
    }

    @Override
    protected void delete(long sequence) {
        memory.delete(sequence);
    }

    @Override
    protected void moveHead(AuditAnchor head) {
        memory.moveHead(head);
    }
}
