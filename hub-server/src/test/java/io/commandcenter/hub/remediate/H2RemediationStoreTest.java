package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditAnchor;
import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.audit.AuditQuery;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.sql.JpaAuditLedger;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The remediation store's contract on H2, and the decisions chained in the runs' own transaction. */
class H2RemediationStoreTest extends RemediationStoreContract {
    private Database database;

    @Override
    protected RemediationStore open(Path dir) {
        database = Database.open(Databases.h2(dir));
        return new JpaRemediationStore(database);
    }

    @Override
    protected void close(RemediationStore store) {
        database.close();
    }

    @Test
    void withTheLedger_theDecisionsOfTheRunsStoredAreChainedInTheSameCommit_andNoneOfADuplicate() {
        JpaAuditLedger ledger = new JpaAuditLedger(database);
        JpaRemediationStore withLedger = new JpaRemediationStore(database, ledger);
        ledger.append(decided("before"));
        withLedger.create(run("r-1", "k1", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty());

        List<Boolean> stored = withLedger.write(List.of(
                new RunStore.NewRun(run("r-2", "k1", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty(),
                        decided("r-2")),
                new RunStore.NewRun(run("r-3", "k3", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty(),
                        decided("r-3")),
                new RunStore.NewRun(run("r-4", "k4", RunMode.AUTOMATIC, T0), Optional.empty(), Optional.empty(),
                        decided("r-4"))), List.of());

        assertThat(withLedger.recordsDecisions()).isTrue();
        assertThat(stored).containsExactly(false, true, true);
        List<AuditEntry> entries = ledger.list(AuditQuery.oldestFirst(10));
        assertThat(entries).extracting(AuditEntry::subject).containsExactly("run:before", "run:r-3", "run:r-4");
        assertThat(ledger.head()).isEqualTo(new AuditAnchor(3, entries.get(2).hash()));
        assertThat(ledger.verify(List.of()).intact()).isTrue();
    }

    @Test
    void aNodeEqualToTheStateLastStored_isNotWrittenAgain_andOneThatDiffersIs() {
        RunRecord r = run("r-1", "k1", RunMode.AUTOMATIC, T0);
        store.create(r, Optional.empty(), Optional.empty());
        // the rows hold a state the caller was not told of: a node left as the caller says it stored it is
        // not touched, which is how the journal saves rewriting every node of a run at each step
        RunRecord elsewhere = r.withNode(r.node("notify").retryAt(T0.plusSeconds(9), "slack down"));
        store.update(elsewhere);
        RunRecord step = r.withNode(r.node("restart_service").queued("task-1", 1, Map.of("service", "api"), T0));

        store.write(List.of(), List.of(step), Map.of("r-1", r));

        RunRecord read = store.run("r-1").orElseThrow();
        assertThat(read.node("restart_service")).isEqualTo(step.node("restart_service"));
        assertThat(read.node("notify")).isEqualTo(elsewhere.node("notify"));
        // without the last state, every node is written
        store.write(List.of(), List.of(step), Map.of());
        assertThat(store.run("r-1")).contains(step);
    }

    private static AuditRecord decided(String run) {
        return AuditRecord.of(T0, P.value(), "engine", AuditAction.RUN_DECIDED, "run:" + run,
                Map.of("decision", "automatic"), "hub-1");
    }
}
