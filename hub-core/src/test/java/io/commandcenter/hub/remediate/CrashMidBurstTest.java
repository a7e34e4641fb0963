package io.commandcenter.hub.remediate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CrashMidBurst} on the in-memory store, the contract's oracle. */
class CrashMidBurstTest {

    @Test
    void aHubDyingMidBurst_runsNoActionTwice_noneWithoutAStoredRun_andEveryStoredRunEnds() {
        InMemoryRemediationStore store = new InMemoryRemediationStore();
        CrashMidBurst.Seen seen = CrashMidBurst.run(store, 300);

        assertThat(seen.unfinishedAtTheCut()).as(CrashMidBurst.describe().apply(seen)).isPositive();
        assertThat(seen.succeeded()).as(CrashMidBurst.describe().apply(seen)).isPositive();
        // the journal wrote only the nodes each step changed: what it said it had stored, it had
        assertThat(store.untrueLastStored()).isEmpty();
    }
}
