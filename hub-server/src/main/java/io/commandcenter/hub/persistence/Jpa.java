package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.PersistenceException;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Resource-local JPA work in one transaction, with database failures as UNAVAILABLE ({@link StoreFailures}: the
 * driver's message in the log only).
 */
public final class Jpa {
    private static final String UNIQUE_VIOLATION = "23505";
    private final EntityManagerFactory emf;

    public Jpa(EntityManagerFactory emf) {
        this.emf = emf;
    }

    /**
     * Runs {@code work} in a transaction and commits. When the work or the commit fails, the transaction is
     * rolled back and the failure thrown (a database failure as UNAVAILABLE {@code STORE_UNAVAILABLE}); a
     * rollback that fails too (the connection broken) is added to it as suppressed, never thrown instead of it.
     * The entity manager is closed in every case.
     */
    public <T> T write(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        EntityTransaction tx = null;
        try {
            tx = em.getTransaction();
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } catch (PersistenceException e) {
            CommandCenterException failure = StoreFailures.unavailable("write to the database", e);
            rollBack(tx, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            rollBack(tx, e);
            throw e;
        } finally {
            em.close();
        }
    }

    /** Rolls back a transaction still active; a rollback that fails is added to {@code failure}. */
    private static void rollBack(EntityTransaction tx, Throwable failure) {
        try {
            if (tx != null && tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Runs {@code work} without a transaction. */
    public <T> T read(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        try {
            return work.apply(em);
        } catch (PersistenceException e) {
            throw StoreFailures.unavailable("read from the database", e);
        } finally {
            em.close();
        }
    }

    /** Whether a failure is a unique-key violation (SQLState 23505, on H2 and PostgreSQL alike). */
    public static boolean isUniqueViolation(Throwable failure) {
        return hasSqlState(failure, Set.of(UNIQUE_VIOLATION));
    }

    /**
     * Whether the database refused what was written (SQL state class 22, a data exception such as a value too long,
     * or 23, an integrity constraint): writing the same rows again cannot succeed.
     */
    public static boolean isRefusedData(Throwable failure) {
        return anySqlState(failure, state -> state.startsWith("22") || state.startsWith("23"));
    }

    /** Whether a failure was caused by a database error with one of these SQL states. */
    public static boolean hasSqlState(Throwable failure, Set<String> states) {
        return anySqlState(failure, states::contains);
    }

    private static boolean anySqlState(Throwable failure, Predicate<String> state) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getSQLState() != null && state.test(s.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    public static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /**
     * A time column read by a native query, as an instant: drivers and dialects answer {@link OffsetDateTime},
     * {@link java.sql.Timestamp} or {@link Instant}; anything else is not a time.
     */
    public static Instant instant(Object value) {
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof Instant t) {
            return t;
        }
        throw new IllegalStateException("not a time: " + value);
    }
}
