package io.commandcenter.hub.remediate;

import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static io.commandcenter.hub.remediate.TargetFactsTest.HOUR;
import static io.commandcenter.hub.remediate.TargetFactsTest.P;
import static io.commandcenter.hub.remediate.TargetFactsTest.T0;
import static io.commandcenter.hub.remediate.TargetFactsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When memory may answer a decision ({@link SoleWriter}): only alone, and in the spell it was read
 * in. The store is the oracle; the spell is set by the test as a cluster adapter would.
 */
class SoleWriterTest {
    final ManualClock clock = new ManualClock(T0);
    final InMemoryRemediationStore store = new InMemoryRemediationStore();
    final TargetFacts facts = new TargetFacts(store, clock);
    final KillSwitch switches = new KillSwitch(store, null, null, null, clock);
    final AtomicLong spell = new AtomicLong(1);
    final SoleWriter gate = new SoleWriter(facts, switches, clock);

    SoleWriterTest() {
        gate.declare(spell::get);
    }

    RunStore.TargetCounts counts(String target) {
        return facts.targetCounts(P, "auto-restart", "service", target, clock.instant().minus(HOUR));
    }

    void storedByAnotherHub(String id, String target) {
        store.create(run(id, "auto-restart", target, RunMode.AUTOMATIC, RunState.RUNNING, clock.instant()),
                Optional.empty(), Optional.empty());
    }

    @Test
    void alone_everyTargetIsReadOnce_thenCountsComeFromMemory() {
        storedByAnotherHub("before", "api");
        assertThat(counts("api")).isEqualTo(new RunStore.TargetCounts(1, 1));
        assertThat(counts("db")).isEqualTo(new RunStore.TargetCounts(0, 0));
        assertThat(facts.loads()).isEqualTo(1);
    }

    @Test
    void notAlone_everyCountAndSwitchIsReadFromTheStore_andMemoryIsDropped() {
        assertThat(counts("api")).isEqualTo(new RunStore.TargetCounts(0, 0));
        spell.set(Solitude.NOT_ALONE);

        storedByAnotherHub("theirs", "api");
        assertThat(counts("api")).as("the other hub's run").isEqualTo(new RunStore.TargetCounts(1, 1));
        store.put(new AutonomySetting(P.value(), true, T0, "ana", "incident"));
        assertThat(switches.pausedBy(P)).isPresent();
        store.put(new AutonomySetting(P.value(), false, T0, "ana", "over"));
        assertThat(switches.pausedBy(P)).isEmpty();

        assertThat(facts.targetsKept()).isZero();
        assertThat(facts.loads()).as("read at the first decision only, alone").isEqualTo(1);
    }

    @Test
    void aNewSpellAlone_readsEveryTargetAgain_evenWithNoDecisionWhileNotAlone() {
        assertThat(counts("api")).isEqualTo(new RunStore.TargetCounts(0, 0));
        assertThat(switches.pausedBy(P)).isEmpty();

        // another hub came and went between two decisions: it stored a run and paused the project
        storedByAnotherHub("theirs", "api");
        store.put(new AutonomySetting(P.value(), true, T0, "ana", "incident"));
        spell.set(3);

        assertThat(counts("api")).isEqualTo(new RunStore.TargetCounts(1, 1));
        assertThat(switches.pausedBy(P)).isPresent();
        assertThat(facts.loads()).isEqualTo(2);
        assertThat(counts("api")).isEqualTo(new RunStore.TargetCounts(1, 1));
        assertThat(facts.loads()).as("from memory again").isEqualTo(2);
    }
}
