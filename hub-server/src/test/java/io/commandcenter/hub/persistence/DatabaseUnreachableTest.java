package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which failures to open the database are worth another attempt later ({@link Database#isUnreachable}, the
 * reason {@link Database#UNREACHABLE}): the database not there for now, never a fault of the configuration.
 */
class DatabaseUnreachableTest {
    @TempDir
    Path dir;

    /** What Hikari gives when the pool's first connection fails: the driver's exception as the cause. */
    static RuntimeException pool(Throwable cause) {
        return new RuntimeException("Failed to initialize pool: " + cause.getMessage(), cause);
    }

    @Test
    void aConnectionRefusedTimedOutOrNotResolved_isUnreachable() {
        assertThat(Database.isUnreachable(pool(new SQLException("Connection to localhost:1 refused", "08001",
                new ConnectException("Connection refused"))))).isTrue();
        assertThat(Database.isUnreachable(pool(new SQLException("The connection attempt failed.", "08001",
                new SocketTimeoutException("Connect timed out"))))).isTrue();
        assertThat(Database.isUnreachable(pool(new SQLException("The connection attempt failed.", "08001",
                new UnknownHostException("db"))))).isTrue();
        assertThat(Database.isUnreachable(pool(new ConnectException("Connection refused")))).isTrue();
        assertThat(Database.isUnreachable(pool(new SQLException("I/O error", "08006")))).isTrue();
    }

    @Test
    void aServerStartingShuttingDownOrFull_isUnreachable() {
        for (String state : new String[] {"57P01", "57P02", "57P03", "53300"}) {
            assertThat(Database.isUnreachable(pool(new SQLException("FATAL", state)))).as(state).isTrue();
        }
    }

    @Test
    void credentialsAMissingDatabaseOrAnyOtherState_areNotUnreachable() {
        for (String state : new String[] {"28P01", "28000", "3D000", "42P01", "90020", null}) {
            assertThat(Database.isUnreachable(pool(new SQLException("FATAL", state)))).as(state).isFalse();
        }
        assertThat(Database.isUnreachable(new IllegalStateException("persistence unit commandcenter not found")))
                .isFalse();
    }

    @Test
    void sslFailures_areNotUnreachable_thoughTheirStateIsOfClass08() {
        // sslmode=require on a server without SSL
        assertThat(Database.isUnreachable(pool(new SQLException("The server does not support SSL.", "08004"))))
                .isFalse();
        // sslmode=verify-full, a certificate not trusted: "SSL error" 08006 over the handshake's exception
        assertThat(Database.isUnreachable(pool(new SQLException("SSL error: PKIX path building failed", "08006",
                new SSLHandshakeException("PKIX path building failed"))))).isFalse();
        // sslmode=verify-full, a host name the certificate does not name: 08006 raised by pgjdbc's MakeSSL, no cause
        SQLException hostname = new SQLException("The hostname db could not be verified by hostnameverifier "
                + "PgjdbcHostnameVerifier.", "08006");
        hostname.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.postgresql.ssl.MakeSSL", "verifyPeerName", "MakeSSL.java", 80)});
        assertThat(Database.isUnreachable(pool(hostname))).isFalse();
        // the same state raised elsewhere (a broken connection) stays unreachable
        SQLException io = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        io.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("org.postgresql.core.v3.QueryExecutorImpl", "execute", "x.java", 1)});
        assertThat(Database.isUnreachable(pool(io))).isTrue();
    }

    @Test
    void aLocalPortTaken_isNotUnreachable_thoughABindExceptionIsASocketException() {
        assertThat(Database.isUnreachable(new IllegalStateException("bind failed", new BindException(
                "Address already in use")))).isFalse();
    }

    @Test
    void openingOnAPortWhereNothingListens_failsAsUnreachable() {
        DatabaseSettings settings = new DatabaseSettings("jdbc:postgresql://localhost:" + Ports.free() + "/postgres",
                "postgres", "postgres", dir, 2);
        assertThatThrownBy(() -> Database.open(settings)).isInstanceOf(CommandCenterException.class)
                .satisfies(e -> assertThat(((CommandCenterException) e).reason()).isEqualTo(Database.UNREACHABLE));
    }

    @Test
    void sslRequiredOfAServerWithoutSsl_failsAsUnavailable_notUnreachable() {
        DatabaseSettings real = Databases.postgres(dir);
        DatabaseSettings ssl = new DatabaseSettings(real.url() + (real.url().contains("?") ? "&" : "?")
                + "sslmode=require", real.user(), real.password(), dir, 2);
        assertThatThrownBy(() -> Database.open(ssl)).isInstanceOf(CommandCenterException.class)
                .hasMessageContaining("SSL")
                .satisfies(e -> assertThat(((CommandCenterException) e).reason()).isEqualTo(Database.UNAVAILABLE));
    }

    /**
     * A failure after JPA's factory was made (here its first connection, as a database that went away between the
     * migration and JPA's login does) closes the factory and the pool: a start tried again leaks neither. Before,
     * only the pool was closed and each failed attempt kept a factory open.
     */
    @Test
    void aFailureAfterTheFactoryWasMade_closesTheFactoryAndThePool() {
        java.util.concurrent.atomic.AtomicReference<jakarta.persistence.EntityManagerFactory> made =
                new java.util.concurrent.atomic.AtomicReference<>();
        assertThatThrownBy(() -> Database.open(Databases.h2(dir.resolve("db")), emf -> {
            made.set(emf);
            throw new IllegalStateException("the first connection failed");
        })).isInstanceOf(CommandCenterException.class).hasMessageContaining("the first connection failed")
                .satisfies(e -> assertThat(((CommandCenterException) e).reason()).isEqualTo(Database.UNAVAILABLE));
        assertThat(made.get()).as("the factory was made").isNotNull();
        assertThat(made.get().isOpen()).as("and closed again").isFalse();
        // the same database opens at once afterwards (the pool let go of the embedded file)
        try (Database db = Database.open(Databases.h2(dir.resolve("db")))) {
            assertThat(db.isReachable()).isTrue();
        }
    }
}
