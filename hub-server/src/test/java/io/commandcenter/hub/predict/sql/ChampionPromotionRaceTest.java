package io.commandcenter.hub.predict.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.ChampionPeriod;
import io.commandcenter.hub.predict.ModelRepository.Champion;
import io.commandcenter.hub.predict.ModelRepository.Row;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two promotions of one (project, name) at once, on H2 (one hub, one pool) and on PostgreSQL (two hubs,
 * a pool each): the second must see the period the first opened.
 *
 * <p>The interleaving is made deterministic without knowing the store's lock: a test connection holds
 * the open period's row ({@code FOR UPDATE}); promotion A starts and is seen waiting for a lock, then
 * promotion B, then the row is released. A store that reads the open period without taking turns has
 * both promotions past that read when they wait (both then end v1's period and open their own); a
 * store that takes turns holds B before its read.
 */
class ChampionPromotionRaceTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final String NAME = "service_health";
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoPromotionsAtOnce_leaveOneOpenPeriod_andBothInTheHistoryInOrder(String vendor, @TempDir Path dir)
            throws Exception {
        DatabaseSettings settings = vendor.equals("h2") ? longLockWait(Databases.h2(dir)) : Databases.postgres(dir);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Database hubA = Database.open(settings);
             Database hubB = vendor.equals("h2") ? null : Database.open(settings)) {
            JpaModelRepository a = new JpaModelRepository(hubA);
            JpaModelRepository b = hubB == null ? a : new JpaModelRepository(hubB);
            List<Row> versions = versionsOneChampion(a);
            Row v1 = versions.get(0);
            Row v2 = versions.get(1);
            Row v3 = versions.get(2);

            List<Future<?>> promoted = inTurnBehindALock(settings, threads,
                    "SELECT period_id FROM model_champion WHERE end_time IS NULL FOR UPDATE",
                    () -> a.promote(SHOP, v2, T0.plusSeconds(60), "cc models promote", "A"),
                    () -> b.promote(SHOP, v3, T0.plusSeconds(120), "learning loop", "B"));
            Future<?> promotedA = promoted.get(0);
            Future<?> promotedB = promoted.get(1);
            promotedA.get(60, TimeUnit.SECONDS);
            promotedB.get(60, TimeUnit.SECONDS);

            List<Champion> open = a.currentChampions().stream()
                    .filter(c -> c.project().equals(SHOP) && c.name().equals(NAME)).toList();
            assertThat(open).as("one open period").extracting(Champion::version).containsExactly("3.0.0");
            List<ChampionPeriod> history = a.championHistory(SHOP, NAME);
            assertThat(history).extracting(ChampionPeriod::version).containsExactly("3.0.0", "2.0.0", "1.0.0");
            assertThat(history.get(0).end()).isNull();
            assertThat(history.get(1).end()).as("v2 ended when v3 began").isEqualTo(history.get(0).start());
            assertThat(history.get(2).end()).as("v1 ended when v2 began").isEqualTo(history.get(1).start());
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A rollback chose v1 → its target while v2 was the champion, and another hub promoted v3 before the
     * rollback got the lock: the rollback's promotion, checking under the lock, fails CHAMPION_CHANGED and
     * v3 stays the champion. PostgreSQL queues the two waiters on the lock in arrival order: B (v3) first.
     */
    @org.junit.jupiter.api.Test
    void aRollbackWhoseChampionChangedBeforeItsLock_failsChampionChanged_andChangesNothing(@TempDir Path dir)
            throws Exception {
        DatabaseSettings settings = Databases.postgres(dir);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Database hubA = Database.open(settings); Database hubB = Database.open(settings)) {
            JpaModelRepository a = new JpaModelRepository(hubA);
            JpaModelRepository b = new JpaModelRepository(hubB);
            List<Row> versions = versionsOneChampion(a);
            Row v1 = versions.get(0);
            Row v2 = versions.get(1);
            Row v3 = versions.get(2);
            a.promote(SHOP, v2, T0.plusSeconds(10), "ops", "second");
            // hub A's rollback read the history: 2.0.0 is the champion, 1.0.0 the one to restore

            List<Future<?>> promoted = inTurnBehindALock(settings, threads,
                    "SELECT name FROM model_champion_lock FOR UPDATE",
                    () -> b.promote(SHOP, v3, T0.plusSeconds(60), "learning loop", "B"),
                    () -> a.promoteIfCurrent(SHOP, v1, T0.plusSeconds(61), "ops", "rollback from 2.0.0", "2.0.0"));
            Future<?> promotedB = promoted.get(0);
            Future<?> rolledBack = promoted.get(1);
            promotedB.get(60, TimeUnit.SECONDS);
            assertThatThrownBy(() -> rolledBack.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(CommandCenterException.class)
                    .cause().satisfies(e -> {
                        CommandCenterException c = (CommandCenterException) e;
                        assertThat(c.kind()).isEqualTo(ErrorKind.PRECONDITION);
                        assertThat(c.reason()).isEqualTo("CHAMPION_CHANGED");
                        assertThat(c.getMessage()).contains("is 3.0.0 now, not 2.0.0");
                    });

            assertThat(a.championHistory(SHOP, NAME)).extracting(ChampionPeriod::version)
                    .containsExactly("3.0.0", "2.0.0", "1.0.0");
            assertThat(a.championHistory(SHOP, NAME).get(0).end()).isNull();
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A promotion that does not get its name's lock in time (another promotion holds it: here a test
     * connection) fails CONTENTION PROMOTION_IN_PROGRESS with nothing changed; on PostgreSQL it waits
     * {@link JpaModelRepository#LOCK_TIMEOUT} at most (before, it waited for ever), on H2 its LOCK_TIMEOUT.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aPromotionThatDoesNotGetTheLockInTime_failsPromotionInProgress(String vendor, @TempDir Path dir)
            throws Exception {
        DatabaseSettings settings = vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
        ExecutorService threads = Executors.newFixedThreadPool(1);
        try (Database hub = Database.open(settings)) {
            JpaModelRepository repository = new JpaModelRepository(hub);
            Row v1 = model("m-1", "1.0.0");
            Row v2 = model("m-2", "2.0.0");
            repository.insert(v1, null);
            repository.insert(v2, null);
            repository.promote(SHOP, v1, T0, "ops", "first");

            Future<?> promoted;
            try (Connection holder = connection(settings)) {
                try (Statement s = holder.createStatement()) {
                    s.executeQuery("SELECT name FROM model_champion_lock FOR UPDATE").close();
                }
                promoted = threads.submit(() -> repository.promote(SHOP, v2, T0.plusSeconds(60), "ops", "second"));
                assertThatThrownBy(() -> promoted.get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(CommandCenterException.class).cause().satisfies(e -> {
                            CommandCenterException c = (CommandCenterException) e;
                            assertThat(c.kind()).isEqualTo(ErrorKind.CONTENTION);
                            assertThat(c.reason()).isEqualTo("PROMOTION_IN_PROGRESS");
                            assertThat(c.getMessage()).contains("retry");
                        });
                holder.rollback();
            }
            assertThat(repository.championHistory(SHOP, NAME)).extracting(ChampionPeriod::version)
                    .containsExactly("1.0.0");
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Holds the rows {@code lockSql} selects on a test connection, starts {@code first} and sees it wait
     * for a lock, then {@code second}, and releases the rows.
     */
    private static List<Future<?>> inTurnBehindALock(DatabaseSettings settings, ExecutorService threads, String lockSql,
                                                     Runnable first, Runnable second) throws SQLException {
        try (Connection holder = connection(settings)) {
            try (Statement s = holder.createStatement()) {
                s.executeQuery(lockSql).close();
            }
            Future<?> one = threads.submit(first);
            awaitLockWaiters(settings, 1);
            Future<?> two = threads.submit(second);
            awaitLockWaiters(settings, 2);
            holder.rollback();
            return List.of(one, two);
        }
    }

    /** Registers 1.0.0, 2.0.0 and 3.0.0 of the name and promotes 1.0.0. */
    private static List<Row> versionsOneChampion(JpaModelRepository repository) {
        List<Row> versions = List.of(model("m-1", "1.0.0"), model("m-2", "2.0.0"), model("m-3", "3.0.0"));
        versions.forEach(v -> repository.insert(v, null));
        repository.promote(SHOP, versions.get(0), T0, "ops", "first");
        return versions;
    }

    private static Row model(String id, String version) {
        return new Row(id, SHOP, NAME, version, "SERVICE_HEALTH", "p", "a".repeat(64), 0.5, "{}", T0, "");
    }

    /** H2 as the product configures it, but a session waits for a lock long enough for the test's look. */
    private static DatabaseSettings longLockWait(DatabaseSettings h2) {
        return new DatabaseSettings(h2.jdbcUrl() + ";LOCK_TIMEOUT=30000", "", "", h2.dataDir(), h2.poolSize());
    }

    private static Connection connection(DatabaseSettings settings) throws SQLException {
        Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
        c.setAutoCommit(false);
        return c;
    }

    /** Until {@code n} sessions wait for a lock (each look in a transaction of its own). */
    private static void awaitLockWaiters(DatabaseSettings settings, int n) throws SQLException {
        String sql = settings.vendor() == DatabaseSettings.Vendor.H2
                ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) >= n;
                }
            });
        }
    }
}
