package io.commandcenter.hub.remediate;

import io.commandcenter.hub.events.Payload;
import io.commandcenter.hub.events.TraceContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trigger event the engine cannot handle is logged and counted, and the workflow's trigger
 * keeps listening: the bus closes a sink that throws, and nothing would subscribe the pattern
 * again, so before this rule one bad event silenced the workflow until the hub restarted.
 */
class TriggerFailureTest {
    static final Duration WAIT = Duration.ofSeconds(15);

    final EngineFixture f = new EngineFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anEventThatCannotBeHandled_isCounted_andTheNextOneStillStartsARun() {
        f.start();
        f.put(EngineFixture.RESTART_ON_RISK);
        f.bus.publish(EngineFixture.P, f.prediction("checkout", 0.9, 0.95, "restart").subject(), TraceContext.newRoot(new SplittableRandom()),
                new Payload() {
                    @Override
                    public String type() {
                        return "commandcenter.v1.PredictionCreated";
                    }

                    @Override
                    public String toJson() {
                        return "{}";
                    }

                    @Override
                    public <T> Optional<T> as(Class<T> type) {
                        throw new IllegalStateException("a payload that cannot be read");
                    }
                });
        await().atMost(WAIT).until(() -> f.engine.failedTriggers() == 1);

        f.raise(f.prediction("checkout", 0.9, 0.95, "restart"));

        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().state() == RunState.SUCCEEDED);
        assertThat(f.calls("restart")).hasSize(1);
        assertThat(f.engine.failedTriggers()).isEqualTo(1);
    }
}
