package io.commandcenter.hub.remediate;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.agents.ActionResult;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lone hub that dies in the middle of a burst, and the hub that starts after it on the same
 * store: no action runs twice, no action runs for a run that was never stored, and every stored
 * run ends. The hub "dies" by a power cut: from one moment on every write to the store fails (what
 * was committed stays, nothing more gets in), then the engine, its scheduler (in memory: its state
 * is lost, as in a crash of a lone hub) and its agents stop. Shared by the in-memory store's test
 * here and the database's in hub-server.
 */
final class CrashMidBurst {
    static final String WORKFLOW = """
            name: burst-restart
            trigger:
              on: [prediction.created]
              filters:
                recommendedAction: restart
            approval:
              min_confidence: 0
            blast_radius:
              max_per_hour: 1000
            nodes:
              - id: restart_service
                agent: devops
                action: restart
                inputs:
                  service: $entity.id
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "Service $entity.id restarted"
            """;

    /** A store whose writes fail from the moment the power is cut, as a dead hub's would. */
    static final class PowerCut implements InvocationHandler {
        private static final Set<String> WRITES = Set.of("create", "update", "write", "writeOwned", "append", "decide", "insert",
                "put");
        private final RemediationStore store;
        volatile boolean cut;

        PowerCut(RemediationStore store) {
            this.store = store;
        }

        RemediationStore proxy() {
            return (RemediationStore) Proxy.newProxyInstance(RemediationStore.class.getClassLoader(),
                    new Class<?>[]{RemediationStore.class}, this);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (cut && WRITES.contains(method.getName())) {
                throw CommandCenterException.unavailable("POWER_CUT", "the hub is dead", null);
            }
            try {
                return method.invoke(store, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** What the scenario saw, for the caller's own checks. */
    record Seen(int unfinishedAtTheCut, int runs, int succeeded, int interrupted) {
    }

    static Seen run(RemediationStore underlying, int predictions) {
        PowerCut power = new PowerCut(underlying);
        try (EngineFixture f = new EngineFixture(power.proxy(), Clock.systemUTC(), null)) {
            // actions take a moment, as real ones do, so the cut finds nodes with agents
            f.devops = (a, in) -> pause(ActionResult.done("{}"));
            // the power goes as the half-way notification is sent: the rest of the burst is on its way
            AtomicInteger notified = new AtomicInteger();
            f.notifier = (a, in) -> {
                if (notified.incrementAndGet() == predictions / 2) {
                    power.cut = true;
                }
                return ActionResult.done("{}");
            };
            f.start().put(WORKFLOW);
            for (int i = 0; i < predictions; i++) {
                f.raise(f.prediction("svc-" + i, 0.93, 0.95, "restart"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> power.cut);
            int unfinished = (int) f.runs().stream().filter(r -> !r.state().isFinished()).count();
            f.stopEngine();

            power.cut = false;
            f.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> f.runs().stream().allMatch(r -> r.state().isFinished()));
            f.engine.drain();

            List<RunRecord> runs = f.runs();
            Map<String, List<RunRecord>> byTarget = runs.stream().collect(Collectors.groupingBy(RunRecord::targetId));
            Map<String, Long> restarts = f.calls("restart").stream()
                    .collect(Collectors.groupingBy(c -> c.inputs().get("service"), Collectors.counting()));
            Map<String, Long> notes = f.calls("sendSlack").stream()
                    .collect(Collectors.groupingBy(c -> c.inputs().get("message").split(" ")[1], Collectors.counting()));
            assertThat(byTarget.values()).as("runs per prediction").allSatisfy(l -> assertThat(l).hasSize(1));
            for (Map.Entry<String, Long> e : restarts.entrySet()) {
                assertThat(e.getValue()).as("restarts of %s", e.getKey()).isEqualTo(1);
                assertThat(byTarget).as("a restart without a stored run").containsKey(e.getKey());
            }
            for (Map.Entry<String, Long> e : notes.entrySet()) {
                assertThat(e.getValue()).as("notifications of %s", e.getKey()).isEqualTo(1);
                assertThat(byTarget).as("a notification without a stored run").containsKey(e.getKey());
            }
            for (RunRecord run : runs) {
                check(run, "restart_service", restarts);
                check(run, "notify", notes);
                assertThat(run.state()).as(run.runId()).isIn(RunState.SUCCEEDED, RunState.INTERRUPTED);
            }
            int succeeded = (int) runs.stream().filter(r -> r.state() == RunState.SUCCEEDED).count();
            return new Seen(unfinished, runs.size(), succeeded, runs.size() - succeeded);
        }
    }

    /** A node that succeeded ran once; one whose fate is unknown at most once; any other never. */
    private static void check(RunRecord run, String nodeId, Map<String, Long> calls) {
        NodeRecord node = run.node(nodeId);
        long n = calls.getOrDefault(run.targetId(), 0L);
        switch (node.state()) {
            case SUCCEEDED -> assertThat(n).as("%s of %s (%s)", nodeId, run.targetId(), node).isEqualTo(1);
            case UNKNOWN -> assertThat(n).as("%s of %s (%s)", nodeId, run.targetId(), node).isLessThanOrEqualTo(1);
            default -> assertThat(n).as("%s of %s (%s)", nodeId, run.targetId(), node).isZero();
        }
    }

    private static <T> T pause(T value) {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return value;
    }

    static Function<Seen, String> describe() {
        return s -> s.runs() + " runs, " + s.succeeded() + " succeeded, " + s.interrupted() + " interrupted, "
                + s.unfinishedAtTheCut() + " unfinished at the cut";
    }

    private CrashMidBurst() {
    }
}
