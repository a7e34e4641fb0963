package io.commandcenter.hub.security;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.sql.JpaKeyStore;
import io.commandcenter.hub.testing.Databases;
import org.flywaydb.core.Flyway;
import org.h2.util.DateTimeUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An API key's times are instants, whatever the zone of the hub that wrote them (migration V15): one
 * hub in Tokyo writes a key, another in UTC reads the same expiry and revocation; and keys stored
 * before V15 (local wall-clock times of the hubs' zone) keep their instants when a hub of that zone
 * migrates.
 * The JVM's default zone is what the JDBC drivers bind with: each test sets it and restores it.
 */
class ApiKeyTimeZoneTest {
    static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
    private final TimeZone original = TimeZone.getDefault();

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(original);
        DateTimeUtils.resetCalendar();
    }

    /** The JVM's default zone, as a hub started with {@code -Duser.timezone} has it (H2 caches it: reset). */
    private static void zone(String id) {
        TimeZone.setDefault(TimeZone.getTimeZone(id));
        DateTimeUtils.resetCalendar();
    }

    private static DatabaseSettings settings(String vendor, Path dir) {
        return vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aKeyWrittenByAHubInTokyo_readsTheSameInstantsOnAHubInUtc(String vendor, @TempDir Path dir) {
        DatabaseSettings settings = settings(vendor, dir);
        ApiKey key = new ApiKey("0123456789abcdef", "ops", ProjectId.of("shop"), Role.OPERATOR,
                KeyTokens.hash("secret"), T0, "admin", T0.plusSeconds(3600), null, null);

        zone("Asia/Tokyo");
        try (Database tokyo = Database.open(settings)) {
            JpaKeyStore store = new JpaKeyStore(tokyo);
            store.insert(key);
            store.revoke(key.keyId(), T0.plusSeconds(60));
            store.touch(key.keyId(), T0.plusSeconds(30));
        }
        zone("UTC");
        try (Database utc = Database.open(settings)) {
            ApiKey read = new JpaKeyStore(utc).find(key.keyId()).orElseThrow();

            assertThat(read.createdAt()).isEqualTo(T0);
            assertThat(read.expiresAt()).isEqualTo(T0.plusSeconds(3600));
            assertThat(read.revokedAt()).isEqualTo(T0.plusSeconds(60));
            assertThat(read.lastUsedAt()).isEqualTo(T0.plusSeconds(30));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void keysStoredBeforeV15_byAHubOutsideUtc_keepTheirInstants_whenThatZoneMigrates(String vendor,
                                                                                      @TempDir Path dir)
            throws Exception {
        DatabaseSettings settings = settings(vendor, dir);
        // a database at V14, with a key as a hub in New York stored it then: bound as java.sql.Timestamp,
        // which the drivers write as that zone's wall-clock time
        zone("America/New_York");
        Flyway.configure(getClass().getClassLoader())
                .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                .locations("classpath:db/migration").target("14").load().migrate();
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             PreparedStatement s = c.prepareStatement("INSERT INTO api_key (key_id, name, project_id, role, "
                     + "secret_hash, created_at, created_by, expires_at, revoked_at, last_used_at) "
                     + "VALUES ('00000000000000a1', 'old', 'shop', 'OPERATOR', ?, ?, 'admin', ?, ?, NULL)")) {
            s.setString(1, KeyTokens.hash("s"));
            s.setTimestamp(2, Timestamp.from(T0));
            s.setTimestamp(3, Timestamp.from(T0.plusSeconds(3600)));
            s.setTimestamp(4, Timestamp.from(T0.plusSeconds(60)));
            s.executeUpdate();
        }

        // migrated by a hub of the same zone (V15 converts in the migrating hub's zone) ...
        try (Database migrated = Database.open(settings)) {
            assertThat(migrated.schemaVersion()).isEqualTo("16");
        }
        // ... and read by a hub in UTC: the same instants
        zone("UTC");
        try (Database utc = Database.open(settings)) {
            ApiKey read = new JpaKeyStore(utc).find("00000000000000a1").orElseThrow();

            assertThat(read.createdAt()).isEqualTo(T0);
            assertThat(read.expiresAt()).isEqualTo(T0.plusSeconds(3600));
            assertThat(read.revokedAt()).isEqualTo(T0.plusSeconds(60));
            assertThat(read.lastUsedAt()).isNull();
        }
    }
}
