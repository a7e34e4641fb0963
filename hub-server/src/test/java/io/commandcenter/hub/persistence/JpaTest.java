package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.testing.LogCapture;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link Jpa#write} on a real H2 database whose connection breaks inside the transaction: the work's own
 * failure is what the caller gets, the failed rollback rides along as suppressed, and the entity manager is
 * closed all the same.
 */
class JpaTest {
    @TempDir
    Path dir;
    Database database;
    Jpa jpa;

    @BeforeEach
    void open() {
        database = Database.open(DatabaseSettings.embedded(dir));
        jpa = new Jpa(database.entityManagerFactory());
    }

    @AfterEach
    void close() {
        database.close();
    }

    /** Runs a query in the transaction, then closes its JDBC connection under EclipseLink (a broken connection). */
    static void breakTheConnection(EntityManager em) {
        em.createNativeQuery("SELECT 1").getSingleResult();
        try {
            em.unwrap(Connection.class).close();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aWorkThatFails_onABrokenConnection_throwsItsOwnFailure_withTheRollbacksAsSuppressed_andClosesTheManager() {
        AtomicReference<EntityManager> used = new AtomicReference<>();
        IllegalStateException boom = new IllegalStateException("boom");

        Throwable thrown = catchThrowable(() -> jpa.write(em -> {
            used.set(em);
            breakTheConnection(em);
            throw boom;
        }));

        assertThat(thrown).isSameAs(boom);
        assertThat(boom.getSuppressed()).hasSize(1);
        assertThat(used.get().isOpen()).isFalse();
    }

    @Test
    void aDatabaseFailure_onABrokenConnection_isStoreUnavailable_withTheRollbacksAsSuppressed_andClosesTheManager() {
        AtomicReference<EntityManager> used = new AtomicReference<>();

        Throwable thrown = catchThrowable(() -> jpa.write(em -> {
            used.set(em);
            breakTheConnection(em);
            throw new PersistenceException("lost");
        }));

        assertThat(thrown).isInstanceOf(CommandCenterException.class).hasRootCauseMessage("lost");
        assertThat(((CommandCenterException) thrown).reason()).isEqualTo("STORE_UNAVAILABLE");
        assertThat(thrown.getSuppressed()).hasSize(1);
        assertThat(used.get().isOpen()).isFalse();
    }

    @Test
    void aDatabaseFailure_answersWithAnErrorId_andTheDriversWordsOnlyInTheLog() {
        try (LogCapture log = LogCapture.start()) {
            // what a key look-up meets when the database is gone: the driver names the host
            Throwable read = catchThrowable(() -> jpa.read(em -> {
                throw new PersistenceException("Connection to secret-host.internal:5432 refused");
            }));
            Throwable write = catchThrowable(() -> jpa.write(em -> {
                throw new PersistenceException("INSERT INTO api_key … on secret-host.internal");
            }));

            for (Throwable t : List.of(read, write)) {
                CommandCenterException e = (CommandCenterException) t;
                assertThat(e.reason()).isEqualTo("STORE_UNAVAILABLE");
                assertThat(e.getMessage()).doesNotContain("secret-host").contains(e.metadata().get("error_id"));
                assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("WARNING")
                        .contains(e.metadata().get("error_id")).contains("secret-host"));
            }
        }
    }

    @Test
    void aUniqueKeyMet_isAStoreFailureLoggedAtDebug_forItsCallerHandlesIt() {
        jpa.write(em -> em.createNativeQuery("CREATE TABLE jpa_unique (id INT PRIMARY KEY)").executeUpdate());
        jpa.write(em -> em.createNativeQuery("INSERT INTO jpa_unique VALUES (1)").executeUpdate());
        try (LogCapture log = LogCapture.start()) {
            Throwable thrown = catchThrowable(() -> jpa.write(em ->
                    em.createNativeQuery("INSERT INTO jpa_unique VALUES (1)").executeUpdate()));

            assertThat(Jpa.isUniqueViolation(thrown)).isTrue();
            List<String> failures = log.lines().stream().filter(l -> l.contains(StoreFailures.class.getName())).toList();
            assertThat(failures).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("FINE"));
        }
    }

    @Test
    void aWorkThatSucceeds_isCommitted_andTheManagerClosed() {
        AtomicReference<EntityManager> used = new AtomicReference<>();
        jpa.write(em -> {
            used.set(em);
            return em.createNativeQuery("CREATE TABLE jpa_test (id INT PRIMARY KEY)").executeUpdate();
        });
        jpa.write(em -> em.createNativeQuery("INSERT INTO jpa_test VALUES (1)").executeUpdate());

        Number rows = jpa.read(em -> (Number) em.createNativeQuery("SELECT COUNT(*) FROM jpa_test").getSingleResult());
        assertThat(rows.intValue()).isEqualTo(1);
        assertThat(used.get().isOpen()).isFalse();
    }
}
