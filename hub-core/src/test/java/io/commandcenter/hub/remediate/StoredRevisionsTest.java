package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A revision stored before the trigger pattern checks, with a pattern they refuse, still loads: it
 * fires on the patterns that match, its runs resume on another engine, its revisions list. Only a
 * new PutWorkflow of such a text is refused.
 */
class StoredRevisionsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NAME = "notify-on-risk";
    private static final String OLD = """
            name: notify-on-risk
            trigger:
              on: [prediction.created, predictions.created]
            nodes:
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "risk: $trigger.id"
            """;

    private final EngineFixture f = new EngineFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /** Stored as an older hub did, past today's PutWorkflow checks. */
    private void storedBeforeTheChecks() {
        f.store.append(EngineFixture.P, NAME, OLD, sha256(OLD), f.clock.instant(), "ana");
    }

    @Test
    void aStoredRevisionTheNewChecksRefuse_loads_firesOnItsGoodPattern_andItsRunResumes() {
        storedBeforeTheChecks();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.notifier = EngineFixture.holding(entered, release);
        f.start();
        assertThat(f.engine.catalog().latest(EngineFixture.P, NAME)).isPresent();

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> entered.getCount() == 0);
        assertThat(f.onlyRun().workflow()).isEqualTo(NAME);

        // another engine takes the run up: it reads the run's pinned revision from the store
        f.stopEngineOnly();
        f.startEngine();
        release.countDown();

        await().atMost(WAIT).until(() -> f.onlyRun().state().isFinished());
        assertThat(f.onlyRun().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(f.engine.catalog().pinned(EngineFixture.P, NAME, 1).workflow().name()).isEqualTo(NAME);
    }

    @Test
    void putting_theSameText_isRefused_namingThePattern() {
        f.start();
        CommandCenterException e = catchThrowableOfType(() -> f.put(OLD), CommandCenterException.class);

        assertThat(e.reason()).isEqualTo("WORKFLOW_INVALID");
        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("trigger.on[1]");
            assertThat(v.message()).contains("no event subject starts with 'predictions'");
        });
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
