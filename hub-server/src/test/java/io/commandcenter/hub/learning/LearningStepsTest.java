package io.commandcenter.hub.learning;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Learning work stops at its safe points, never by an interrupt. */
class LearningStepsTest {
    final LearningSteps steps = new LearningSteps();

    @Test
    void stop_endsARunningStepAtItsNextCheckpoint_waitsForIt_andRefusesNewSteps() throws Exception {
        Object token = new Object();
        assertThat(steps.enter(token, "collect of run r")).isTrue();
        CountDownLatch entered = new CountDownLatch(1);
        AtomicReference<String> ended = new AtomicReference<>();
        boolean[] interrupted = {false};
        Thread step = new Thread(() -> {
            try {
                entered.countDown();
                while (true) {
                    steps.checkpoint("between pages");
                    Thread.onSpinWait();
                }
            } catch (LearningSteps.Cancelled e) {
                ended.set(e.getMessage());
            } finally {
                interrupted[0] = Thread.currentThread().isInterrupted();
                steps.exit(token);
            }
        });
        step.start();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(steps.stop(Duration.ofMinutes(1))).as("nothing left running").isEmpty();

        step.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(ended.get()).isEqualTo("the hub is closing: the learning work stopped between pages, before it"
                + " finished; nothing of it was kept");
        assertThat(interrupted[0]).isFalse();
        assertThat(steps.enter(new Object(), "train of run r")).as("no step starts once stopping").isFalse();
        assertThat(steps.running()).isZero();
    }

    @Test
    void stop_returnsWhatStillRunsAfterTheBound_withoutTouchingIt() {
        Object token = new Object();
        steps.enter(token, "train of run r in shop");

        assertThat(steps.stop(Duration.ZERO)).containsExactly("train of run r in shop");
        assertThat(steps.stopping()).isTrue();
        steps.exit(token);
        assertThat(steps.running()).isZero();
    }

    @Test
    void aStepWhoseTaskIsRevoked_endsAtItsNextCheckpoint_whileAnotherStepGoesOn() throws Exception {
        AtomicBoolean revoked = new AtomicBoolean();
        AtomicReference<String> ended = new AtomicReference<>();
        AtomicReference<String> other = new AtomicReference<>("not run");
        Object token = new Object();
        assertThat(steps.enter(token, "collect of run r", revoked::get)).isTrue();
        steps.checkpoint("before the revocation"); // not revoked: returns

        revoked.set(true);
        Thread another = new Thread(() -> {
            Object t = new Object();
            steps.enter(t, "collect of run s", () -> false);
            try {
                steps.checkpoint("between pages");
                other.set("went on");
            } finally {
                steps.exit(t);
            }
        });
        another.start();
        another.join(TimeUnit.SECONDS.toMillis(10));
        try {
            steps.checkpoint("between pages");
        } catch (LearningSteps.Cancelled e) {
            ended.set(e.getMessage());
        } finally {
            steps.exit(token);
        }

        assertThat(ended.get()).isEqualTo("the task was revoked (its run cancelled, or its agent disconnected): the"
                + " learning work stopped between pages, before it finished; nothing of it was kept");
        assertThat(other.get()).as("a step of another task is not stopped").isEqualTo("went on");
        assertThat(steps.stopping()).isFalse();
        assertThat(steps.running()).isZero();
        steps.checkpoint("after the step ended"); // the thread's next step starts clean
    }
}
