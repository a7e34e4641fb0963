package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** {@link UnresumableTakeUpContract} on a database, whose run changes owner by one committed statement. */
abstract class SqlUnresumableTakeUpContract extends UnresumableTakeUpContract {
    private Database database;

    protected abstract DatabaseSettings settings(Path dir);

    @Override
    protected RemediationStore open(Path dir) {
        database = Database.open(settings(dir));
        return new JpaRemediationStore(database);
    }

    @Override
    protected void ownedBy(String runId, String hub) {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE remediation_run SET hub_id = ? WHERE run_id = ?")) {
            ps.setString(1, hub);
            ps.setString(2, runId);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no run " + runId);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void close() {
        if (database != null) {
            database.close();
        }
    }
}
