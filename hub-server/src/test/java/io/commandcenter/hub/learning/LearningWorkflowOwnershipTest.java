package io.commandcenter.hub.learning;

import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.InMemoryRemediationStore;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.hub.workflow.WorkflowParser;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person's stored {@code retrain-predictive-models} is theirs even when it does not load or loads
 * only by the rules it was stored under: the learning loop never writes its default over it.
 */
class LearningWorkflowOwnershipTest {
    static final ProjectId P = ProjectId.of("demo");
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T03:00:00Z"));
    final InMemoryRemediationStore store = new InMemoryRemediationStore();
    final WorkflowCatalog catalog = new WorkflowCatalog(store, new WorkflowParser(CapabilityCatalog.builtIn()
            .and(LearningLoop.CATALOG)), MemoryAuditSpool.trail(new InMemoryAuditLedger(), clock, "hub-test"), clock);
    final LearningWorkflow workflow = new LearningWorkflow(LearningSettings.defaults(), null);

    private void storedByAna(String on, String agent) {
        String yaml = "name: " + LearningLoop.WORKFLOW + "\ntrigger:\n  on: [" + on + "]\nnodes:\n"
                + "  - {id: train, agent: " + agent + ", action: trainModel}\n";
        store.append(P, LearningLoop.WORKFLOW, yaml, Integer.toHexString(yaml.hashCode()), clock.instant(), "ana");
        catalog.load();
    }

    @Test
    void aPersonsRevisionThatDoesNotLoad_isLeftAlone() {
        storedByAna("model.train.requested", "gpu-trainer");
        assertThat(catalog.latest(P, LearningLoop.WORKFLOW)).as("names an agent not connected").isEmpty();

        assertThat(workflow.install(catalog, P)).isFalse();

        assertThat(store.latest(P, LearningLoop.WORKFLOW).orElseThrow().createdBy()).isEqualTo("ana");
    }

    @Test
    void aPersonsRevisionWithAPatternTodaysRulesRefuse_loads_andIsLeftAlone() {
        storedByAna("models.train.requested", "trainer");
        assertThat(catalog.latest(P, LearningLoop.WORKFLOW)).isPresent();

        assertThat(workflow.install(catalog, P)).isFalse();

        assertThat(store.latest(P, LearningLoop.WORKFLOW).orElseThrow().revision()).isEqualTo(1);
    }

    @Test
    void theLoopsOwnRevision_storedByAnotherCatalog_isLoadedIntoThisOne_notStoredTwice() {
        // another hub's installer (or this hub's, a moment ago) stored the loop's revision; this catalog has not
        // read it yet: after install it is in this catalog's memory, so a train that follows finds it
        WorkflowCatalog other = new WorkflowCatalog(store, new WorkflowParser(CapabilityCatalog.builtIn()
                .and(LearningLoop.CATALOG)), MemoryAuditSpool.trail(new InMemoryAuditLedger(), clock, "hub-other"),
                clock);
        assertThat(workflow.install(other, P)).isTrue();
        assertThat(catalog.latest(P, LearningLoop.WORKFLOW)).isEmpty();

        assertThat(workflow.install(catalog, P)).as("nothing new stored").isFalse();

        assertThat(catalog.latest(P, LearningLoop.WORKFLOW)).isPresent();
        assertThat(store.latest(P, LearningLoop.WORKFLOW).orElseThrow().revision()).isEqualTo(1);
    }

    @Test
    void withoutAnyRevision_theLoopsOwnIsInstalled() {
        assertThat(workflow.install(catalog, P)).isTrue();

        assertThat(store.latest(P, LearningLoop.WORKFLOW).orElseThrow().createdBy()).isEqualTo(LearningLoop.BY);
    }
}
