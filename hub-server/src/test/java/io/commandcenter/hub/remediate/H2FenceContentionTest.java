package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.testing.Databases;

import java.nio.file.Path;

/** Fenced writes and adoptions at once on H2 (the hubs share the file's pool). */
class H2FenceContentionTest extends SqlFenceContentionContract {
    @Override
    protected DatabaseSettings database(Path dir) {
        // H2's sessions give up on a row lock after 1 s by default: the tests that hold a lock while
        // they look for its waiter must not race that
        DatabaseSettings h2 = Databases.h2(dir);
        return new DatabaseSettings(h2.jdbcUrl() + ";LOCK_TIMEOUT=30000", "", "", dir, h2.poolSize());
    }

    @Override
    protected boolean poolPerHub() {
        return false;
    }

    @Override
    protected String lockWaiters() {
        return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
                + " AND EXECUTING_STATEMENT LIKE ?";
    }
}
