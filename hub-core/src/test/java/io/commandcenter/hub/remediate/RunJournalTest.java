package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.commandcenter.hub.remediate.RemediationStoreContract.T0;
import static io.commandcenter.hub.remediate.RemediationStoreContract.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The run journal's late writes: a state that waits for its run's next one, and when it is stored alone. */
class RunJournalTest {
    private final Recording store = new Recording();
    private RunJournal journal;

    @AfterEach
    void close() {
        if (journal != null) {
            journal.close();
        }
    }

    private RunJournal journal(Duration lateBy) {
        journal = new RunJournal(store, MemoryAuditSpool.trail(new InMemoryAuditLedger(), Clock.systemUTC(), "hub-1"),
                "test-journal", lateBy);
        return journal;
    }

    /** A stored run, then its first node handed to an agent (QUEUED with its task), then taken (RUNNING). */
    private final RunRecord created = run("r-1", "k1", RunMode.AUTOMATIC, T0);
    private final RunRecord queued = created.withNode(created.node("restart_service")
            .queued("task-1", 1, Map.of("service", "api"), T0));
    private final RunRecord running = queued.withNode(queued.node("restart_service").running());
    private final RunRecord succeeded = running.withNode(running.node("restart_service")
            .finished(NodeState.SUCCEEDED, "{}", "", T0.plusSeconds(1)));

    private void stored(RunRecord run) {
        store.create(run, Optional.empty(), Optional.empty());
    }

    @Test
    void aLateState_isNeverWrittenWhenTheRunsNextStateFollows_andTheNextIsStoredWhole() {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        j.write(queued);
        j.sync();
        j.writeLater(running);
        j.write(succeeded);
        j.sync();

        assertThat(store.written).containsExactly(queued, succeeded);
        assertThat(store.run("r-1")).contains(succeeded);
        assertThat(store.untrueLastStored()).isEmpty();
    }

    @Test
    void workWaitingForACommit_doesNotWaitForALateState_butSyncStoresIt() throws InterruptedException {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        j.write(queued);
        j.sync();
        j.writeLater(running);
        CountDownLatch after = new CountDownLatch(1);
        List<Optional<RunRecord>> seen = new ArrayList<>();
        j.afterDurable(() -> {
            seen.add(store.run("r-1"));
            after.countDown();
        });
        assertThat(after.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(seen).containsExactly(Optional.of(queued));
        j.sync();
        assertThat(store.run("r-1")).contains(running);
    }

    @Test
    void aLateStateWithNoNextOne_isStoredAloneOnceItsTimeHasPassed() {
        stored(created);
        RunJournal j = journal(Duration.ofMillis(50));
        j.write(queued);
        j.sync();
        j.writeLater(running);

        await().atMost(Duration.ofSeconds(30)).until(() -> store.run("r-1").orElseThrow().equals(running));
        assertThat(store.written).containsExactly(queued, running);
    }

    @Test
    void closing_storesTheLateStatesStillWaiting() {
        stored(created);
        RunJournal j = journal(Duration.ofHours(1));
        j.write(queued);
        j.sync();
        j.writeLater(running);
        j.close();

        assertThat(store.run("r-1")).contains(running);
    }

    /** The in-memory store, keeping every run state written to it in order. */
    private static final class Recording extends ForwardingRunStore {
        final List<RunRecord> written = java.util.Collections.synchronizedList(new ArrayList<>());

        Recording() {
            super(new InMemoryRemediationStore());
        }

        @Override
        public void update(RunRecord run) {
            written.add(run);
            super.update(run);
        }

        @Override
        public List<Boolean> write(List<NewRun> creates, List<RunRecord> updates) {
            written.addAll(updates);
            return super.write(creates, updates);
        }

        @Override
        public List<Boolean> write(List<NewRun> creates, List<RunRecord> updates, Map<String, RunRecord> lastStored) {
            written.addAll(updates);
            return super.write(creates, updates, lastStored);
        }

        List<String> untrueLastStored() {
            return ((InMemoryRemediationStore) store).untrueLastStored();
        }
    }
}
