package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * the old owner's lapsed lease row locked, then the run's row updated), tried many times at once
 * from hubs on connections of their own (ADR 0028). Afterwards the run has one owner, the adopter;
 * a write that lost to the adoption changed nothing of it (no node or state of the old owner over
 * the adopter's); one that won is kept whole under the adopter; and no statement failed (no deadlock,
 * no lock timeout).
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

    /** A new, empty database. */
    protected abstract DatabaseSettings database(Path dir);

    /** Whether each hub opens a pool of its own (PostgreSQL), or all share the first one's (H2's file lock). */
    protected abstract boolean poolPerHub();

    @BeforeEach
    void open() throws SQLException {
        settings = database(dir);
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

    @Test
    void aFencedStepAndAnAdoptionOfTheRunAtOnce_leaveTheAdopterOwner_andALostStepChangesNothing() throws Exception {
        JpaRemediationStore a = hub();
        JpaRemediationStore b = hub();
        int lost = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Pair p = createdByHubA(a, List.of("r-" + round)).get(0);

            List<Object> answers = atOnce(
                    () -> a.writeOwned(List.of(), List.of(p.step()), Map.of(p.created().runId(), p.created())),
                    () -> b.adopt(p.created().runId(), "hub-a", "hub-b", TTL));

            RunStore.Written w = (RunStore.Written) answers.get(0);
            assertThat(answers.get(1)).as("round %d: the adoption won", round).isEqualTo(true);
            ownedByTheAdopter_withTheStepWholeOrNotAtAll(a, p, w, "hub-b");
            lost += w.lost().size();
        }
        // either order is right; the test is only worth something if both happened
        assertThat(lost).as("writes that lost to the adoption, of %d", ROUNDS).isBetween(1, ROUNDS - 1);
    }

    @Test
    void aBatchOfStepsAndTwoHubsAdoptingItsRunsInTheOtherOrder_leaveOneOwnerEach_andNoDeadlock() throws Exception {
        JpaRemediationStore a = hub();
        JpaRemediationStore b = hub();
        JpaRemediationStore c = hub();
        int runs = 4;
        int lost = 0;
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
            lost += w.lost().size();
        }
        assertThat(lost).as("steps that lost to an adoption, of %d", ROUNDS / 2 * runs)
                .isBetween(1, ROUNDS / 2 * runs - 1);
    }
}
