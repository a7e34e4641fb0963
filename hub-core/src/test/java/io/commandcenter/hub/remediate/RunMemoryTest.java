package io.commandcenter.hub.remediate;

import io.commandcenter.hub.memory.MemoryAdvisor;
import io.commandcenter.hub.memory.MemoryRecorder;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.PredictionAdvisor;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.workflow.SeedWorkflows;
import io.commandcenter.memory.ExactMemoryStore;
import io.commandcenter.memory.Memory;
import io.commandcenter.memory.MemoryFilter;
import io.commandcenter.memory.MemoryHit;
import io.commandcenter.memory.MemoryStore;
import io.commandcenter.models.explain.Factor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Finished remediation runs become memories (on the recorder's own thread), and a later prediction
 * of the same trouble is advised by them: the engine, scheduler and agents are real, the memory is
 * the exact store.
 */
class RunMemoryTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, Double> FEATURES = Map.of("error_rate_mean", 0.2, "latency_z", 1.5);
    private final EngineFixture f = new EngineFixture();
    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        f.close();
        writer.shutdownNow();
        writer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private MemoryRecorder recordInto(MemoryStore store) {
        MemoryRecorder[] recorder = new MemoryRecorder[1];
        f.decorateEvents = events -> recorder[0] = new MemoryRecorder(events, store, f.store::run,
                (project, id) -> Optional.ofNullable(f.predictions.get(id)).filter(p -> p.project().equals(project)),
                (project, modelRunId) -> FEATURES, writer);
        f.start();
        f.put(SeedWorkflows.AUTO_RESTART);
        return recorder[0];
    }

    @Test
    void aJudgedRun_isRemembered_withItsPredictionActionDecisionAndOutcome() {
        ExactMemoryStore store = new ExactMemoryStore(64);
        recordInto(store);
        f.health.put("checkout", 0.12);

        PredictionRecord p = f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        await().atMost(WAIT).until(() -> store.count("demo", MemoryFilter.ALL) == 1);
        RunRecord run = f.onlyRun();
        Memory m = store.get("demo", "run-" + run.runId()).orElseThrow();
        assertThat(m.entity()).isEqualTo("service/checkout");
        assertThat(m.kind()).isEqualTo("remediation");
        assertThat(m.at()).isEqualTo(p.createdAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(m.action()).isEqualTo("restart");
        assertThat(m.outcome()).isEqualTo("recovered");
        assertThat(m.metadata()).containsEntry("predictionId", p.id()).containsEntry("decision", "automatic")
                .containsEntry("riskBefore", "0.93").containsEntry("riskAfter", "0.12")
                .containsEntry("workflow", "auto-restart@1").containsEntry("runState", "succeeded")
                .containsEntry("actions", "devops.restart:succeeded,notifier.sendSlack:succeeded")
                .containsEntry("topFactors", "error_rate_mean[error_rate]=0.60");
        assertThat(m.text()).isEqualTo(
                "service checkout: risk 0.93, restart (automatic) -> recovered, risk after 0.12");
        assertThat(store.count("other", MemoryFilter.ALL)).isZero();
    }

    @Test
    void theSecondIncidentOfTheSameTrouble_findsTheFirst_asSimilar() {
        ExactMemoryStore store = new ExactMemoryStore(64);
        recordInto(store);
        f.health.put("checkout", 0.12);
        PredictionRecord first = f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));
        await().atMost(WAIT).until(() -> store.count("demo", MemoryFilter.ALL) == 1);

        PredictionAdvisor.Advice advice = new MemoryAdvisor(store, 0.6).advise(
                new EntityKey(first.project(), "service", "checkout"), FEATURES, first.factors(), "restart");

        assertThat(advice.similar()).singleElement().satisfies(s -> {
            assertThat(s.entity()).isEqualTo("service/checkout");
            assertThat(s.action()).isEqualTo("restart");
            assertThat(s.outcome()).isEqualTo("recovered");
            assertThat(s.similarity()).isGreaterThan(0.999);
        });
        assertThat(advice.action()).isEqualTo("restart");
        assertThat(advice.note()).isEqualTo("restart recovered 1 of 1 similar incident");
        // different trouble (another metric drove it, other features) is not similar enough
        PredictionAdvisor.Advice other = new MemoryAdvisor(store, 0.6).advise(
                new EntityKey(first.project(), "service", "search"), Map.of("cpu_p95", 4.0),
                List.of(new Factor("cpu_p95", "cpu", 4f, 0.5f, 1.2)), "scale");
        assertThat(other.similar()).isEmpty();
    }

    @Test
    void writingTheMemory_doesNotDelayTheRun_norTheOutcome() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        ExactMemoryStore inner = new ExactMemoryStore(64);
        MemoryStore blocked = new MemoryStore() {
            @Override public int dimensions() { return 64; }
            @Override public void add(Memory m) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inner.add(m);
            }
            @Override public Optional<Memory> get(String p, String id) { return inner.get(p, id); }
            @Override public List<MemoryHit> search(String p, float[] v, int k, MemoryFilter fl) { return inner.search(p, v, k, fl); }
            @Override public boolean delete(String p, String id) { return inner.delete(p, id); }
            @Override public long count(String p, MemoryFilter fl) { return inner.count(p, fl); }
            @Override public List<Memory> list(String p, MemoryFilter fl, int l, Optional<Cursor> a) { return inner.list(p, fl, l, a); }
            @Override public void close() { }
        };
        recordInto(blocked);
        f.health.put("checkout", 0.12);

        f.raise(f.prediction("checkout", 0.93, 0.95, "restart"));

        // the run ends and its outcome is judged and published while the memory writer is stuck
        await().atMost(WAIT).until(() -> f.published.contains("remediation.outcome.recovered"));
        assertThat(f.onlyRun().state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(inner.count("demo", MemoryFilter.ALL)).isZero();
        release.countDown();
        await().atMost(WAIT).until(() -> inner.count("demo", MemoryFilter.ALL) == 1);
    }

    @Test
    void aRejectedRun_isRememberedAsNoAction_withWhoRejectedItAndWhy() {
        ExactMemoryStore store = new ExactMemoryStore(64);
        recordInto(store);
        f.health.put("checkout", 0.85);
        f.raise(f.prediction("checkout", 0.93, 0.5, "restart")); // low confidence: a person decides
        await().atMost(WAIT).until(() -> f.runs().size() == 1 && f.onlyRun().approvalId() != null);

        f.engine.reject(EngineFixture.P, f.onlyRun().approvalId(), "ana", "deploy freeze");

        await().atMost(WAIT).until(() -> store.count("demo", MemoryFilter.ALL) == 1);
        Memory m = store.list("demo", MemoryFilter.ALL, 1, Optional.empty()).get(0);
        assertThat(m.action()).isEqualTo("none");
        assertThat(m.outcome()).isEqualTo("not_recovered");
        assertThat(m.metadata()).containsEntry("decision", "rejected").containsEntry("decidedBy", "ana")
                .containsEntry("reason", "deploy freeze");
    }
}
