package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.AuditQuery;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditVerification;
import io.commandcenter.hub.audit.sql.JpaAuditLedger;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.commandcenter.hub.remediate.RemediationStoreContract.P;
import static io.commandcenter.hub.remediate.RemediationStoreContract.T0;
import static io.commandcenter.hub.remediate.RemediationStoreContract.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the SQL store creates runs with their decisions chained in the same transaction: the keys
 * are not looked up first (the unique constraint decides, and a refused write is done again the
 * checked way), and the ledger moves the head it knows instead of reading it — one hub or two on
 * one database. And how it writes a run's step: only the rows the step changed.
 */
abstract class SqlRunCreatesContract {
    @TempDir
    Path dir;
    private final List<Database> opened = new ArrayList<>();
    private DatabaseSettings settings;
    private JpaAuditLedger ledger;
    private JpaRemediationStore store;

    /** A new, empty database. */
    protected abstract DatabaseSettings database(Path dir);

    /** Whether a second hub opens a pool of its own (PostgreSQL), or shares the first one's (H2's file lock). */
    protected abstract boolean secondPool();

    @BeforeEach
    void open() {
        settings = database(dir);
        opened.add(Database.open(settings));
        ledger = new JpaAuditLedger(opened.get(0));
        store = new JpaRemediationStore(opened.get(0), ledger);
    }

    @AfterEach
    void close() {
        opened.forEach(Database::close);
    }

    private Database peer() {
        if (secondPool()) {
            opened.add(Database.open(settings));
        }
        return opened.get(opened.size() - 1);
    }

    @Test
    void newRuns_areStoredWithoutLookingTheirKeysUp_andTheirDecisionsChained() {
        List<Boolean> stored = store.write(List.of(create("r-1", "k1"), create("r-2", "k2")), List.of());
        List<Boolean> more = store.write(List.of(create("r-3", "k3")), List.of());

        assertThat(stored).containsExactly(true, true);
        assertThat(more).containsExactly(true);
        assertThat(store.checkedWrites()).isZero();
        assertThat(store.collisions()).isZero();
        assertThat(store.run("r-3")).isPresent();
        assertThat(ledger.list(AuditQuery.oldestFirst(10))).extracting(AuditEntry::subject)
                .containsExactly("run:r-1", "run:r-2", "run:r-3");
        // the first append read the head; the second moved the one it knew
        assertThat(ledger.headReads()).isEqualTo(1);
        assertThat(ledger.verify(List.of()).intact()).isTrue();
    }

    @Test
    void aStepOfARunAnotherHubTookOver_writesNeitherItsRowNorItsNodes_andItsNewOwnersStepsAreWritten() {
        RunRecord created = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        RunRecord other = run("r-2", "k2", RunMode.AUTOMATIC, T0);
        store.write(List.of(create(created), create(other)), List.of());
        // another hub took the run over (as an adoption or an approval there leaves the row)
        RunRecord theirs = created.takenBy("hub-2", RunMode.AUTOMATIC, created.deadlineAt());
        store.update(theirs);
        RunRecord step = created.withNode(created.node("restart_service").queued("task-1", 1,
                Map.of("service", "api"), T0)).withState(RunState.CANCELLED, "stopped", T0.plusSeconds(1));
        RunRecord otherStep = other.withNode(other.node("restart_service").queued("task-2", 1, Map.of(), T0));

        // one batch, as the journal writes it: the old owner's step of r-1 and of its own r-2
        RunStore.Written w = store.writeOwned(List.of(), List.of(step, otherStep), Map.of("r-1", created));

        assertThat(w.lost()).isEqualTo(Map.of("r-1", "hub-2"));
        assertThat(store.run("r-1")).as("neither its row nor its node").contains(theirs);
        assertThat(store.run("r-2")).contains(otherStep);
        // the new owner's step told the state it last stored: its node, then its end, are written
        RunRecord next = theirs.withNode(theirs.node("restart_service").queued("task-3", 1, Map.of(), T0));
        assertThat(store.writeOwned(List.of(), List.of(next), Map.of("r-1", theirs)).lost()).isEmpty();
        assertThat(store.run("r-1")).contains(next);
        RunRecord ended = next.withState(RunState.CANCELLED, "stopped by a person", T0.plusSeconds(5));
        store.write(List.of(), List.of(ended), Map.of("r-1", next));
        assertThat(store.run("r-1")).contains(ended);
    }

