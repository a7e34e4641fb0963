package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.commandcenter.hub.remediate.RemediationStoreContract.T0;
import static io.commandcenter.hub.remediate.RemediationStoreContract.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The row locks that order a fenced write of a run ({@link RunStore#writeOwned}: its row updated
 * {@code WHERE run_id = ? AND hub_id = ?}, then its nodes) and an adoption of it ({@link RunStore#adopt}:
 * the old owner's lapsed lease row locked, then the run's row updated), on connections of their own
 * (ADR 0028).
 *
 * <p>Two orders made deterministic: the adoption holds the run's row (uncommitted) while the write
 * waits for it, then commits — the write checks its fence again after the wait, finds the run adopted,
 * and changes nothing; and the write holds the row while the adoption waits — the adoption then takes
 * the run as written. (The write never sets {@code hub_id}, so only a test that knows the order can
 * tell a re-checked fence from one that was not.)
 *
 * <p>And many of each at once from threads released together: afterwards each run has one owner, the
 * adopter; a write that lost changed nothing of it, one that won is kept whole under the adopter; no
 * statement failed and the database rolled nothing back for a conflict (a lock order that deadlocks
 * fails here). A barrier does not prove the two overlapped in the database in a given round, so these
 * show the invariants under whatever interleavings occurred, not that both orders did.
 */
abstract class SqlFenceContentionContract {
    /** Long enough that the leases set up at the start hold for the whole test. */
    static final Duration TTL = Duration.ofHours(1);
    private static final int ROUNDS = 150;
    @TempDir
    Path dir;
    final List<Database> opened = new ArrayList<>();
    DatabaseSettings settings;
    ExecutorService pool;

    /**
     * A new, empty database, configured as the product configures it; or, for a test that holds a
     * lock while it looks for its waiter ({@code holdsLocks}), one whose sessions wait for a lock
     * long enough not to race that look.
     */
    protected abstract DatabaseSettings database(Path dir, boolean holdsLocks);

    /** A test that holds a row lock while it looks for the statement waiting for it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface HoldsLocks {
    }

    /** Whether each hub opens a pool of its own (PostgreSQL), or all share the first one's (H2's file lock). */
    protected abstract boolean poolPerHub();

    /** A query counting the sessions that wait for a lock in a statement {@code LIKE} its one parameter. */
    protected abstract String lockWaiters();

    @BeforeEach
    void open(TestInfo test) throws SQLException {
        settings = database(dir, test.getTestMethod().orElseThrow().isAnnotationPresent(HoldsLocks.class));
        opened.add(Database.open(settings));
        pool = Executors.newFixedThreadPool(3);
        // hub-a's lease lapsed two TTLs ago; hub-b and hub-c renew, each with a streak two TTLs old
        try (Connection c = opened.get(0).dataSource().getConnection()) {
            lease(c, "hub-a", "CURRENT_TIMESTAMP - INTERVAL '7200' SECOND");
            lease(c, "hub-b", "CURRENT_TIMESTAMP");
            lease(c, "hub-c", "CURRENT_TIMESTAMP");
            c.commit();
        }
    }

    private static void lease(Connection c, String hub, String renewedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_lease (hub_id, renewed_at, since) VALUES (?, "
                + renewedAt + ", CURRENT_TIMESTAMP - INTERVAL '7200' SECOND)")) {
            ps.setString(1, hub);
            ps.executeUpdate();
        }
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        opened.forEach(Database::close);
    }

    /** A hub's store, on a pool of its own where the database allows it. */
    JpaRemediationStore hub() {
        Database db = opened.get(0);
        if (poolPerHub() && hubs++ > 0) {
            db = Database.open(settings);
            opened.add(db);
        }
        return new JpaRemediationStore(db);
    }

    private int hubs;

    /** hub-a's run {@code id} as stored at creation, and the step hub-a writes of it next. */
    record Pair(RunRecord created, RunRecord step) {
    }

    /** Creates {@code ids} as hub-a's runs; answers each with hub-a's next step of it (a node and the run changed). */
    static List<Pair> createdByHubA(JpaRemediationStore a, List<String> ids) {
        List<Pair> out = new ArrayList<>();
        List<RunStore.NewRun> creates = new ArrayList<>();
        for (String id : ids) {
            RunRecord created = run(id, "k-" + id, RunMode.AUTOMATIC, T0).ownedBy("hub-a");
            creates.add(new RunStore.NewRun(created, Optional.empty(), Optional.empty()));
            RunRecord step = created.withNode(created.node("restart_service").queued("task-" + id, 1,
                    Map.of("service", "api"), T0.plusSeconds(1))).withState(RunState.FAILED, "hub-a's step",
                    T0.plusSeconds(2));
            out.add(new Pair(created, step));
        }
        assertThat(a.write(creates, List.of())).containsOnly(true);
        return out;
    }

    /** Runs {@code work} on the pool, all released at once; answers their results in order. */
    @SafeVarargs
    private <T> List<T> atOnce(Callable<? extends T>... work) throws Exception {
        CyclicBarrier go = new CyclicBarrier(work.length);
        List<Future<? extends T>> futures = new ArrayList<>();
        for (Callable<? extends T> w : work) {
            futures.add(pool.submit(() -> {
                go.await(30, TimeUnit.SECONDS);
                return w.call();
            }));
        }
        List<T> out = new ArrayList<>();
        for (Future<? extends T> f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS)); // a failed statement fails the test here
        }
        return out;
    }

    /**
     * The run as its one write left it: the adopter's, and hub-a's step in it whole when the write
     * was stored, or the run as created when the write lost.
     */
    private static void ownedByTheAdopter_withTheStepWholeOrNotAtAll(JpaRemediationStore store, Pair p,
                                                                      RunStore.Written w, String adopter) {
        RunRecord stored = store.run(p.created().runId()).orElseThrow();
        if (w.lost().containsKey(p.created().runId())) {
            assertThat(w.lost()).containsEntry(p.created().runId(), adopter);
            assertThat(stored).as("a lost write changed nothing").isEqualTo(p.created().ownedBy(adopter));
        } else {
            assertThat(stored).as("a write before the adoption, kept whole").isEqualTo(p.step().ownedBy(adopter));
        }
    }

    /** A connection outside the hubs' pools, in a transaction of its own. */
    Connection connection() throws SQLException {
        Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
        c.setAutoCommit(false);
        return c;
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Looks for sessions whose statement begins with {@code sql} and waits for a lock, each look a
     * transaction of its own (autocommit): PostgreSQL shows one snapshot of {@code pg_stat_activity}
     * for a whole transaction, so looks inside one would miss a wait that began after the first.
     */
    final class LockWaits implements AutoCloseable {
        private final Connection c;
        private final PreparedStatement ps;

        LockWaits(String sql) throws SQLException {
            c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
            c.setAutoCommit(true);
            ps = c.prepareStatement(lockWaiters());
            ps.setString(1, sql + "%");
        }

        /** How many such sessions wait now. */
        int count() throws SQLException {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }

        /** Until one waits. */
        void await() {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> count() > 0);
        }

        @Override
        public void close() throws SQLException {
            c.close();
        }
    }

    /** Until a statement beginning with {@code sql} waits for a lock. */
    void awaitWaitingForALock(String sql) throws SQLException {
        try (LockWaits waits = new LockWaits(sql)) {
            waits.await();
        }
    }

    /** hub-b's adoption of r-1 from hub-a, started and seen waiting for the run's row (the lease row taken). */
    Future<Boolean> adoptionWaitingForRunR1(JpaRemediationStore b) throws SQLException {
        Future<Boolean> adopted = pool.submit(() -> b.adopt("r-1", "hub-a", "hub-b", TTL));
        awaitWaitingForALock("UPDATE remediation_run SET hub_id");
        return adopted;
    }

    @Test
    @HoldsLocks
    void aLookForALockWait_seesAWaitThatBeganAfterItsFirstLook() throws Exception {
        createdByHubA(hub(), List.of("r-1"));
        String waiting = "UPDATE remediation_run SET hub_id = hub_id WHERE run_id = 'r-1'";
        try (Connection holding = connection(); Connection waiter = connection();
             LockWaits waits = new LockWaits(waiting)) {
            execute(holding, "SELECT run_id FROM remediation_run WHERE run_id = 'r-1' FOR UPDATE");
            assertThat(waits.count()).as("nothing waits yet").isZero();
            Future<?> update = pool.submit(() -> {
                execute(waiter, waiting);
                return null;
            });

            waits.await();
            assertThat(update).isNotDone();
            holding.rollback();
            update.get(60, TimeUnit.SECONDS);
            waiter.rollback();
        }
    }

    @Test
    @HoldsLocks
    void aWriteWaitingForTheRowAnAdoptionHolds_findsTheRunAdoptedOnceItCommits_andChangesNothing() throws Exception {
        JpaRemediationStore a = hub();
        Pair p = createdByHubA(a, List.of("r-1")).get(0);
        try (Connection adopting = connection()) {
            // the adoption's statements, left uncommitted: hub-a's lapsed lease row, then the run's row
            execute(adopting, "UPDATE hub_lease SET renewed_at = renewed_at WHERE hub_id = 'hub-a'");
            execute(adopting, "UPDATE remediation_run SET hub_id = 'hub-b' WHERE run_id = 'r-1' AND hub_id = 'hub-a'");
            Future<RunStore.Written> written = pool.submit(() -> a.writeOwned(List.of(), List.of(p.step()),
                    Map.of("r-1", p.created())));
            awaitWaitingForALock("UPDATE remediation_run SET state");
            adopting.commit();

            assertThat(written.get(60, TimeUnit.SECONDS).lost()).as("its fence checked again after the wait")
                    .containsExactly(Map.entry("r-1", "hub-b"));
        }
        assertThat(a.run("r-1")).as("nothing of hub-a's step").contains(p.created().ownedBy("hub-b"));
        assertThat(a.conflicts()).isZero();
    }

    @Test
    @HoldsLocks
    void anAdoptionWaitingForTheRowAWriteHolds_takesTheRunAsWritten() throws Exception {
        JpaRemediationStore a = hub();
        JpaRemediationStore b = hub();
        Pair p = createdByHubA(a, List.of("r-1")).get(0);
        try (Connection holdingTheNode = connection()) {
            // the write updates the run's row, then waits for its node's row: it holds the run's row
            execute(holdingTheNode, "SELECT node_id FROM remediation_node WHERE run_id = 'r-1' FOR UPDATE");
            Future<RunStore.Written> written = pool.submit(() -> a.writeOwned(List.of(), List.of(p.step()),
                    Map.of("r-1", p.created())));
            awaitWaitingForALock("UPDATE remediation_node SET state");
            Future<Boolean> adopted = adoptionWaitingForRunR1(b);
            holdingTheNode.commit();

            assertThat(written.get(60, TimeUnit.SECONDS).lost()).as("stored while hub-a's").isEmpty();
            assertThat(adopted.get(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(a.run("r-1")).as("hub-a's step, under hub-b").contains(p.step().ownedBy("hub-b"));
        assertThat(a.conflicts() + b.conflicts()).isZero();
    }

    @Test
    void aFencedStepAndAnAdoptionOfTheRunAtOnce_leaveTheAdopterOwner_andALostStepChangesNothing() throws Exception {
        JpaRemediationStore a = hub();
        JpaRemediationStore b = hub();
        for (int round = 0; round < ROUNDS; round++) {
            Pair p = createdByHubA(a, List.of("r-" + round)).get(0);

            List<Object> answers = atOnce(
                    () -> a.writeOwned(List.of(), List.of(p.step()), Map.of(p.created().runId(), p.created())),
                    () -> b.adopt(p.created().runId(), "hub-a", "hub-b", TTL));

            RunStore.Written w = (RunStore.Written) answers.get(0);
            assertThat(answers.get(1)).as("round %d: the adoption won", round).isEqualTo(true);
            ownedByTheAdopter_withTheStepWholeOrNotAtAll(a, p, w, "hub-b");
        }
        assertThat(a.conflicts() + b.conflicts()).as("transactions rolled back for a deadlock").isZero();
    }

    @Test
    void aBatchOfStepsAndTwoHubsAdoptingItsRunsInTheOtherOrder_leaveOneOwnerEach_andNoDeadlock() throws Exception {
        JpaRemediationStore a = hub();
        JpaRemediationStore b = hub();
        JpaRemediationStore c = hub();
        int runs = 4;
        for (int round = 0; round < ROUNDS / 2; round++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                ids.add("r-" + round + "-" + i);
            }
            List<Pair> pairs = createdByHubA(a, ids);
            Map<String, RunRecord> lastStored = new java.util.HashMap<>();
            pairs.forEach(p -> lastStored.put(p.created().runId(), p.created()));
            // the write locks the rows first to last; the adopters take them last to first
            Function<JpaRemediationStore, Callable<Object>> adopting = hub -> () -> {
                List<Boolean> won = new ArrayList<>();
                for (int i = runs - 1; i >= 0; i--) {
                    won.add(0, hub.adopt(ids.get(i), "hub-a", hub == b ? "hub-b" : "hub-c", TTL));
                }
                return won;
            };

            List<Object> answers = atOnce(
                    () -> a.writeOwned(List.of(), pairs.stream().map(Pair::step).toList(), lastStored),
                    adopting.apply(b), adopting.apply(c));

            RunStore.Written w = (RunStore.Written) answers.get(0);
            @SuppressWarnings("unchecked") List<Boolean> byB = (List<Boolean>) answers.get(1);
            @SuppressWarnings("unchecked") List<Boolean> byC = (List<Boolean>) answers.get(2);
            for (int i = 0; i < runs; i++) {
                assertThat(byB.get(i) ^ byC.get(i)).as("round %d, run %d: exactly one adopter won", round, i).isTrue();
                String owner = byB.get(i) ? "hub-b" : "hub-c";
                ownedByTheAdopter_withTheStepWholeOrNotAtAll(a, pairs.get(i), w, owner);
            }
        }
        assertThat(a.conflicts() + b.conflicts() + c.conflicts()).as("transactions rolled back for a deadlock")
                .isZero();
    }
}
