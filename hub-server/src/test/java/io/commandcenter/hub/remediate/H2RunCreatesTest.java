package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** Run creates resolved through the unique key, and the ledger's remembered head, on H2 (a second hub shares the file's pool). */
class H2RunCreatesTest extends SqlRunCreatesContract {
    @Override
    protected DatabaseSettings database(Path dir) {
        return Databases.h2(dir);
    }

    @Override
    protected boolean secondPool() {
        return false;
    }
}
