package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** Fenced writes and adoptions at once on H2 (the hubs share the file's pool). */
class H2FenceContentionTest extends SqlFenceContentionContract {
    @Override
    protected DatabaseSettings database(Path dir) {
        return Databases.h2(dir);
    }

    @Override
    protected boolean poolPerHub() {
        return false;
    }
}
