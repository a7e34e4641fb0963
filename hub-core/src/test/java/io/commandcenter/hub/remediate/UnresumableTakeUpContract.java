package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.AuditEntry;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run this hub takes up and cannot resume (its workflow revision cannot be read) ends INTERRUPTED,
 * written as every state of a run this hub drives: fenced (ADR 0028). When another hub owns the run by
 * the time that end is written (it adopted the run while this hub stalled), nothing of it is written
 * or published and this hub gives it up ({@code RUN_RELINQUISHED}). On each store: in memory here,
 * H2 and PostgreSQL in hub-server.
 */
public abstract class UnresumableTakeUpContract {
    @TempDir
    Path dir;
    private EngineFixture f;

    protected abstract RemediationStore open(Path dir);

    /** Makes {@code hub} the run's owner in the store, as an adoption that committed would. */
    protected abstract void ownedBy(String runId, String hub);

    protected void close() {
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
        close();
    }

    /**
     * Hub A's run-1 of a workflow revision that is not stored, taken up as hub A starts; {@code
     * whileTakingUp} runs when the take-up reads that revision (before it writes the run's end).
     */
    private void takenUpAtStart(Runnable whileTakingUp) {
        f = new EngineFixture(open(dir), Clock.systemUTC(), null);
        f.soleWriter = false;
        f.hubId = "hub-a";
        f.decorateWorkflows = store -> new ReadingRevisions(store, whileTakingUp);
        f.storedRunOf("hub-a", "run-1", "svc-1");
        f.start();
        f.engine.drain();
    }

    private List<AuditEntry> audited(String action) {
        return f.ledger.all().stream().filter(e -> e.action().equals(action)).toList();
    }

    @Test
    void aRunThatCannotResume_endsInterrupted_andIsPublishedOnce() {
        takenUpAtStart(() -> { });

        RunRecord run = f.store.run("run-1").orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.INTERRUPTED);
        assertThat(run.hubId()).isEqualTo("hub-a");
        assertThat(run.error()).startsWith("cannot resume: ");
        assertThat(run.node("restart_service").state()).isEqualTo(NodeState.UNKNOWN);
        assertThat(f.published).filteredOn("workflow.run.interrupted"::equals).hasSize(1);
        assertThat(audited("RUN_RELINQUISHED")).isEmpty();
    }

    @Test
    void aRunThatCannotResume_adoptedAwayBeforeItsEndIsWritten_keepsTheAdoptersState_andIsGivenUp() {
        AtomicBoolean once = new AtomicBoolean();
        // hub A stalls while it reads the revision, and hub B adopts the run meanwhile
        takenUpAtStart(() -> {
            if (once.compareAndSet(false, true)) {
                ownedBy("run-1", "hub-b");
            }
        });

        assertThat(once.get()).as("the take-up read the revision").isTrue();
        RunRecord run = f.store.run("run-1").orElseThrow();
        assertThat(run.hubId()).as("not taken back by hub A's write").isEqualTo("hub-b");
        assertThat(run.state()).as("as hub B left it").isEqualTo(RunState.RUNNING);
        assertThat(run.node("restart_service").state()).isEqualTo(NodeState.QUEUED);
        assertThat(f.published).filteredOn("workflow.run.interrupted"::equals).as("nothing published").isEmpty();
        assertThat(audited("RUN_RELINQUISHED")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("hub:hub-a");
            assertThat(e.subject()).isEqualTo("run:run-1");
            assertThat(e.detail()).contains("\"to\":\"hub-b\"").contains("a write of it found it owned by hub hub-b");
        });
    }

    /** The workflow store, running {@code whileReading} before each revision is read. */
    private record ReadingRevisions(WorkflowStore store, Runnable whileReading) implements WorkflowStore {
        @Override
        public Appended append(ProjectId project, String name, String source, String sha256, Instant at, String by) {
            return store.append(project, name, source, sha256, at, by);
        }

        @Override
        public Optional<WorkflowRevision> revision(ProjectId project, String name, int revision) {
            whileReading.run();
            return store.revision(project, name, revision);
        }

        @Override
        public Optional<WorkflowRevision> latest(ProjectId project, String name) {
            return store.latest(project, name);
        }

        @Override
        public List<WorkflowRevision> revisions(ProjectId project, String name) {
            return store.revisions(project, name);
        }

        @Override
        public List<WorkflowRevision> latestEverywhere() {
            return store.latestEverywhere();
        }
    }
}
