package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** Run creates resolved through the unique key, and the ledger's remembered head, on Postgres, the second hub on a pool of its own. */
class PostgresRunCreatesTest extends SqlRunCreatesContract {
    @Override
    protected DatabaseSettings database(Path dir) {
        return Databases.postgres(dir);
    }

    @Override
    protected boolean secondPool() {
        return true;
    }
}
