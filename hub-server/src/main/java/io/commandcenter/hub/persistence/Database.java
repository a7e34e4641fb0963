package io.commandcenter.hub.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.commandcenter.common.error.CommandCenterException;
import jakarta.persistence.EntityManagerFactory;
import org.eclipse.persistence.config.PersistenceUnitProperties;
import org.eclipse.persistence.jpa.PersistenceProvider;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * The hub's database: a connection pool, the schema brought up to date by Flyway migrations, and
 * the JPA (EclipseLink) persistence unit {@code commandcenter} over the same pool. The schema is
 * owned by the migrations; EclipseLink never generates DDL.
 *
 * <p>The hub bootstraps JPA itself (resource-local, application-managed) instead of through
 * Liberty's persistence feature, so the same code runs in the server, in plain JUnit tests and
 * in benchmarks, and switching databases is a matter of one URL (docs/adr/0001).
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());
    /** The persistence unit in META-INF/persistence.xml. */
    public static final String UNIT = "commandcenter";
    /**
     * The reason of {@link #open}'s failure when the database could not be reached for now ({@link #isUnreachable}):
     * trying again later may succeed. Any other failure of {@code open} is {@link #UNAVAILABLE}.
     */
    public static final String UNREACHABLE = "DATABASE_UNREACHABLE";
    /** The reason of {@link #open}'s failure for any cause other than {@link #UNREACHABLE}. */
    public static final String UNAVAILABLE = "DATABASE_UNAVAILABLE";
    /** PostgreSQL's admin/crash shutdown, "cannot connect now" (starting up) and too many connections. */
    private static final java.util.Set<String> TRANSIENT_STATES = java.util.Set.of("57P01", "57P02", "57P03", "53300");
    /** pgjdbc's "connection rejected": the server does not support SSL or GSS, channel binding refused. */
    private static final String CONNECTION_REJECTED = "08004";

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final EntityManagerFactory emf;
    private final int migrationsApplied;
    private final String schemaVersion;

    private Database(DatabaseSettings settings, HikariDataSource dataSource, EntityManagerFactory emf,
                     int migrationsApplied, String schemaVersion) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.emf = emf;
        this.migrationsApplied = migrationsApplied;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Opens the pool, migrates the schema and starts JPA.
     *
     * @throws CommandCenterException UNAVAILABLE: {@link #UNREACHABLE} when the database cannot be reached for now
     *         ({@link #isUnreachable}), {@link #UNAVAILABLE} when it cannot be opened or migrated for any other cause
     */
    public static Database open(DatabaseSettings settings) {
        // Connect now, so a mapping error shows at start, not at the first query.
        return open(settings, emf -> emf.createEntityManager().close());
    }

    /**
     * {@link #open(DatabaseSettings)} with the check that JPA works ({@code connect}, run on the new factory): whatever
     * fails after the pool or the factory was made closes both, so a start tried again after a failure (HubStarter's
     * DATABASE_UNREACHABLE) leaks neither.
     */
    static Database open(DatabaseSettings settings, java.util.function.Consumer<EntityManagerFactory> connect) {
        HikariDataSource dataSource = null;
        EntityManagerFactory emf = null;
        try {
            if (settings.vendor() == DatabaseSettings.Vendor.H2 && settings.url().isEmpty()) {
                Files.createDirectories(settings.dataDir().resolve("db"));
            }
            dataSource = new HikariDataSource(poolConfig(settings));
            ClassLoader loader = Database.class.getClassLoader();
            Flyway flyway = Flyway.configure(loader)
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load();
            MigrateResult result = flyway.migrate();
            // the result names a version only when this start migrated; read the schema's own otherwise
            MigrationInfo current = flyway.info().current();
            String schemaVersion = current == null || current.getVersion() == null ? "none"
                    : current.getVersion().getVersion();
            Map<String, Object> properties = new HashMap<>();
            properties.put(PersistenceUnitProperties.NON_JTA_DATASOURCE, dataSource);
            properties.put(PersistenceUnitProperties.CLASSLOADER, loader);
            emf = new PersistenceProvider().createEntityManagerFactory(UNIT, properties);
            if (emf == null) {
                throw new IllegalStateException("persistence unit " + UNIT + " not found");
            }
            connect.accept(emf);
            LOG.log(Level.INFO, "database ready: {0} ({1}), {2} migration(s) applied, schema version {3}",
                    settings.vendor(), settings, result.migrationsExecuted, schemaVersion);
            return new Database(settings, dataSource, emf, result.migrationsExecuted, schemaVersion);
        } catch (RuntimeException | java.io.IOException e) {
            if (emf != null) {
                try {
                    emf.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
            }
            if (dataSource != null) {
                dataSource.close();
            }
            throw CommandCenterException.unavailable(isUnreachable(e) ? UNREACHABLE : UNAVAILABLE,
                    "cannot open the database " + settings + ": " + rootMessage(e), e);
        }
    }

    private static HikariConfig poolConfig(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cc-db");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user().isEmpty() ? null : settings.user());
        config.setPassword(settings.password().isEmpty() ? null : settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(10_000);
        // one try (about a second): a database that is down fails the start at once, and the server's start
        // tries again with its own backoff, saying each time why (HubStarter, guide 3.1)
        config.setInitializationFailTimeout(1);
        config.setAutoCommit(false);
        switch (settings.vendor()) {
            case H2 -> config.setDriverClassName("org.h2.Driver");
            case POSTGRESQL -> {
                config.setDriverClassName("org.postgresql.Driver");
                // one multi-row INSERT per JDBC batch: several times fewer round trips
                config.addDataSourceProperty("reWriteBatchedInserts", "true");
            }
        }
        return config;
    }

    /**
     * Whether a failure to open the database means it could not be reached for now, so that trying again later
     * may succeed: a connection refused, reset or timed out, a host name not resolved (SQLState class {@code 08},
     * or a {@link java.net.SocketException}, {@link java.net.UnknownHostException} or
     * {@link java.net.SocketTimeoutException} in the causes), a PostgreSQL server starting or shutting down
     * ({@code 57P01}–{@code 57P03}) or out of connections ({@code 53300}). Never when the causes hold what
     * waiting does not mend, whatever else they hold: an {@link javax.net.ssl.SSLException} (a certificate not
     * trusted, a handshake refused), a failure raised by pgjdbc's SSL setup ({@code org.postgresql.ssl}: a host
     * name the certificate does not name), SQLState {@code 08004} (the server rejects the connection: no SSL
     * when {@code sslmode} asks for it, channel binding), a {@link java.net.BindException} (a local port taken).
     * Anything else — wrong credentials, a database that does not exist, an embedded database locked by another
     * hub, a migration that fails — is a fault of the configuration or of the data.
     *
     * <p>Meant for failures of {@link #open} only (which says so with {@link #UNREACHABLE}): a socket error
     * elsewhere in a hub's start is no database's.
     */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.net.BindException
                    || t instanceof java.sql.SQLException sql && (CONNECTION_REJECTED.equals(sql.getSQLState())
                    || raisedIn(sql, "org.postgresql.ssl."))) {
                return false;
            }
        }
        if (Jpa.hasSqlState(failure, TRANSIENT_STATES)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
            if (t instanceof java.net.SocketException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code failure} was created in a class of {@code packagePrefix}. */
    private static boolean raisedIn(Throwable failure, String packagePrefix) {
        StackTraceElement[] trace = failure.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith(packagePrefix);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    public DatabaseSettings settings() {
        return settings;
    }

    public DatabaseSettings.Vendor vendor() {
        return settings.vendor();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public EntityManagerFactory entityManagerFactory() {
        return emf;
    }

    /** Migrations applied when this database was opened (0 when the schema was current). */
    public int migrationsApplied() {
        return migrationsApplied;
    }

    /** The schema's version after opening (the latest migration applied, by this start or an earlier one). */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** Whether a connection can be had and answers. */
    public boolean isReachable() {
        try (var connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            emf.close();
        } finally {
            dataSource.close();
        }
    }
}
