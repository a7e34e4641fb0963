package io.commandcenter.hub.remediate.sql;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

class PostgresRemediationStoreTest extends AbstractRemediationStoreTest {
    @Override
    DatabaseSettings settings(Path dir) {
        return Databases.postgres(dir);
    }
}
