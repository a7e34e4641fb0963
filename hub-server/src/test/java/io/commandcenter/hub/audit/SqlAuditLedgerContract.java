package io.commandcenter.hub.audit;

import io.commandcenter.hub.audit.sql.JpaAuditLedger;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.persistence.Jpa;
import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void appendsAfterTheFirst_moveTheHeadTheLedgerKnows_withoutReadingItFirst() {
        JpaAuditLedger sql = (JpaAuditLedger) ledger;
        appendMany(3);
        ledger.appendAll(List.of(record(4, "p", AuditAction.RUN_DECIDED, "engine"),
                record(5, "p", AuditAction.RUN_DECIDED, "engine")));

        // only the first append read the head row; the others moved it from the head they chained to
        assertThat(sql.headReads()).isEqualTo(1);
        AuditVerification v = ledger.verify(List.of());
        assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
        assertThat(v.entries()).isEqualTo(5);
        assertThat(ledger.head().sequence()).isEqualTo(5);
    }

    @Test
    void aWriterRestarted_andOneWhoseHeadIsStale_chainAfterTheStoredHead_andTheChainVerifies() {
        JpaAuditLedger first = (JpaAuditLedger) ledger;
        appendMany(3);
        // a new ledger knows no head: the hub restarted (or a second hub appends to the same database)
        AuditLedger restarted = peer();
        restarted.append(record(4, "p", AuditAction.RUN_DECIDED, "engine"));
        AuditEntry fifth = restarted.append(record(5, "p", AuditAction.RUN_DECIDED, "engine"));

        // the first ledger still knows head 3: the row refuses that, and it chains after what it reads there
        AuditEntry sixth = ledger.append(record(6, "p", AuditAction.RUN_DECIDED, "engine"));

        assertThat(sixth.sequence()).isEqualTo(6);
        assertThat(sixth.previousHash()).isEqualTo(fifth.hash());
        assertThat(first.headReads()).isEqualTo(2);
        assertThat(((JpaAuditLedger) restarted).headReads()).isEqualTo(1);
        AuditVerification v = restarted.verify(List.of());
        assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
        assertThat(v.entries()).isEqualTo(6);
        assertThat(restarted.head()).isEqualTo(sixth.anchor());
    }

    @Test
    void anAppendRolledBackWithTheTransactionItWasIn_leavesNoGap_theNextReadsTheHead() {
        JpaAuditLedger sql = (JpaAuditLedger) ledger;
        List<AuditEntry> e = appendMany(3);
        // a run's transaction chains its decision, then fails: the ledger remembers a head never committed
        assertThatThrownBy(() -> new Jpa(opened.get(0).entityManagerFactory()).write(em -> {
            sql.appendNewIn(em, List.of(record(8, "p", AuditAction.RUN_DECIDED, "engine")));
            throw new PersistenceException("the run's insert failed");
        })).isInstanceOf(CommandCenterException.class);

        AuditEntry next = ledger.append(record(9, "p", AuditAction.RUN_DECIDED, "engine"));

        assertThat(next.sequence()).isEqualTo(4);
        assertThat(next.previousHash()).isEqualTo(e.get(2).hash());
        assertThat(sql.headReads()).isEqualTo(2);
        assertThat(ledger.list(AuditQuery.oldestFirst(10))).extracting(AuditEntry::sequence)
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(ledger.verify(List.of()).intact()).isTrue();
    }

    @Test
    void aHeadMovedBehindTheLedgersBack_isNotChainedFromTheOneItKnew() {
        List<AuditEntry> e = appendMany(4);
        // an administrator cuts the last entry and moves the head back to the third
        delete(4);
        moveHead(e.get(2).anchor());

        AuditEntry next = ledger.append(record(9, "p", AuditAction.RUN_DECIDED, "engine"));

        // chained after what the row holds (3), not after the 4 the ledger last chained
        assertThat(next.sequence()).isEqualTo(4);
        assertThat(next.previousHash()).isEqualTo(e.get(2).hash());
        assertThat(ledger.verify(List.of()).intact()).isTrue();
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
