package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

class H2TelemetryStoreTest extends AbstractSqlTelemetryStoreTest {
    @Override
    DatabaseSettings settings(Path dir) {
        return Databases.h2(dir);
    }
}
