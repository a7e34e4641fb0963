package io.commandcenter.hub.remediate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link CrashMidBurst} on the in-memory store, the contract's oracle. */
class CrashMidBurstTest {

    @Test
    void aHubDyingMidBurst_runsNoActionTwice_noneWithoutAStoredRun_andEveryStoredRunEnds() {
        CrashMidBurst.Seen seen = CrashMidBurst.run(new InMemoryRemediationStore(), 300);

        assertThat(seen.unfinishedAtTheCut()).as(CrashMidBurst.describe().apply(seen)).isPositive();
        assertThat(seen.succeeded()).as(CrashMidBurst.describe().apply(seen)).isPositive();
    }
}
