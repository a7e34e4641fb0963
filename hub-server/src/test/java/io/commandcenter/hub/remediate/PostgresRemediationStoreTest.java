package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** The remediation store's contract on Postgres. */
class PostgresRemediationStoreTest extends RemediationStoreContract {
    private Database database;

    @Override
    protected RemediationStore open(Path dir) {
        database = Database.open(Databases.postgres(dir));
        return new JpaRemediationStore(database);
    }

    @Override
    protected void close(RemediationStore store) {
        database.close();
    }
}
