package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** {@link UnresumableTakeUpContract} on PostgreSQL. */
class PostgresUnresumableTakeUpTest extends SqlUnresumableTakeUpContract {
    @Override
    protected DatabaseSettings settings(Path dir) {
        return Databases.postgres(dir);
    }
}
