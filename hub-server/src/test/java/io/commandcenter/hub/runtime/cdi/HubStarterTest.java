package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HubStarter}'s decisions, on starts that fail as told: only the database's own "unreachable" is tried
 * again; an {@link Error}, a socket error elsewhere in the start, an interrupt end the start for good, each
 * said in the log and in the reason; the wait is said at ERROR once after {@link HubStarter#ERROR_AFTER} attempts.
 */
class HubStarterTest {
    final HubLifecycle lifecycle = new HubLifecycle();
    final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void stop() {
        lifecycle.stop();
    }

    /** A start that fails with {@code failure} every time, counting its attempts. */
    Supplier<Hub> failing(Supplier<? extends Throwable> failure) {
        return () -> {
            attempts.incrementAndGet();
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) t;
        };
    }

    static CommandCenterException unreachable() {
        return CommandCenterException.unavailable(Database.UNREACHABLE, "cannot open the database: Connection refused",
                null);
    }

    @Test
    void anErrorInTheStart_failsItForGood_andSaysSo() {
        try (LogCapture log = LogCapture.start()) {
            HubStarter starter = new HubStarter(failing(() -> new NoClassDefFoundError("io/commandcenter/Missing")),
                    Duration.ofMillis(1), Duration.ofMillis(1));
            lifecycle.begin(starter);

            assertThat(lifecycle.startFailure()).isEqualTo("io/commandcenter/Missing");
            assertThat(lifecycle.notRunningReason()).isEqualTo("io/commandcenter/Missing");
            assertThat(starter.isRetrying()).isFalse();
            assertThat(attempts).hasValue(1);
            assertThat(log.lines()).anyMatch(l -> l.startsWith("SEVERE") && l.contains("could not start")
                    && l.contains("NoClassDefFoundError"));
        }
    }

    @Test
    void anErrorInALaterAttempt_endsTheRetrying_asAFailure() {
        AtomicInteger n = new AtomicInteger();
        HubStarter starter = new HubStarter(failing(() -> n.incrementAndGet() < 3 ? unreachable()
                : new ExceptionInInitializerError("static init failed")), Duration.ofMillis(1), Duration.ofMillis(1));
        lifecycle.begin(starter);

        await().atMost(30, TimeUnit.SECONDS).until(() -> !starter.isRetrying());
        assertThat(lifecycle.startFailure()).isEqualTo("static init failed");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aSocketFailureOutsideTheDatabase_isNotTriedAgain() {
        // what a cc.hazelcast.host that does not resolve gives: an UnknownHostException in the causes
        HubStarter starter = new HubStarter(failing(() -> new IllegalArgumentException(
                "cc.hazelcast.host 'nowhere' does not resolve", new UnknownHostException("nowhere"))),
                Duration.ofMillis(1), Duration.ofMillis(1));
        lifecycle.begin(starter);

        assertThat(lifecycle.startFailure()).contains("cc.hazelcast.host");
        assertThat(starter.isRetrying()).isFalse();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aDatabaseUnreachableForLong_isSaidAtErrorOnce_andTriedStill() {
        try (LogCapture log = LogCapture.start()) {
            HubStarter starter = new HubStarter(failing(HubStarterTest::unreachable), Duration.ofMillis(1),
                    Duration.ofMillis(1));
            lifecycle.begin(starter);

            await().atMost(60, TimeUnit.SECONDS).until(() -> attempts.get() >= HubStarter.ERROR_AFTER + 3);
            assertThat(starter.isRetrying()).isTrue();
            assertThat(lifecycle.startFailure()).isNull();
            assertThat(log.lines()).filteredOn(l -> l.startsWith("SEVERE")).singleElement().asString()
                    .contains("in " + HubStarter.ERROR_AFTER + " attempts").contains("Connection refused");
        }
    }

    @Test
    void anInterruptWhileWaiting_endsTheStart_asAFailure_andSaysSo() {
        try (LogCapture log = LogCapture.start()) {
            HubStarter starter = new HubStarter(failing(HubStarterTest::unreachable), Duration.ofHours(1),
                    Duration.ofHours(1));
            lifecycle.begin(starter);
            assertThat(lifecycle.notRunningReason()).isEqualTo("starting, waiting for the database (attempt 1 failed)");

            starter.retryingThread().interrupt();

            await().atMost(30, TimeUnit.SECONDS).until(() -> !starter.isRetrying());
            assertThat(lifecycle.startFailure()).startsWith("the start was interrupted while waiting for the database")
                    .contains("Connection refused");
            assertThat(lifecycle.notRunningReason()).isEqualTo(lifecycle.startFailure());
            assertThat(attempts).hasValue(1);
            assertThat(log.lines()).anyMatch(l -> l.startsWith("SEVERE") && l.contains("interrupted"));
        }
    }
}
