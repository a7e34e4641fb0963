package io.commandcenter.hub.audit;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** The audit ledger's contract on PostgreSQL, the second hub on a pool of its own. */
class PostgresAuditLedgerTest extends SqlAuditLedgerContract {
    @Override
    protected DatabaseSettings database(Path dir) {
        return Databases.postgres(dir);
    }

    @Override
    protected boolean secondPool() {
        return true;
    }
}