    @Test
    void aCreateWhoseKeyIsStored_isRefusedByTheConstraint_answeredFalse_andTheStoredRunKeptOnce() {
        RunRecord original = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        store.write(List.of(create(original)), List.of());
        RunRecord moved = original.withNode(original.node("restart_service").queued("task-1", 1,
                Map.of("service", "api"), T0));

        List<Boolean> stored = store.write(List.of(create("r-2", "k1"), create("r-3", "k3")), List.of(moved));

        assertThat(stored).containsExactly(false, true);
        assertThat(store.collisions()).isEqualTo(1);
        assertThat(store.checkedWrites()).isEqualTo(1);
        assertThat(store.run("r-1")).contains(moved);
        assertThat(store.run("r-2")).isEmpty();
        assertThat(store.run("r-3")).isPresent();
        assertThat(store.unfinished()).extracting(RunRecord::idempotencyKey).containsExactlyInAnyOrder("k1", "k3");
        List<AuditEntry> entries = ledger.list(AuditQuery.oldestFirst(10));
        assertThat(entries).extracting(AuditEntry::subject).containsExactly("run:r-1", "run:r-3");
        // the refused try failed at its runs' insert, before the ledger: the head it knows still holds
        assertThat(ledger.headReads()).isEqualTo(1);
        AuditVerification v = ledger.verify(List.of());
        assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
        assertThat(ledger.head()).isEqualTo(entries.get(1).anchor());

        // right after a collision the keys are looked up first (hubs racing would refuse each other again)
        assertThat(store.write(List.of(create("r-4", "k4")), List.of())).containsExactly(true);
        assertThat(store.checkedWrites()).isEqualTo(2);
        assertThat(store.collisions()).isEqualTo(1);
    }

    @Test
    void twoHubsCreatingTheSameKeysAtOnce_storeEachRunOnce_andChainEachStoredRunsDecisionOnce() throws Exception {
        int fallbacksBefore = FALLBACKS.get();
        Database other = peer();
        JpaAuditLedger otherLedger = new JpaAuditLedger(other);
        JpaRemediationStore otherStore = new JpaRemediationStore(other, otherLedger);
        int keys = 48;
        int batch = 4;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Map<String, Boolean>>> done = new ArrayList<>();
            for (String hub : List.of("a", "b")) {
                JpaRemediationStore mine = hub.equals("a") ? store : otherStore;
                JpaAuditLedger itsLedger = hub.equals("a") ? ledger : otherLedger;
                Callable<Map<String, Boolean>> work = () -> {
                    go.await();
                    Map<String, Boolean> answers = new HashMap<>();
                    for (int from = 0; from < keys; from += batch) {
                        List<RunStore.NewRun> creates = new ArrayList<>();
                        for (int k = from; k < from + batch; k++) {
                            creates.add(create(hub + "-" + k, "k" + k));
                        }
                        List<Boolean> stored = writeAsTheJournalDoes(mine, itsLedger, creates);
                        for (int i = 0; i < creates.size(); i++) {
                            answers.put(creates.get(i).run().runId(), stored.get(i));
                        }
                    }
                    return answers;
                };
                done.add(pool.submit(work));
            }
            go.countDown();
            Map<String, Boolean> answers = new HashMap<>();
            for (Future<Map<String, Boolean>> f : done) {
                answers.putAll(f.get(120, TimeUnit.SECONDS));
            }

            List<String> created = answers.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                    .sorted().toList();
            List<RunRecord> runs = store.unfinished();
            // every key once: one hub's create answered true, the other's false
            assertThat(runs).hasSize(keys);
            assertThat(runs).extracting(RunRecord::idempotencyKey).doesNotHaveDuplicates();
            assertThat(runs).extracting(RunRecord::runId).containsExactlyInAnyOrderElementsOf(created);
            for (int k = 0; k < keys; k++) {
                assertThat(answers.get("a-" + k) ^ answers.get("b-" + k)).as("key k" + k).isTrue();
            }
            // each stored run's decision chained once, none of a run refused, one chain for both hubs
            List<AuditEntry> entries = ledger.list(AuditQuery.oldestFirst(1000));
            assertThat(entries).extracting(AuditEntry::subject)
                    .containsExactlyInAnyOrderElementsOf(created.stream().map(id -> "run:" + id).toList());
            AuditVerification v = otherLedger.verify(List.of());
            assertThat(v.intact()).as(v.firstBreak().toString()).isTrue();
            assertThat(v.entries()).isEqualTo(keys);
            assertThat(otherLedger.head()).isEqualTo(ledger.head());
            // the race happened: some create met a key the other hub stored, refused by the constraint (or, its
            // write refused for a lock, on its own)
            assertThat(store.collisions() + otherStore.collisions() + FALLBACKS.get() - fallbacksBefore).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    private static final AtomicInteger FALLBACKS = new AtomicInteger();

    /**
     * As the run journal does with a write the database refuses (two hubs' locks crossing): each create
     * on its own (its key decides), and the decision of one stored appended to the ledger.
     */
    private static List<Boolean> writeAsTheJournalDoes(JpaRemediationStore store, JpaAuditLedger ledger,
                                                       List<RunStore.NewRun> creates) {
        try {
            return store.write(creates, List.of());
        } catch (CommandCenterException e) {
            FALLBACKS.incrementAndGet();
            List<Boolean> out = new ArrayList<>();
            for (RunStore.NewRun c : creates) {
                boolean stored = store.create(c.run(), c.approval(), c.action());
                if (stored) {
                    ledger.append(c.decided());
                }
                out.add(stored);
            }
            return out;
        }
    }

    private static RunStore.NewRun create(String runId, String key) {
        return create(run(runId, key, RunMode.AUTOMATIC, T0));
    }

    private static RunStore.NewRun create(RunRecord run) {
        return new RunStore.NewRun(run, Optional.empty(), Optional.empty(), AuditRecord.of(T0, P.value(), "engine",
                AuditAction.RUN_DECIDED, "run:" + run.runId(), Map.of("decision", "automatic"), "hub-1"));
    }
}
