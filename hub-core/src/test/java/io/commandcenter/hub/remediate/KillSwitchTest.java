package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The kill switches a sole writer keeps against what its store holds. */
class KillSwitchTest {
    static final ProjectId P = ProjectId.of("p");

    final InMemoryRemediationStore store = new InMemoryRemediationStore();

    @Test
    void aPauseWhoseStoreFailsAfterTheCommit_whileALaneReadsTheScopeFirst_holdsForTheNextDecision() {
        AtomicReference<Thread> setter = new AtomicReference<>();
        AtomicReference<Throwable> setFailed = new AtomicReference<>();
        KillSwitch[] self = new KillSwitch[1];
        AutonomyStore racing = new AutonomyStore() {
            @Override
            public Optional<AutonomySetting> autonomy(String scope) {
                return store.autonomy(scope);
            }

            @Override
            public List<AutonomySetting> autonomies(List<String> scopes) {
                List<AutonomySetting> read = store.autonomies(scopes);
                if (setter.get() == null) {
                    // a person pauses the project between this lane's read and its keeping what it read
                    Thread t = new Thread(() -> {
                        try {
                            self[0].set(P.value(), true, "ana", "incident");
                        } catch (RuntimeException e) {
                            setFailed.set(e);
                        }
                    });
                    setter.set(t);
                    t.start();
                    // the set either runs to its end or waits for this read to be kept
                    while (t.getState() != Thread.State.BLOCKED && t.getState() != Thread.State.TERMINATED) {
                        Thread.onSpinWait();
                    }
                }
                return read;
            }

            @Override
            public void put(AutonomySetting setting) {
                store.put(setting);
                throw new IllegalStateException("connection lost after the commit");
            }
        };
        self[0] = new KillSwitch(racing, null, null, null, new ManualClock(Instant.parse("2026-12-06T10:00:00Z")));
        self[0].soleWriter(true);

        assertThat(self[0].pausedBy(P)).as("the read before the pause").isEmpty();
        join(setter.get());

        assertThat(setFailed.get()).isInstanceOf(IllegalStateException.class);
        assertThat(store.autonomy(P.value()).orElseThrow().paused()).isTrue();
        assertThat(self[0].pausedBy(P)).as("the store says paused").isPresent();
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
