package io.commandcenter.hub.audit.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.audit.AuditAnchor;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.AuditLedger;
import io.commandcenter.hub.audit.AuditQuery;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.persistence.Jpa;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.TypedQuery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The audit ledger in SQL, through JPA (migration {@code V7__audit_ledger.sql}). An append moves the
 * head row from the head this ledger last chained to, on the condition that the row still holds it
 * ({@code UPDATE ... WHERE head_sequence = ? AND head_hash = ?}, which locks the row), and inserts
 * the next entries, in one transaction; when the row holds another head (another hub appended, a
 * transaction rolled back, or this ledger has not appended yet) it locks the row ({@code SELECT ...
 * FOR UPDATE}) and chains after what it reads. Either way the head is locked until the commit:
 * hubs appending at once on one database take turns, and the primary key on the sequence would
 * refuse a fork even if they did not. A lock not granted in
 * time (PostgreSQL: {@value #LOCK_TIMEOUT}; H2: its own timeout) is tried again, up to
 * {@value #ATTEMPTS} times.
 */
public final class JpaAuditLedger implements AuditLedger {
    static final int ATTEMPTS = 3;
    static final String LOCK_TIMEOUT = "5s";
    /** SQL states of a lock not granted in time, a deadlock or a serialization failure: worth another go. */
    private static final Set<String> CONTENTION = Set.of("55P03", "40P01", "40001", "HYT00");

    private final Jpa jpa;
    private final DatabaseSettings.Vendor vendor;
    /**
     * The head this ledger last chained to: a guess that saves reading the head row before each
     * append. Never trusted: the head row is moved only where it still holds this guess.
     */
    private final AtomicReference<AuditAnchor> lastHead = new AtomicReference<>();
    private final AtomicLong headReads = new AtomicLong();

    public JpaAuditLedger(Database database) {
        this.jpa = new Jpa(database.entityManagerFactory());
        this.vendor = database.vendor();
    }

    @Override
    public AuditEntry append(AuditRecord record) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jpa.write(em -> appendIn(em, record));
            } catch (CommandCenterException e) {
                if (Jpa.isUniqueViolation(e)) {
                    // the same id stored by another transaction meanwhile: that is the entry
                    Optional<AuditEntry> stored = jpa.read(em -> byId(em, record.id()));
                    if (stored.isPresent()) {
                        return stored.get();
                    }
                }
                if (!Jpa.hasSqlState(e, CONTENTION)) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    throw new CommandCenterException(ErrorKind.CONTENTION, "AUDIT_HEAD_BUSY", "the audit ledger's head"
                            + " stayed locked through " + ATTEMPTS + " attempts: " + e.getMessage(), Map.of(),
                            List.of(), e);
                }
            }
        }
    }

    /**
     * Chains the records in one transaction: the head is locked once for all of them. A record
     * stored meanwhile by another transaction (the same id) sends the whole list to {@link #append},
     * record by record, which finds it.
     */
    @Override
    public List<AuditEntry> appendAll(List<AuditRecord> records) {
        if (records.size() <= 1) {
            return records.stream().map(this::append).toList();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return jpa.write(em -> {
                    List<AuditEntry> out = appendAllIn(em, records);
                    em.flush();
                    return out;
                });
            } catch (CommandCenterException e) {
                if (Jpa.isUniqueViolation(e)) {
                    return records.stream().map(this::append).toList();
                }
                if (!Jpa.hasSqlState(e, CONTENTION)) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    throw new CommandCenterException(ErrorKind.CONTENTION, "AUDIT_HEAD_BUSY", "the audit ledger's head"
                            + " stayed locked through " + ATTEMPTS + " attempts: " + e.getMessage(), Map.of(),
                            List.of(), e);
                }
            }
        }
    }

    /**
     * Chains records inside a transaction someone else runs on the same database (a run and the
     * record of its decision committed together): the head is locked until that transaction ends.
     * A record whose id is stored already is returned as stored.
     */
    public List<AuditEntry> appendAllIn(EntityManager em, List<AuditRecord> records) {
        // the ids stored already, in one query before anything is chained (a query per record would
        // flush the transaction's pending rows each time)
        Map<String, AuditEntry> stored = new HashMap<>();
        List<String> ids = records.stream().map(AuditRecord::id).distinct().toList();
        for (int from = 0; from < ids.size(); from += 500) {
            em.createQuery("SELECT e FROM AuditEntryEntity e WHERE e.entryId IN :ids", AuditEntryEntity.class)
                    .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + 500))).getResultList()
                    .forEach(row -> stored.put(row.entryId, entry(row)));
        }
        List<AuditRecord> fresh = new ArrayList<>();
        Set<String> chained = new HashSet<>(stored.keySet());
        for (AuditRecord record : records) {
            if (chained.add(record.id())) {
                fresh.add(record);
            }
        }
        for (AuditEntry entry : appendNewIn(em, fresh)) {
            stored.put(entry.id(), entry);
        }
        return records.stream().map(r -> stored.get(r.id())).toList();
    }

    /**
     * Chains records made just now (fresh ids, as a run's decision made with the run) inside a
     * transaction someone else runs, without looking their ids up first: an id stored already fails
     * that transaction with a unique violation ({@code uq_audit_entry_id}), and the caller goes the
     * checked way ({@link #appendAllIn}). The head row is moved from the head this ledger last
     * chained to when the row still holds it (one conditional {@code UPDATE}, which also locks it),
     * and read and locked first only when it does not (another hub, or a transaction that rolled
     * back, moved it): see {@link #headReads}.
     */
    public List<AuditEntry> appendNewIn(EntityManager em, List<AuditRecord> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        Connection connection = em.unwrap(Connection.class);
        try {
            if (vendor == DatabaseSettings.Vendor.POSTGRESQL) {
                // PostgreSQL waits for a lock forever by default; an append must not
                try (Statement s = connection.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                }
            }
            AuditAnchor guess = lastHead.get();
            List<AuditEntry> entries = null;
            if (guess != null) {
                entries = chain(guess, records);
                if (moveHead(connection, guess, entries) == 0) {
                    entries = null; // the row holds another head: read it under a lock
                }
            }
            if (entries == null) {
                AuditAnchor head = lockHead(connection);
                entries = chain(head, records);
                if (moveHead(connection, head, entries) != 1) {
                    throw new IllegalStateException("the audit ledger's head moved while locked");
                }
            }
            insert(connection, entries);
            AuditEntry last = entries.get(entries.size() - 1);
            // a guess only: if this transaction rolls back, the next append finds the row disagree and reads it
            lastHead.set(new AuditAnchor(last.sequence(), last.hash()));
            return entries;
        } catch (SQLException e) {
            throw new PersistenceException("audit append failed: " + e.getMessage(), e);
        }
    }

    /** How many appends read (and locked) the head row before chaining, because the head they knew was not it. */
    public long headReads() {
        return headReads.get();
    }

    private static List<AuditEntry> chain(AuditAnchor after, List<AuditRecord> records) {
        List<AuditEntry> out = new ArrayList<>(records.size());
        long sequence = after.sequence();
        String hash = after.hash();
        for (AuditRecord record : records) {
            AuditEntry entry = AuditEntry.chain(++sequence, record, hash);
            hash = entry.hash();
            out.add(entry);
        }
        return out;
    }

    /**
     * Moves the head row from {@code from} to the last of {@code entries}, only if it holds {@code from}:
     * 1 row, and the row stays locked until the transaction ends; 0 when it holds anything else (the
     * database re-checks the condition after waiting for another appender's lock, on H2 and PostgreSQL).
     */
    private static int moveHead(Connection connection, AuditAnchor from, List<AuditEntry> entries) throws SQLException {
        AuditEntry last = entries.get(entries.size() - 1);
        try (PreparedStatement s = connection.prepareStatement("UPDATE audit_head SET head_sequence = ?, head_hash = ?"
                + " WHERE id = ? AND head_sequence = ? AND head_hash = ?")) {
            s.setLong(1, last.sequence());
            s.setString(2, last.hash());
            s.setInt(3, AuditHeadEntity.ID);
            s.setLong(4, from.sequence());
            s.setString(5, from.hash());
            return s.executeUpdate();
        }
    }

    private AuditAnchor lockHead(Connection connection) throws SQLException {
        headReads.incrementAndGet();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT head_sequence, head_hash FROM audit_head WHERE id = ? FOR UPDATE")) {
            s.setInt(1, AuditHeadEntity.ID);
            try (ResultSet row = s.executeQuery()) {
                if (!row.next()) {
                    throw new CommandCenterException(ErrorKind.PRECONDITION, "AUDIT_HEAD_MISSING", "the audit ledger's"
                            + " head row is gone (deleted behind the hub's back); nothing can be chained until it is"
                            + " restored");
                }
                return new AuditAnchor(row.getLong(1), row.getString(2));
            }
        }
    }

    /** The entries as one JDBC batch on the transaction's connection; a sequence or id stored already fails it. */
    private static void insert(Connection connection, List<AuditEntry> entries) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO audit_entry (sequence_no, entry_id,"
                + " entry_time, project_id, actor, action, subject, detail, hub_id, previous_hash, entry_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEntry e : entries) {
                s.setLong(1, e.sequence());
                s.setString(2, e.id());
                s.setObject(3, Jpa.ts(e.time()));
                s.setString(4, e.project());
                s.setString(5, e.actor());
                s.setString(6, e.action());
                s.setString(7, e.subject());
                s.setString(8, e.detail());
                s.setString(9, e.hubId());
                s.setString(10, e.previousHash());
                s.setString(11, e.hash());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private AuditEntry appendIn(EntityManager em, AuditRecord record) {
        return appendAllIn(em, List.of(record)).get(0);
    }

    private static Optional<AuditEntry> byId(EntityManager em, String id) {
        return em.createQuery("SELECT e FROM AuditEntryEntity e WHERE e.entryId = :id", AuditEntryEntity.class)
                .setParameter("id", id).getResultStream().findFirst().map(JpaAuditLedger::entry);
    }

    @Override
    public List<AuditEntry> list(AuditQuery q) {
        List<String> where = new ArrayList<>();
        Map<String, Object> parameters = new HashMap<>();
        if (!q.projects().isEmpty()) {
            where.add("e.projectId IN :projects");
            parameters.put("projects", List.copyOf(q.projects()));
        }
        if (!q.actions().isEmpty()) {
            where.add("e.action IN :actions");
            parameters.put("actions", List.copyOf(q.actions()));
        }
        if (q.since() != null) {
            where.add("e.time >= :since");
            parameters.put("since", Jpa.ts(q.since()));
        }
        if (q.until() != null) {
            where.add("e.time < :until");
            parameters.put("until", Jpa.ts(q.until()));
        }
        if (q.subject() != null) {
            where.add("e.subject = :subject");
            parameters.put("subject", q.subject());
        }
        if (q.actor() != null) {
            where.add("e.actor = :actor");
            parameters.put("actor", q.actor());
        }
        if (q.after() > 0) {
            where.add(q.oldestFirst() ? "e.sequence > :after" : "e.sequence < :after");
            parameters.put("after", q.after());
        }
        String jpql = "SELECT e FROM AuditEntryEntity e" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY e.sequence " + (q.oldestFirst() ? "ASC" : "DESC");
        return jpa.read(em -> {
            TypedQuery<AuditEntryEntity> query = em.createQuery(jpql, AuditEntryEntity.class)
                    .setMaxResults(q.limit());
            parameters.forEach(query::setParameter);
            return query.getResultList().stream().map(JpaAuditLedger::entry).toList();
        });
    }

    @Override
    public AuditAnchor head() {
        return jpa.read(em -> Optional.ofNullable(em.find(AuditHeadEntity.class, AuditHeadEntity.ID))
                .map(h -> new AuditAnchor(h.sequence, h.hash)).orElse(AuditAnchor.GENESIS));
    }

    private static AuditEntry entry(AuditEntryEntity row) {
        return new AuditEntry(row.sequence, row.entryId, Jpa.instant(row.time), row.projectId, row.actor, row.action,
                row.subject, row.detail, row.hubId, row.previousHash, row.hash);
    }
}
