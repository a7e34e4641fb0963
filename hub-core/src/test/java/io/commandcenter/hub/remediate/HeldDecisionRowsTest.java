package io.commandcenter.hub.remediate;

import io.commandcenter.hub.workflow.SeedWorkflows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The decision row ({@code PredictionAction}) of a run started here is held in memory while the hub
 * drives the run, to be handed to the outcome watch at its end, and no longer once the run has left
 * this hub: ended, cancelled, or halted by the kill switch here (given up to another hub: {@link FencingTest}).
 */
class HeldDecisionRowsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final EngineFixture f = new EngineFixture();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        f.close();
    }

    /** A run of a confident prediction on checkout, its restart held at the agent: its decision row held here. */
    private RunRecord drivenWithItsRestartHeld() {
        f.devops = EngineFixture.holding(entered, release);
        f.start().put(SeedWorkflows.AUTO_RESTART);
        f.health.put("checkout", 0.1);
        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        assertThat(f.engine.heldDecisionRows()).as("held while the run is driven").isEqualTo(1);
        return f.onlyRun();
    }

    private RunRecord endsAs(RunRecord run, RunState state) {
        await().atMost(WAIT).until(() -> f.store.run(run.runId()).orElseThrow().state().isFinished());
        f.engine.drain();
        RunRecord ended = f.store.run(run.runId()).orElseThrow();
        assertThat(ended.state()).isEqualTo(state);
        return ended;
    }

    @Test
    void aRunThatEndsHere_holdsItsDecisionRowNoLonger_andItsOutcomeIsJudgedOnIt() {
        RunRecord run = drivenWithItsRestartHeld();

        release.countDown();

        endsAs(run, RunState.SUCCEEDED);
        await().atMost(WAIT).until(() -> f.store.actionOfRun(run.runId()).orElseThrow().isJudged());
        assertThat(f.engine.heldDecisionRows()).isZero();
    }

    @Test
    void aRunCancelledHere_holdsItsDecisionRowNoLonger() {
        RunRecord run = drivenWithItsRestartHeld();

        f.engine.cancel(EngineFixture.P, run.runId(), "ana", "wrong service");

        endsAs(run, RunState.CANCELLED);
        assertThat(f.engine.heldDecisionRows()).isZero();
    }

    @Test
    void aRunHaltedByTheKillSwitch_holdsItsDecisionRowNoLonger() {
        RunRecord run = drivenWithItsRestartHeld();

        f.engine.setAutonomy("global", true, "ana", "change freeze");
        release.countDown(); // the restart with the agent finishes; the notify never starts

        RunRecord ended = endsAs(run, RunState.CANCELLED);
        assertThat(ended.node("notify").attempts()).isZero();
        assertThat(f.engine.heldDecisionRows()).isZero();
    }
}
