package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

class PostgresTelemetryStoreTest extends AbstractSqlTelemetryStoreTest {
    private DatabaseSettings settings;

    @Override
    DatabaseSettings settings(Path dir) {
        // one database per test, created on first use and reused when the test reopens it
        if (settings == null) {
            settings = Databases.postgres(dir);
        }
        return settings;
    }
}
