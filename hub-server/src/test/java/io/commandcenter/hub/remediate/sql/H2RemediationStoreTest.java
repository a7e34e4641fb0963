package io.commandcenter.hub.remediate.sql;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

class H2RemediationStoreTest extends AbstractRemediationStoreTest {
    @Override
    DatabaseSettings settings(Path dir) {
        return Databases.h2(dir);
    }
}
