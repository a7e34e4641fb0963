package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.hub.testing.LogCapture;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.testing.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The server's start of the hub ({@link HubLifecycle} through {@link HubStarter}) against a real
 * PostgreSQL server that is not there yet when the start begins: the hub waits for it, not ready,
 * and starts once it is up; a configuration error fails at once and for good; a stop ends the wait.
 */
class HubLifecycleTest {
    @TempDir
    Path dir;
    final HubLifecycle lifecycle = new HubLifecycle();

    @AfterEach
    void stop() {
        lifecycle.stop();
    }

    /** A hub on a PostgreSQL URL nobody listens on (yet). */
    HubSettings onPort(int port, String database) {
        return HubSettings.defaults(dir, 0).withDatabase(new DatabaseSettings(
                "jdbc:postgresql://localhost:" + port + "/" + database, "postgres", "postgres", dir, 4));
    }

    @Test
    void aDatabaseStartedAfterTheHubsStartBegan_isWaitedFor_andTheHubThenStarts() throws Exception {
        int port = Ports.free();
        HubSettings settings = onPort(port, "postgres");
        try (LogCapture log = LogCapture.start()) {
            lifecycle.begin(new HubStarter(() -> Hub.start(settings, Clock.systemUTC()), Duration.ofMillis(100),
                    Duration.ofMillis(400)));

            // the first attempt failed on this thread: not ready, waiting, not failed
            assertThat(lifecycle.isRunning()).isFalse();
            assertThat(lifecycle.startFailure()).isNull();
            assertThat(lifecycle.notRunningReason()).startsWith("starting, waiting for the database (attempt ")
                    .endsWith(" failed)");
            assertThat(lifecycle.lastStartFailure()).contains("DatabaseSettings[jdbc:postgresql://localhost:" + port);
            assertThatThrownBy(lifecycle::hub).isInstanceOf(CommandCenterException.class)
                    .hasMessageContaining("waiting for the database")
                    .satisfies(e -> assertThat(((CommandCenterException) e).reason()).isEqualTo("HUB_NOT_STARTED"));
            // tried again and again, each failure logged at WARNING with its cause
            await().atMost(60, TimeUnit.SECONDS).until(() -> retries(log) >= 2);
            assertThat(log.lines()).filteredOn(l -> l.contains("cannot reach its database (attempt "))
                    .allMatch(l -> l.startsWith("WARNING") && l.contains("Connection refused"));

            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(port).start()) {
                await().atMost(2, TimeUnit.MINUTES).until(lifecycle::isRunning);
                Hub hub = lifecycle.hub();
                assertThat(hub.isReady()).isTrue();
                assertThat(hub.database().vendor()).isEqualTo(DatabaseSettings.Vendor.POSTGRESQL);
                assertThat(lifecycle.startFailure()).isNull();
                assertThat(lifecycle.lastStartFailure()).isNull();
                lifecycle.stop();
                assertThat(lifecycle.isRunning()).isFalse();
                // the failures before the start are over: not "waiting for the database" with an old cause
                assertThat(lifecycle.notRunningReason()).isEqualTo("stopped");
                assertThat(lifecycle.lastStartFailure()).isNull();
            }
        }
    }

    static long retries(LogCapture log) {
        return log.lines().stream().filter(l -> l.contains("cannot reach its database (attempt ")).count();
    }

    @Test
    void anInvalidSetting_failsTheStartAtOnce_andIsNotTriedAgain() {
        AtomicInteger attempts = new AtomicInteger();
        HubStarter starter = new HubStarter(() -> {
            attempts.incrementAndGet();
            // what an unsupported CC_DB_URL gives when the configuration is read
            return Hub.start(HubSettings.defaults(dir, 0).withDatabase(new DatabaseSettings("jdbc:mysql://db/cc", "",
                    "", dir, 4)), Clock.systemUTC());
        }, Duration.ofMillis(10), Duration.ofMillis(10));
        lifecycle.begin(starter);

        assertThat(lifecycle.isRunning()).isFalse();
        assertThat(lifecycle.startFailure()).contains("CC_DB_URL");
        assertThat(lifecycle.notRunningReason()).isEqualTo(lifecycle.startFailure());
        assertThat(lifecycle.lastStartFailure()).isNull();
        assertThat(starter.isRetrying()).isFalse();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aDatabaseThatDoesNotExistOnAReachableServer_failsAtOnce_andIsNotTriedAgain() {
        DatabaseSettings real = Databases.postgres(dir);
        HubSettings settings = HubSettings.defaults(dir, 0).withDatabase(new DatabaseSettings(
                real.url().substring(0, real.url().lastIndexOf('/') + 1) + "cc_no_such_database", real.user(),
                real.password(), dir, 4));
        HubStarter starter = new HubStarter(() -> Hub.start(settings, Clock.systemUTC()), Duration.ofMillis(10),
                Duration.ofMillis(10));
        lifecycle.begin(starter);

        assertThat(lifecycle.isRunning()).isFalse();
        assertThat(lifecycle.startFailure()).contains("cannot open the database").contains("cc_no_such_database");
        assertThat(starter.isRetrying()).isFalse();
        assertThat(starter.attempts()).isEqualTo(1);
    }

    @Test
    void aStopWhileWaitingForTheDatabase_endsTheWaitAtOnce_andNoFurtherAttemptIsMade() {
        HubSettings settings = onPort(Ports.free(), "postgres");
        // a wait far longer than the stop's own bound (STOP_WAIT): only an ended wait lets the thread end in it
        HubStarter starter = new HubStarter(() -> Hub.start(settings, Clock.systemUTC()), Duration.ofHours(1),
                Duration.ofHours(1));
        lifecycle.begin(starter);
        assertThat(starter.isRetrying()).isTrue();
        assertThat(starter.attempts()).isEqualTo(1);
        assertThat(lifecycle.notRunningReason()).isEqualTo("starting, waiting for the database (attempt 1 failed)");

        lifecycle.stop();

        assertThat(starter.isRetrying()).isFalse();
        assertThat(starter.attempts()).isEqualTo(1);
        assertThat(lifecycle.isRunning()).isFalse();
        assertThat(lifecycle.startFailure()).isNull();
        assertThat(lifecycle.isStopped()).isTrue();
        assertThat(lifecycle.notRunningReason()).isEqualTo("stopped");
        assertThat(lifecycle.lastStartFailure()).isNull();
    }

    @Test
    void aHazelcastPortTaken_failsTheStartForGood_afterOneAttempt() throws Exception {
        int port = Ports.free();
        HubSettings defaults = HubSettings.defaults(dir, 0);
        HubSettings settings = defaults.withScheduler(SchedulerSettings.defaults(defaults.hubId()), Optional.of(
                HazelcastSettings.embedded(defaults.hubId(), "127.0.0.1", port, List.of("127.0.0.1:" + port))));
        try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            HubStarter starter = new HubStarter(() -> Hub.start(settings, Clock.systemUTC()), Duration.ofMillis(10),
                    Duration.ofMillis(10));
            lifecycle.begin(starter);

            // a BindException is a SocketException, but no database's: the same port stays taken
            assertThat(lifecycle.isRunning()).isFalse();
            assertThat(lifecycle.startFailure()).isNotNull();
            assertThat(lifecycle.notRunningReason()).isEqualTo(lifecycle.startFailure());
            assertThat(starter.isRetrying()).isFalse();
            assertThat(starter.attempts()).isEqualTo(1);
        }
    }

    @Test
    void aStartThatFailsAfterItsMetricsStarted_leavesNoMetricsTimerRunning() throws Exception {
        Set<Thread> before = metricsTimers();
        int port = Ports.free();
        try (ServerSocket taken = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            // the gRPC port is bound last in Hub.start, after the metrics' timers started
            HubStarter starter = new HubStarter(() -> Hub.start(HubSettings.defaults(dir, port), Clock.systemUTC()),
                    Duration.ofMillis(10), Duration.ofMillis(10));
            lifecycle.begin(starter);

            assertThat(lifecycle.startFailure()).isNotNull();
            assertThat(starter.isRetrying()).isFalse();
            assertThat(starter.attempts()).isEqualTo(1);
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(metricsTimers()).isSubsetOf(before));
        }
    }

    /** The live threads of the metrics' timers (the stats' snapshots, the pending approvals' count). */
    static Set<Thread> metricsTimers() {
        return Set.copyOf(Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive()
                && (t.getName().equals("cc-stats") || t.getName().equals("cc-metrics-approvals"))).toList());
    }
}
