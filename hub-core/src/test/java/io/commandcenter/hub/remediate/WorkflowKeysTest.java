package io.commandcenter.hub.remediate;

import io.commandcenter.common.testing.ManualClock;
import io.commandcenter.hub.testing.ManualTimers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotency keys are unique per project, so each workflow's keys start with its name: two
 * workflows whose own key renders alike never block each other.
 */
class WorkflowKeysTest {
    static final Instant T0 = Instant.parse("2026-12-01T02:59:30Z");
    static final Instant THREE = Instant.parse("2026-12-01T03:00:00Z");

    final ManualClock clock = new ManualClock(T0);
    final ManualTimers timers = new ManualTimers(clock);
    final EngineFixture f = new EngineFixture(new InMemoryRemediationStore(), clock, () -> timers);

    static String nightly(String name) {
        return """
                name: %s
                trigger:
                  schedule: "0 3 * * *"
                idempotency_key: "$trigger.id"
                nodes:
                  - id: report
                    agent: notifier
                    action: sendSlack
                    inputs:
                      message: "%s at $trigger.id"
                """.formatted(name, name);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void twoWorkflowsOnOneSchedule_withTheSameCustomKey_bothRun() {
        f.start();
        f.put(nightly("backup-db"));
        f.put(nightly("rotate-logs"));

        timers.advance(Duration.between(T0, THREE));
        f.engine.drain();

        assertThat(f.runs()).extracting(RunRecord::workflow).containsExactlyInAnyOrder("backup-db", "rotate-logs");
        assertThat(f.runs()).extracting(RunRecord::idempotencyKey)
                .containsExactlyInAnyOrder("backup-db:" + THREE, "rotate-logs:" + THREE);
        assertThat(f.engine.stats().duplicates()).isZero();
    }

    @Test
    void aKeyLongerThanTheStoresColumn_isStoredAsItsStartAndDigest_andTellsTriggersApart() {
        f.start();
        // 600 characters before the trigger: the database refused such a run (the column holds 512)
        f.put(nightly("backup-db").replace("\"$trigger.id\"", "\"" + "x".repeat(600) + "-$trigger.id\""));

        timers.advance(Duration.between(T0, THREE.plus(Duration.ofDays(1))));
        f.engine.drain();

        assertThat(f.runs()).hasSize(2).extracting(RunRecord::idempotencyKey).doesNotHaveDuplicates()
                .allSatisfy(key -> {
                    assertThat(key).hasSizeLessThanOrEqualTo(RunStore.MAX_IDEMPOTENCY_KEY)
                            .startsWith("backup-db:xxx").containsPattern("#[0-9a-f]{64}$");
                });
        assertThat(RunStore.idempotencyKeyAsStored("backup-db:" + "x".repeat(600) + "-" + THREE))
                .as("the same key, the same stored key (every hub)").isIn(f.runs().stream()
                        .map(RunRecord::idempotencyKey).toList());
    }
}
