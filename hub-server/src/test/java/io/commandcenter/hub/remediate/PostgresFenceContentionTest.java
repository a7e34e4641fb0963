package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Fenced writes and adoptions at once on PostgreSQL, each hub on a pool of its own; and deadlocks
 * made by hand, whose victim PostgreSQL rolls back: an adoption the store does again and it wins; a
 * fenced write the store reports at once as CONTENTION {@code STORE_CONFLICT}, nothing of it stored
 * (its caller tries again: ADR 0028).
 */
class PostgresFenceContentionTest extends SqlFenceContentionContract {
    @Override
    protected DatabaseSettings database(Path dir, boolean holdsLocks) {
        // PostgreSQL waits for a lock without a limit by default (lock_timeout 0)
        return Databases.postgres(dir);
    }

    @Override
    protected boolean poolPerHub() {
        return true;
    }

    @Override
    protected String lockWaiters() {
        return "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock' AND query LIKE ?";
    }

    /**
     * A connection outside the hubs' pools, in a transaction whose own deadlock check waits a minute:
     * in a deadlock with a hub's transaction (checked after PostgreSQL's default second), the hub's
     * is the one rolled back.
     */
    private Connection blocker() throws SQLException {
        Connection c = connection();
        execute(c, "SET LOCAL deadlock_timeout = '60s'");
        return c;
    }

    /**
     * Runs {@code sql} on the blocker (it waits for a lock the hub's transaction holds: a deadlock),
     * and once PostgreSQL rolled the hub's transaction back ({@code conflicts} counted it), cancels
     * the blocker's statement if it still waits and rolls the blocker back. (Its wait would otherwise
     * race the hub's next try for the same row, and could deadlock with it again.)
     */
    private void deadlockUntilRolledBack(Connection blocker, String sql, JpaRemediationStore hub) throws Exception {
        int pid;
        try (Statement s = blocker.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        Future<?> waiting = pool.submit(() -> {
            execute(blocker, sql);
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> hub.conflicts() > 0);
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement s = c.createStatement()) {
            s.execute("SELECT pg_cancel_backend(" + pid + ")");
        }
        try {
            waiting.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // 57014: cancelled while it still waited
        }
        blocker.rollback();
    }

    @Test
    @HoldsLocks
    void anAdoptionPostgresRollsBackToBreakADeadlock_isDoneAgain_andWins() throws Exception {
        JpaRemediationStore a = hub();
        JpaRemediationStore b = hub();
        Pair p = createdByHubA(a, List.of("r-1")).get(0);
        try (Connection blocker = blocker()) {
            execute(blocker, "SELECT run_id FROM remediation_run WHERE run_id = 'r-1' FOR UPDATE");
            // the adoption locks hub-a's lapsed lease row, then waits for the run's row
            Future<Boolean> adopted = adoptionWaitingForRunR1(b);
            // and the blocker now waits for the lease row: a cycle, broken by rolling the adoption back
            deadlockUntilRolledBack(blocker, "UPDATE hub_lease SET renewed_at = renewed_at WHERE hub_id = 'hub-a'", b);

            assertThat(adopted.get(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(b.conflicts()).as("rolled back, done again").isPositive();
        assertThat(a.run("r-1")).contains(p.created().ownedBy("hub-b"));
    }

    @Test
    @HoldsLocks
    void aFencedWritePostgresRollsBackToBreakADeadlock_failsAtOnceWithStoreConflict_andStoresNothing()
            throws Exception {
        JpaRemediationStore a = hub();
        List<Pair> pairs = createdByHubA(a, List.of("r-1", "r-2"));
        Map<String, RunRecord> lastStored = new HashMap<>();
        pairs.forEach(p -> lastStored.put(p.created().runId(), p.created()));
        try (Connection blocker = blocker()) {
            execute(blocker, "SELECT run_id FROM remediation_run WHERE run_id = 'r-2' FOR UPDATE");
            // the write locks r-1's row, then waits for r-2's
            Future<RunStore.Written> written = pool.submit(() -> a.writeOwned(List.of(),
                    pairs.stream().map(Pair::step).toList(), lastStored));
            awaitWaitingForALock("UPDATE remediation_run SET state");
            // and the blocker now waits for r-1's: a cycle, broken by rolling the write back
            deadlockUntilRolledBack(blocker, "SELECT run_id FROM remediation_run WHERE run_id = 'r-1' FOR UPDATE", a);

            // not done again by the store: its caller (the run journal) checks first that the runs are still its own
            assertThatThrownBy(() -> written.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENTION);
                        assertThat(e.reason()).isEqualTo(RunStore.STORE_CONFLICT);
                        assertThat(e.getMessage()).contains("[r-1, r-2]").contains("nothing of it is stored");
                    });
        }
        assertThat(a.conflicts()).isEqualTo(1);
        for (Pair p : pairs) {
            assertThat(a.run(p.created().runId())).contains(p.created());
        }
    }
}
