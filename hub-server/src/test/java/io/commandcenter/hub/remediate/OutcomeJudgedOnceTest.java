package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two hubs sharing one database (a stalled hub and the one that adopted its run) judge the same
 * decision at once: each watcher has read the decision as not judged yet and probed the target's health
 * (the probe holds both until both are inside it) before either stores an outcome. One outcome is stored
 * (with the run's, in the same transaction) and one {@code outcomeObserved} emitted. On PostgreSQL two
 * stores on pools of their own; on H2 (one hub per file) two watchers on one store.
 */
class OutcomeJudgedOnceTest {
    static final ProjectId P = ProjectId.of("shop");
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoWatchersJudgingOneDecisionAtOnce_storeOneOutcome_andEmitOnce(String vendor, @TempDir Path dir)
            throws Exception {
        DatabaseSettings settings = vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
        List<ActionRecord> observed = new CopyOnWriteArrayList<>();
        CountDownLatch bothProbing = new CountDownLatch(2);
        try (Database hubA = Database.open(settings);
             Database hubB = vendor.equals("h2") ? null : Database.open(settings);
             Stripes lanesA = new Stripes(1, "a-outcome-");
             Stripes lanesB = new Stripes(1, "b-outcome-")) {
            JpaRemediationStore storeA = new JpaRemediationStore(hubA);
            JpaRemediationStore storeB = hubB == null ? storeA : new JpaRemediationStore(hubB);
            ActionRecord action = new ActionRecord("a-1", P, null, "r-1", ActionDecision.AUTOMATIC, "engine", T0,
                    "confident", "service", "api", 0.93, null, null, null, "{}");
            storeA.create(finishedRun(), Optional.empty(), Optional.empty());
            storeA.insert(action);
            OutcomeWatcher a = watcher(storeA, lanesA, probe(bothProbing, 0.10), observed);
            OutcomeWatcher b = watcher(storeB, lanesB, probe(bothProbing, 0.99), observed);

            a.watch(action, T0);
            b.watch(action, T0);
            // a lane runs its work in order: a call handed in after the watch returns once the watch is done
            String lane = Stripes.key(P, "service", "api");
            lanesA.call(lane, () -> null);
            lanesB.call(lane, () -> null);

            assertThat(bothProbing.getCount()).as("both read the decision as not judged").isZero();
            assertThat(observed).as("one outcomeObserved").hasSize(1);
            ActionRecord stored = storeA.actionOfRun("r-1").orElseThrow();
            assertThat(stored.outcome()).as("the stored outcome is the emitting watcher's")
                    .isEqualTo(observed.get(0).outcome());
            assertThat(stored.riskAfter()).isEqualTo(observed.get(0).riskAfter());
            assertThat(storeA.awaitingOutcome(10)).isEmpty();
            assertThat(storeA.run("r-1").orElseThrow().outcome()).as("the run's outcome is the emitting watcher's")
                    .isEqualTo(observed.get(0).outcome());
        }
    }

    /**
     * The run's part of the outcome write fails (here a constraint refuses any outcome on the run, as a
     * database blip would fail it): nothing is stored, no event is emitted, and the decision still awaits
     * its outcome, so a later resume judges it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aFailedRunUpdate_storesNoOutcome_andTheDecisionStaysAwaiting(String vendor, @TempDir Path dir)
            throws Exception {
        DatabaseSettings settings = vendor.equals("h2") ? Databases.h2(dir) : Databases.postgres(dir);
        List<ActionRecord> observed = new CopyOnWriteArrayList<>();
        try (Database hub = Database.open(settings);
             Stripes lanes = new Stripes(1, "outcome-")) {
            JpaRemediationStore store = new JpaRemediationStore(hub);
            ActionRecord action = new ActionRecord("a-1", P, null, "r-1", ActionDecision.AUTOMATIC, "engine", T0,
                    "confident", "service", "api", 0.93, null, null, null, "{}");
            store.create(finishedRun(), Optional.empty(), Optional.empty());
            store.insert(action);
            try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
                 Statement s = c.createStatement()) {
                s.execute("ALTER TABLE remediation_run ADD CONSTRAINT ck_test_no_outcome CHECK (outcome = '')");
            }
            OutcomeWatcher watcher = watcher(store, lanes,
                    (project, kind, id) -> Optional.of(new HealthProbe.Reading(0.10, "{}")), observed);

            watcher.watch(action, T0);
            lanes.call(Stripes.key(P, "service", "api"), () -> null);

            assertThat(observed).as("no outcomeObserved").isEmpty();
            assertThat(store.actionOfRun("r-1").orElseThrow().outcome()).as("no outcome on the decision").isNull();
            assertThat(store.awaitingOutcome(10)).extracting(ActionRecord::actionId).containsExactly("a-1");
            assertThat(store.run("r-1").orElseThrow().outcome()).isNull();
        }
    }

    /** Run r-1 of hub-a, ended. */
    private static RunRecord finishedRun() {
        return new RunRecord("r-1", P, "auto-restart", 1, RunState.SUCCEEDED, RunMode.AUTOMATIC,
                "prediction.created.risk", "e-1", null, "service", "api", "auto-restart:e-1", null, "hub-a", "", null,
                T0, T0, T0.plusSeconds(5), T0.plusSeconds(1800), List.of());
    }

    /** Reads {@code risk} once both watchers are inside a probe. */
    private static HealthProbe probe(CountDownLatch bothProbing, double risk) {
        return (project, kind, id) -> {
            bothProbing.countDown();
            try {
                if (!bothProbing.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other watcher never probed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return Optional.of(new HealthProbe.Reading(risk, "{}"));
        };
    }

    private static OutcomeWatcher watcher(JpaRemediationStore store, Stripes lanes, HealthProbe probe,
                                          List<ActionRecord> observed) {
        RemediationEvents events = new RemediationEvents() {
            @Override
            public void runChanged(RunRecord run, Optional<io.commandcenter.hub.predict.PredictionRecord> prediction) {
            }

            @Override
            public void approvalRequested(ApprovalRecord approval,
                                          Optional<io.commandcenter.hub.predict.PredictionRecord> prediction,
                                          RunRecord run) {
            }

            @Override
            public void approvalDecided(ApprovalRecord approval,
                                        Optional<io.commandcenter.hub.predict.PredictionRecord> prediction,
                                        RunRecord run) {
            }

            @Override
            public void outcomeObserved(ActionRecord action) {
                observed.add(action);
            }
        };
        Clock clock = Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC);
        return new OutcomeWatcher(store, store, probe, (project, id) -> Optional.empty(), events, new AtOnce(),
                lanes, clock, Duration.ofMinutes(5), 0.05);
    }

    /** Timers that run a job at once on the caller's thread (the watch's window has passed). */
    private static final class AtOnce implements Timers {
        @Override
        public Timer at(Instant when, Runnable work) {
            work.run();
            return () -> { };
        }

        @Override
        public Timer every(Duration period, Runnable work) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
