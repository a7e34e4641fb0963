package io.commandcenter.hub.audit;

import io.commandcenter.hub.audit.sql.JpaAuditLedger;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger's contract on a real database: tampering is plain SQL on the tables, as a database
 * administrator (or anyone holding the database's credentials) would do it.
 */
abstract class SqlAuditLedgerContract extends AuditLedgerContract {
    private final List<Database> opened = new ArrayList<>();
    private DatabaseSettings settings;

    /** A new, empty database. */
    protected abstract DatabaseSettings database(Path dir);

    /** Whether a second hub can open the same database (PostgreSQL), or shares the first one's (H2's file lock). */
    protected abstract boolean secondPool();

    @Override
    protected AuditLedger open(Path dir) {
        settings = database(dir);
        opened.add(Database.open(settings));
        return new JpaAuditLedger(opened.get(0));
    }

    @Override
    protected AuditLedger peer() {
        if (secondPool()) {
            opened.add(Database.open(settings));
        }
        return new JpaAuditLedger(opened.get(opened.size() - 1));
    }

    @Override
    protected void close() {
        opened.forEach(Database::close);
    }

    @Override
    protected void overwrite(AuditEntry e) {
        int rows = sql("UPDATE audit_entry SET entry_id = ?, entry_time = ?, project_id = ?, actor = ?, action = ?,"
                        + " subject = ?, detail = ?, hub_id = ?, previous_hash = ?, entry_hash = ? WHERE sequence_no = ?",
                e.id(), OffsetDateTime.ofInstant(e.time(), ZoneOffset.UTC), e.project(), e.actor(), e.action(),
                e.subject(), e.detail(), e.hubId(), e.previousHash(), e.hash(), e.sequence());
        assertThat(rows).isEqualTo(1);
    }

    @Override
    protected void delete(long sequence) {
        assertThat(sql("DELETE FROM audit_entry WHERE sequence_no = ?", sequence)).isEqualTo(1);
    }

    @Override
    protected void moveHead(AuditAnchor head) {
        assertThat(sql("UPDATE audit_head SET head_sequence = ?, head_hash = ? WHERE id = 1", head.sequence(),
                head.hash())).isEqualTo(1);
    }

    private int sql(String statement, Object... values) {
        try (Connection c = opened.get(0).dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            int rows = s.executeUpdate();
            c.commit();
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
