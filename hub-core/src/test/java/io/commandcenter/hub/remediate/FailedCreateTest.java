package io.commandcenter.hub.remediate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run whose create the store refuses never starts, whoever committed it (a lane, the journal's
 * writer idle, or the writer), the refusal is logged as an error naming the run, and the target's
 * next trigger runs.
 */
class FailedCreateTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final CrashMidBurst.PowerCut power = new CrashMidBurst.PowerCut(new InMemoryRemediationStore());
    private final EngineFixture f = new EngineFixture(power.proxy(), Clock.systemUTC(), null);
    private final Logger starterLog = Logger.getLogger(RunStarter.class.getName());
    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void close() {
        starterLog.removeHandler(handler);
        f.close();
    }

    @Test
    void aCreateTheStoreRefuses_startsNothing_isLoggedAsAnError_andTheTargetsNextTriggerRuns() {
        starterLog.addHandler(handler);
        f.start().put(CrashMidBurst.WORKFLOW);
        power.cut = true;

        f.raise(f.prediction("svc-a", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> !errors.isEmpty());
        f.engine.drain();

        assertThat(errors).singleElement().satisfies(r -> {
            assertThat(r.getMessage()).contains("could not be stored, nothing runs");
            assertThat(r.getParameters()).contains("svc-a");
        });
        assertThat(f.runs()).isEmpty();
        assertThat(f.calls).isEmpty();
        assertThat(f.ledger.all()).noneMatch(e -> e.action().equals("RUN_DECIDED"));

        power.cut = false;
        f.raise(f.prediction("svc-a", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.ledger.all()).filteredOn(e -> e.action().equals("RUN_DECIDED")).hasSize(1);
    }
}
