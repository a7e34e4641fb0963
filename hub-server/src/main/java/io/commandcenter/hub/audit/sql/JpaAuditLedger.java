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
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The audit ledger in SQL, through JPA (migration {@code V7__audit_ledger.sql}). An append locks the
 * head row ({@code SELECT ... FOR UPDATE}), reads the last sequence and hash, inserts the next entry
 * and moves the head in one transaction: hubs appending at once on one database take turns, and
 * the primary key on the sequence would refuse a fork even if they did not. A lock not granted in
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
        AuditHeadEntity head = lockHead(em);
        // the ids stored already, in one query before anything is chained (a query per record would
        // flush the transaction's pending rows each time)
        Map<String, AuditEntry> stored = new HashMap<>();
        List<String> ids = records.stream().map(AuditRecord::id).distinct().toList();
        for (int from = 0; from < ids.size(); from += 500) {
            em.createQuery("SELECT e FROM AuditEntryEntity e WHERE e.entryId IN :ids", AuditEntryEntity.class)
                    .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + 500))).getResultList()
                    .forEach(row -> stored.put(row.entryId, entry(row)));
        }
        List<AuditEntry> out = new ArrayList<>(records.size());
        for (AuditRecord record : records) {
            AuditEntry entry = stored.get(record.id());
            if (entry == null) {
                entry = AuditEntry.chain(head.sequence + 1, record, head.hash);
                em.persist(entity(entry));
                head.sequence = entry.sequence();
                head.hash = entry.hash();
                stored.put(record.id(), entry);
            }
            out.add(entry);
        }
        return out;
    }

    private AuditEntry appendIn(EntityManager em, AuditRecord record) {
        AuditEntry entry = chainIn(em, lockHead(em), record);
        em.flush();
        return entry;
    }

    private AuditHeadEntity lockHead(EntityManager em) {
        if (vendor == DatabaseSettings.Vendor.POSTGRESQL) {
            // PostgreSQL waits for a lock forever by default; an append must not
            em.createNativeQuery("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'").executeUpdate();
        }
        AuditHeadEntity head = em.find(AuditHeadEntity.class, AuditHeadEntity.ID, LockModeType.PESSIMISTIC_WRITE);
        if (head == null) {
            throw new CommandCenterException(ErrorKind.PRECONDITION, "AUDIT_HEAD_MISSING", "the audit ledger's head"
                    + " row is gone (deleted behind the hub's back); nothing can be chained until it is restored");
        }
        return head;
    }

    /** Chains one record after the (locked) head and moves the head; a stored id is returned as stored. */
    private static AuditEntry chainIn(EntityManager em, AuditHeadEntity head, AuditRecord record) {
        Optional<AuditEntry> stored = byId(em, record.id());
        if (stored.isPresent()) {
            return stored.get();
        }
        AuditEntry entry = AuditEntry.chain(head.sequence + 1, record, head.hash);
        em.persist(entity(entry));
        head.sequence = entry.sequence();
        head.hash = entry.hash();
        return entry;
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

    private static AuditEntryEntity entity(AuditEntry e) {
        AuditEntryEntity row = new AuditEntryEntity();
        row.sequence = e.sequence();
        row.entryId = e.id();
        row.time = Jpa.ts(e.time());
        row.projectId = e.project();
        row.actor = e.actor();
        row.action = e.action();
        row.subject = e.subject();
        row.detail = e.detail();
        row.hubId = e.hubId();
        row.previousHash = e.previousHash();
        row.hash = e.hash();
        return row;
    }

    private static AuditEntry entry(AuditEntryEntity row) {
        return new AuditEntry(row.sequence, row.entryId, Jpa.instant(row.time), row.projectId, row.actor, row.action,
                row.subject, row.detail, row.hubId, row.previousHash, row.hash);
    }
}
