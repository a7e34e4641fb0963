package io.commandcenter.hub.audit;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** The audit ledger's contract on H2 (a second hub cannot open the file: it shares the pool). */
class H2AuditLedgerTest extends SqlAuditLedgerContract {
    @Override
    protected DatabaseSettings database(Path dir) {
        return Databases.h2(dir);
    }

    @Override
    protected boolean secondPool() {
        return false;
    }
}
