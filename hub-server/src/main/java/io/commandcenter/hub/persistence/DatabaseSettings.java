package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which database the hub uses. An empty URL means the embedded default: an H2 file database
 * under {@code dataDir}, nothing to install. A {@code jdbc:postgresql://} URL switches to
 * PostgreSQL; nothing else changes.
 *
 * @param url      JDBC URL; empty for the embedded database
 * @param user     database user (PostgreSQL)
 * @param password database password (PostgreSQL)
 * @param dataDir  directory of the embedded database
 * @param poolSize most pooled connections
 */
public record DatabaseSettings(String url, String user, String password, Path dataDir, int poolSize) {

    /** The database engines the hub runs on. */
    public enum Vendor { H2, POSTGRESQL }

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(dataDir, "dataDir");
        if (poolSize < 2) {
            throw new IllegalArgumentException("poolSize must be >= 2");
        }
        vendorOf(url);
    }

    /** The embedded database under a data directory. */
    public static DatabaseSettings embedded(Path dataDir) {
        return new DatabaseSettings("", "", "", dataDir, 4);
    }

    public Vendor vendor() {
        return vendorOf(url);
    }

    /** The JDBC URL actually used. */
    public String jdbcUrl() {
        if (url.isEmpty()) {
            // WRITE_DELAY=0: every commit reaches the file before it returns (survives a killed
            // process); the file lock refuses a second hub on the same data directory.
            return "jdbc:h2:file:" + dataDir.resolve("db").resolve("hub").toAbsolutePath()
                    + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        }
        return url;
    }

    private static Vendor vendorOf(String url) {
        if (url.isEmpty() || url.startsWith("jdbc:h2:")) {
            return Vendor.H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Vendor.POSTGRESQL;
        }
        throw new CommandCenterException(ErrorKind.INVALID, "UNSUPPORTED_DATABASE",
                "CC_DB_URL must be empty (embedded database) or a jdbc:postgresql:// URL; got '" + url + "'");
    }

    @Override
    public String toString() {
        // never the password
        return "DatabaseSettings[" + (url.isEmpty() ? "embedded " + dataDir : url) + ", user=" + user + "]";
    }
}
