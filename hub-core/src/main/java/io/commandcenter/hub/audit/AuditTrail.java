package io.commandcenter.hub.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the hub records what it does: one call at the edge that decides, after the action is stored
 * and before its effects start. Recording never fails the action and never waits longer than one
 * append: when the ledger cannot take a record (the database fails, the head stays locked), the
 * record goes to the {@link AuditSpool} — a file on the hub's disk, forced before the call returns
 * — with an error in the log, and {@link #flush} (every few seconds, and at start) appends what the
 * spool holds, in order, once the ledger answers again. While the spool holds anything, new
 * records queue behind it, so the chain keeps the order things were recorded in. Appends are
 * idempotent on the record's id, so a flush repeated after a crash stores nothing twice.
 * Thread-safe (decisions are recorded from every lane).
 */
public final class AuditTrail {
    private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());
    /** How often the hub calls {@link #flush}. */
    public static final Duration FLUSH_EVERY = Duration.ofSeconds(5);
    /** How often a ledger that keeps failing is reported while the spool waits. */
    private static final Duration REPORT_EVERY = Duration.ofMinutes(1);

    private final AuditLedger ledger;
    private final AuditSpool spool;
    private final Clock clock;
    private final String hubId;
    private final Object flushing = new Object();
    private Instant reported = Instant.MIN;

    public AuditTrail(AuditLedger ledger, AuditSpool spool, Clock clock, String hubId) {
        this.ledger = ledger;
        this.spool = spool;
        this.clock = clock;
        this.hubId = hubId;
    }

    /**
     * Records that {@code actor} did {@code action} on {@code subject} in {@code project} now.
     *
     * @param project a project id, or {@link AuditRecord#GLOBAL}
     * @param detail  members of the entry's JSON detail, in order ({@link AuditRecord#detail}); null values are left out
     * @return the entry, or empty when the record waits in the spool
     */
    public Optional<AuditEntry> record(AuditAction action, String project, String actor, String subject,
                                       Map<String, ?> detail) {
        return record(AuditRecord.of(clock.instant(), project, actor, action, subject, detail, hubId));
    }

    /**
     * {@link #record(AuditAction, String, String, String, Map)} under an id that names what happened
     * (letters, digits, '.', '_', ':', '-'), not a new one: recorded again, by this hub or another, it
     * is stored once.
     */
    public Optional<AuditEntry> record(String id, AuditAction action, String project, String actor, String subject,
                                       Map<String, ?> detail) {
        return record(AuditRecord.of(clock.instant(), project, actor, action, subject, detail, hubId).withId(id));
    }

    /** Records a record made elsewhere ({@link #record(AuditAction, String, String, String, Map)}). */
    public Optional<AuditEntry> record(AuditRecord record) {
        synchronized (this) {
            if (!spool.pending().isEmpty()) {
                spool.add(record);
                return Optional.empty();
            }
        }
        try {
            return Optional.of(ledger.append(record));
        } catch (RuntimeException e) {
            synchronized (this) {
                spool.add(record);
            }
            LOG.log(System.Logger.Level.ERROR, "audit record {0} ({1} {2} by {3}) could not be appended: {4}; kept in"
                    + " the spool and appended when the ledger answers (tried every {5} s)", record.id(),
                    record.action(), record.subject(), record.actor(), e.getMessage(), FLUSH_EVERY.toSeconds());
            return Optional.empty();
        }
    }

    /**
     * Records records made elsewhere, in order, with one append where the ledger can
     * ({@link AuditLedger#appendAll}); what the ledger cannot take goes to the spool, as with
     * {@link #record(AuditRecord)}. Never fails.
     */
    public void recordAll(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (!spool.pending().isEmpty()) {
                records.forEach(spool::add);
                return;
            }
        }
        try {
            ledger.appendAll(records);
        } catch (RuntimeException e) {
            // those appended already are found by id when the spool is flushed: nothing is stored twice
            synchronized (this) {
                records.forEach(spool::add);
            }
            LOG.log(System.Logger.Level.ERROR, "{0} audit record(s) ({1} {2} by {3}, ...) could not be appended: {4};"
                    + " kept in the spool and appended when the ledger answers (tried every {5} s)", records.size(),
                    records.get(0).action(), records.get(0).subject(), records.get(0).actor(), e.getMessage(),
                    FLUSH_EVERY.toSeconds());
        }
    }

    /**
     * Appends what the spool holds, in order, up to the first failure.
     *
     * @return how many records still wait
     */
    public int flush() {
        synchronized (flushing) {
            List<AuditRecord> waiting = spool.pending();
            if (waiting.isEmpty()) {
                return 0;
            }
            Set<String> appended = new HashSet<>();
            RuntimeException failure = null;
            for (AuditRecord r : waiting) {
                try {
                    ledger.append(r);
                    appended.add(r.id());
                } catch (RuntimeException e) {
                    failure = e;
                    break;
                }
            }
            int left;
            synchronized (this) {
                spool.remove(appended);
                left = spool.pending().size();
            }
            if (failure == null) {
                LOG.log(System.Logger.Level.WARNING, "{0} spooled audit record(s) appended to the ledger",
                        appended.size());
            } else if (!clock.instant().isBefore(reported.plus(REPORT_EVERY))) {
                reported = clock.instant();
                LOG.log(System.Logger.Level.ERROR, "the audit ledger still cannot take records ({0}); {1} wait in the"
                        + " spool", failure.getMessage(), left);
            }
            return left;
        }
    }

    /** How many records wait in the spool. */
    public int pending() {
        return spool.pending().size();
    }

    /** The ledger it appends to (for reading and verifying). */
    public AuditLedger ledger() {
        return ledger;
    }
}
