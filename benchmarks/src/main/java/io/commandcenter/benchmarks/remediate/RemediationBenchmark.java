package io.commandcenter.benchmarks.remediate;

import io.commandcenter.benchmarks.IngestBenchmark;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.commandcenter.hub.agents.AgentSettings;
import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.Subscription;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.events.grpc.ProtoPayload;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.predict.grpc.PredictProtos;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.RemediationStore;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.models.confidence.Confidence;
import io.commandcenter.models.explain.Factor;
import io.commandcenter.proto.v1.PredictionCreated;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.PredictionCause;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Auto-remediation on a whole hub ({@link Hub#start}: embedded H2, in-memory scheduler, the
 * built-in {@code devops} and {@code notifier} agents, the event bus): from a
 * {@code prediction.created.risk} event published on the hub's bus exactly as the predictive
 * engine publishes it (the record as the payload's domain object) to the first remediation action
 * reaching its target, and to the run's end; against the bare scheduler path measured in the same
 * run.
 *
 * <p>The workflow is the seed {@code auto-restart} (restart the service, then notify), made
 * automatic ({@code approval.min_confidence: 0}, a blast radius of 1,000 runs per target and
 * hour). Its actions go through the built-in agents to a local HTTP server that plays every
 * service's admin endpoint ({@code cc.devops.endpoints}: {@code POST /svc/<service>/restart}) and
 * Slack ({@code cc.notifier.slack-webhook}: {@code POST /slack}), which counts every call by
 * target: the agent side of "each node ran exactly once". The first action is the moment the
 * restart reaches the service's endpoint.
 *
 * <p><b>Engine</b>: publish → bus → trigger match → decision (kill switch, blast radius, per-target
 * concurrency: reads of H2) → run stored → node task submitted → scheduler → devops agent → HTTP
 * → result → run advanced and stored → notifier task → ... → run SUCCEEDED, stored and published
 * ({@code workflow.run.succeeded}, seen by a bus subscriber here).
 * <b>Baseline</b> ("scheduler only"): the same two tasks (same capability, inputs, target,
 * exclusivity, prediction cause) submitted straight to the hub's scheduler, the second when the
 * first's success event arrives; no engine, no database. Same agents, same HTTP endpoints.
 *
 * <p>Phases: a warm-up of both paths; the latency phase (events one at a time, paced, the two
 * paths interleaved); bursts of {@code --burst} predictions on distinct targets published at
 * once (baseline burst, then engine burst, {@code --bursts} times), each checked for lost and
 * duplicated runs and actions.
 *
 * <p>{@code --stages} records the hub's steps of each paced trigger (a Flight Recorder event of the
 * engine's, off otherwise) and prints where the engine's paced time goes, step by step, beside the
 * part both paths share (first task submitted to first action). It costs the engine path a few
 * microseconds a run: take the figures to compare from runs without it.
 *
 * <pre>
 * ./mvnw -q -B -o -pl benchmarks compile
 * nice -n 10 ./mvnw -q -B -o -pl benchmarks exec:java \
 *   -Dexec.mainClass=io.commandcenter.benchmarks.remediate.RemediationBenchmark \
 *   -Dexec.args="--events 500 --rate 20 --burst 1000 --bursts 3"
 * </pre>
 */
public final class RemediationBenchmark {
    static final String WORKFLOW = "bench-restart";
    static final String YAML = """
            name: bench-restart
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
                  message: "Service $entity.id restarted after predicted failure."
            """;

    /** What one prediction (or one baseline pair of tasks) on one target led to. */
    static final class Probe {
        final String target;
        volatile long startNanos;
        volatile long firstActionNanos;
        /** Scheduler only: when the first task's submit returned (the engine's is recorded by the hub, --stages). */
        volatile long submittedNanos;
        volatile long doneNanos;
        volatile String endState = "";
        final AtomicInteger restarts = new AtomicInteger();
        final AtomicInteger notifications = new AtomicInteger();
        final Set<String> runs = ConcurrentHashMap.newKeySet();

        Probe(String target) {
            this.target = target;
        }
    }

    /** One measured phase of one path. */
    record Result(String phase, String path, int n, double seconds, long[] firstAction, long[] complete, int lost,
                  int duplicated, int failed) {
        double rate() {
            return n / seconds;
        }
    }

    /** Everything the run shares: the hub, the endpoints, the probes by target. */
    static final class Bench implements AutoCloseable {
        final Map<String, Probe> probes = new ConcurrentHashMap<>();
        final HttpServer http;
        final ExecutorService httpThreads = Executors.newFixedThreadPool(8);
        final ExecutorService baselineLanes = Executors.newFixedThreadPool(4);
        final SplittableRandom random = new SplittableRandom(42);
        Hub hub;
        ProjectId project;
        Subscription runEvents;
        AutoCloseable schedulerEvents;
        final AtomicInteger strayCalls = new AtomicInteger();

        Bench() throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
            http.setExecutor(httpThreads);
            http.createContext("/svc/", this::onRestart);
            http.createContext("/slack", this::onSlack);
            http.start();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
        }

        private void onRestart(HttpExchange exchange) throws IOException {
            long now = System.nanoTime();
            // /svc/<service>/restart
            String[] parts = exchange.getRequestURI().getPath().split("/");
            Probe p = parts.length >= 3 ? probes.get(parts[2]) : null;
            drain(exchange.getRequestBody());
            if (p == null) {
                strayCalls.incrementAndGet();
            } else if (p.restarts.incrementAndGet() == 1) {
                p.firstActionNanos = now;
            }
            answer(exchange);
        }

        private void onSlack(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // {"text":"Service <target> restarted after predicted failure."}
            int from = body.indexOf("Service ");
            int to = body.indexOf(" restarted");
            Probe p = from >= 0 && to > from ? probes.get(body.substring(from + 8, to)) : null;
            if (p == null) {
                strayCalls.incrementAndGet();
            } else {
                p.notifications.incrementAndGet();
            }
            answer(exchange);
        }

        private static void drain(InputStream in) throws IOException {
            in.readAllBytes();
        }

        private static void answer(HttpExchange exchange) throws IOException {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        }

        void start(Path dir, List<String> targets, String hazelcast) {
            Map<String, URI> endpoints = new LinkedHashMap<>();
            for (String t : targets) {
                endpoints.put(t, base().resolve("/svc/" + t));
            }
            AgentSettings agents = AgentSettings.defaults();
            agents = new AgentSettings(agents.capacity(), agents.timeout(), Optional.of(base().resolve("/slack")),
                    Map.of(), endpoints, Map.of());
            HubSettings settings = HubSettings.defaults(dir, 0).withAgents(agents)
                    // outcomes are judged long after the benchmark, so no phase pays for an earlier one's
                    .withRemediate(RemediationEngine.Settings.defaults().withOutcomeWindow(Duration.ofHours(1)));
            settings = withCluster(settings, hazelcast);
            hub = Hub.start(settings, Clock.systemUTC());
            System.out.printf(Locale.ROOT, "cluster: %s; decision facts from memory: %s%n", hazelcast,
                    hub.remediation().isSoleWriter());
            project = settings.defaultProject();
            hub.remediation().catalog().put(project, YAML, "bench");
            runEvents = hub.bus().subscribe(project, SubjectPattern.parse("workflow.run"), 65_536, new EventSink() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void deliver(Event event) {
                    long now = System.nanoTime();
                    event.payload().as(RunRecord.class).ifPresent(run -> {
                        Probe p = probes.get(run.targetId());
                        if (p == null) {
                            return;
                        }
                        p.runs.add(run.runId());
                        if (run.state().isFinished() && p.doneNanos == 0) {
                            p.endState = run.state().name();
                            p.doneNanos = now;
                        }
                    });
                }

                @Override
                public void dropped(long count, long total, Instant since) {
                    System.err.println("run events dropped: " + count);
                }

                @Override
                public void closed() {
                }
            }, Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "bench-run-events");
                t.setDaemon(true);
                return t;
            }));
            Scheduler scheduler = hub.scheduler();
            schedulerEvents = scheduler.subscribe(event -> {
                if (!(event instanceof SchedulerEvent.TaskChanged changed) || !changed.task().state().isTerminal()) {
                    return;
                }
                Task task = changed.task();
                if (!task.spec().workflowRunId().startsWith("base-")) {
                    return;
                }
                long now = System.nanoTime();
                Probe p = probes.get(task.spec().target().id());
                if (p == null) {
                    return;
                }
                if ("restart_service".equals(task.spec().nodeId())) {
                    if (task.state() == TaskState.SUCCEEDED) {
                        // the next node, off the scheduler's event thread as the engine does (its lanes)
                        baselineLanes.execute(() -> submit(p, task.spec().workflowRunId(), task.spec().prediction(),
                                "notify"));
                    } else {
                        p.endState = task.state().name();
                        p.doneNanos = now;
                    }
                } else if (p.doneNanos == 0) {
                    p.endState = task.state() == TaskState.SUCCEEDED ? "SUCCEEDED" : task.state().name();
                    p.doneNanos = now;
                }
            });
        }

        /** Publishes a prediction for the target as the predictive engine does. */
        void raise(Probe p) {
            Instant now = Instant.now();
            PredictionRecord prediction = new PredictionRecord(UUID.randomUUID().toString(), project, "service",
                    p.target, "risk", 0.93, new Confidence(0.95, 0.95, 1, 1, 1), "restart",
                    List.of(new Factor("error_rate_mean", "error_rate", 0.2f, 0.01f, 0.6)), "service_health", "1",
                    0.8, "trace", "mr-" + p.target, now, now);
            TraceContext trace = TraceContext.newRoot(random);
            p.startNanos = System.nanoTime();
            hub.bus().publish(project, prediction.subject(), trace,
                    new ProtoPayload(PredictionCreated.getDescriptor().getFullName(), prediction,
                            () -> PredictProtos.event(prediction)));
        }

        /** The baseline: the run's first task straight to the scheduler. */
        void submitDirect(Probe p) {
            String runId = "base-" + UUID.randomUUID();
            p.startNanos = System.nanoTime();
            p.runs.add(runId);
            submit(p, runId, new PredictionCause(UUID.randomUUID().toString(), 0.93, 0.95), "restart_service");
        }

        /** A task as the engine's RunExecutor builds it for the node. */
        void submit(Probe p, String runId, PredictionCause cause, String node) {
            boolean restart = "restart_service".equals(node);
            String inputs = restart ? "{\"service\":\"" + p.target + "\"}"
                    : "{\"message\":\"Service " + p.target + " restarted after predicted failure.\"}";
            TaskSpec spec = new TaskSpec(project.value(), restart ? new Capability("devops", "restart")
                    : new Capability("notifier", "sendSlack"), WORKFLOW, runId, node, inputs, 1.0, 5, cause,
                    new TargetRef("service", p.target), restart, runId + ":" + node + ":1", Map.of(),
                    Placement.DEFAULT, 1);
            hub.scheduler().submit(spec);
            if (restart && p.submittedNanos == 0) {
                p.submittedNanos = System.nanoTime();
            }
        }

        @Override
        public void close() {
            if (runEvents != null) {
                runEvents.close();
            }
            if (schedulerEvents != null) {
                try {
                    schedulerEvents.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
            if (hub != null) {
                hub.close();
            }
            http.stop(0);
            httpThreads.shutdownNow();
            baselineLanes.shutdownNow();
        }
    }

    /**
     * The hub's cluster: {@code none} (no Hazelcast, the default), {@code embedded} (an embedded
     * member alone, as {@code bin/hub} starts it), {@code embedded-clients} (the same member
     * accepting Hazelcast clients: it reads the store at every decision, as every embedded hub did
     * before session 9).
     */
    static HubSettings withCluster(HubSettings settings, String hazelcast) {
        if ("none".equals(hazelcast)) {
            return settings;
        }
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        io.commandcenter.scheduler.hazelcast.HazelcastSettings member = io.commandcenter.scheduler.hazelcast
                .HazelcastSettings.embedded(settings.hubId(), "127.0.0.1", port, List.of())
                .withClusterName("bench-" + java.util.UUID.randomUUID());
        return switch (hazelcast) {
            case "embedded" -> settings.withScheduler(settings.scheduler(), Optional.of(member));
            case "embedded-clients" -> settings.withScheduler(settings.scheduler(), Optional.of(member.withClients(true)));
            default -> throw new IllegalArgumentException("--hazelcast must be none, embedded or embedded-clients, got "
                    + hazelcast);
        };
    }

    public static void main(String[] args) throws Exception {
        quietLogs();
        int events = Integer.parseInt(option(args, "--events", "500"));
        double rate = Double.parseDouble(option(args, "--rate", "20"));
        int warmUp = Integer.parseInt(option(args, "--warmup", "300"));
        int burst = Integer.parseInt(option(args, "--burst", "1000"));
        int bursts = Integer.parseInt(option(args, "--bursts", "3"));
        int timeoutSeconds = Integer.parseInt(option(args, "--timeout", "180"));
        String hazelcast = option(args, "--hazelcast", "none");
        boolean stages = List.of(args).contains("--stages");
        List<Result> results = run(events, rate, warmUp, burst, bursts, timeoutSeconds, hazelcast, stages);
        System.out.println();
        System.out.printf(Locale.ROOT, "%d cores, %s %s%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        printTable(results);
    }

    static List<Result> run(int events, double rate, int warmUp, int burst, int bursts, int timeoutSeconds,
                            String hazelcast, boolean stages) throws Exception {
        Path dir = Files.createTempDirectory("cc-remediate-bench");
        List<String> targets = new ArrayList<>();
        List<Probe> warmEngine = probes("warm-e", warmUp, targets);
        List<Probe> warmBase = probes("warm-b", warmUp, targets);
        List<Probe> warmBurstEngine = probes("warmburst-e", Math.min(burst, warmUp), targets);
        List<Probe> warmBurstBase = probes("warmburst-b", Math.min(burst, warmUp), targets);
        List<Probe> latEngine = probes("lat-e", events, targets);
        List<Probe> latBase = probes("lat-b", events, targets);
        List<List<Probe>> burstEngine = new ArrayList<>();
        List<List<Probe>> burstBase = new ArrayList<>();
        for (int r = 0; r < bursts; r++) {
            burstEngine.add(probes("burst" + r + "-e", burst, targets));
            burstBase.add(probes("burst" + r + "-b", burst, targets));
        }
        List<Result> results = new ArrayList<>();
        try (Bench bench = new Bench()) {
            Stream.of(List.of(warmEngine, warmBase, warmBurstEngine, warmBurstBase, latEngine, latBase),
                            burstEngine, burstBase).flatMap(List::stream).flatMap(List::stream)
                    .forEach(p -> bench.probes.put(p.target, p));
            bench.start(dir, targets, hazelcast);
            long deadline = TimeUnit.SECONDS.toNanos(timeoutSeconds);

            // warm-up: both paths paced, then a small burst of each
            paced(bench, warmEngine, warmBase, rate * 4);
            await(warmEngine, deadline);
            await(warmBase, deadline);
            burst(bench, warmBurstBase, false);
            await(warmBurstBase, deadline);
            burst(bench, warmBurstEngine, true);
            await(warmBurstEngine, deadline);
            System.out.printf(Locale.ROOT, "warm-up done: %s / %s%n", summary(warmEngine), summary(warmBase));
            Thread.sleep(1_000);

            // latency: one at a time, the two paths interleaved
            RemediationEngine.JournalStats pacedJournal0 = bench.hub.remediation().journalStats();
            jdk.jfr.Recording steps = null;
            if (stages) {
                steps = new jdk.jfr.Recording();
                steps.enable(STEP_EVENT);
                steps.start();
            }
            long start = System.nanoTime();
            paced(bench, latEngine, latBase, rate);
            await(latEngine, deadline);
            await(latBase, deadline);
            double seconds = (System.nanoTime() - start) / 1e9;
            results.add(result("paced " + fmt(rate) + "/s", "scheduler only", latBase, seconds, bench));
            results.add(result("paced " + fmt(rate) + "/s", "engine", latEngine, seconds, bench));
            print(results.get(results.size() - 2));
            print(results.get(results.size() - 1));
            RemediationEngine.JournalStats pacedJournal1 = bench.hub.remediation().journalStats();
            System.out.printf(Locale.ROOT, "  run journal: %,d commits (%,d of them by a lane, the writer idle), %,d run"
                            + " writes%n", pacedJournal1.commits() - pacedJournal0.commits(),
                    pacedJournal1.commitsOnLanes() - pacedJournal0.commitsOnLanes(),
                    pacedJournal1.written() - pacedJournal0.written());
            if (steps != null) {
                steps.stop();
                Path file = dir.resolve("steps.jfr");
                steps.dump(file);
                steps.close();
                printSteps(latEngine, latBase, readSteps(file));
            }

            // bursts: all at once, baseline then engine
            for (int r = 0; r < bursts; r++) {
                Thread.sleep(1_000);
                for (boolean engine : new boolean[]{false, true}) {
                    List<Probe> ps = engine ? burstEngine.get(r) : burstBase.get(r);
                    RemediationEngine.JournalStats journal0 = bench.hub.remediation().journalStats();
                    long cpu0 = IngestBenchmark.processCpuNanos();
                    Map<Long, Long> threadCpu0 = threadCpu();
                    long t0 = System.nanoTime();
                    burst(bench, ps, engine);
                    await(ps, deadline);
                    long last = ps.stream().mapToLong(p -> p.doneNanos == 0 ? System.nanoTime() : p.doneNanos).max()
                            .orElse(t0);
                    Result res = result("burst of " + burst + " (" + (r + 1) + ")", engine ? "engine" : "scheduler only",
                            ps, (last - t0) / 1e9, bench);
                    results.add(res);
                    print(res);
                    Thread.sleep(500);
                    // the process's CPU from the burst's start to half a second after its last run
                    // (the journal's last commits included), and the journal's commits in that time
                    long cpu = IngestBenchmark.processCpuNanos() - cpu0;
                    RemediationEngine.JournalStats journal1 = bench.hub.remediation().journalStats();
                    System.out.printf(Locale.ROOT, "  process CPU %,.0f ms, %,.0f µs a run (%s); run journal: %,d commits"
                                    + " (%,d by a lane), %,d run writes%n", cpu / 1e6, cpu / 1e3 / ps.size(),
                            threadGroups(threadCpu0, cpu, ps.size()), journal1.commits() - journal0.commits(),
                            journal1.commitsOnLanes() - journal0.commitsOnLanes(),
                            journal1.written() - journal0.written());
                }
            }
            verifyStore(bench, results);
            RemediationEngine.Stats stats = bench.hub.remediation().stats();
            System.out.printf(Locale.ROOT, "engine stats: %d triggers, %d automatic, %d approvals, %d skipped, "
                            + "%d duplicates, %d dropped, %d active; stray endpoint calls: %d%n", stats.triggers(),
                    stats.automatic(), stats.approvals(), stats.skipped(), stats.duplicates(), stats.dropped(),
                    stats.activeRuns(), bench.strayCalls.get());
            RemediationEngine.JournalStats journal = bench.hub.remediation().journalStats();
            System.out.printf(Locale.ROOT, "run journal: %,d commits (%,d by a lane) carried %,d run writes (creates and"
                    + " states)%n", journal.commits(), journal.commitsOnLanes(), journal.written());
        } finally {
            deleteTree(dir);
        }
        return results;
    }

    /** The hub's steps of a trigger on its way to its first task (a JFR event, recorded with --stages). */
    static final String STEP_EVENT = "io.commandcenter.remediate.Step";
    /** The steps in the order a run passes them, then the first action (the benchmark's endpoint). */
    static final List<String> STEPS = List.of("matched", "deciding", "decided", "stored", "launching", "submitted");
    static final List<String> STEP_NAMES = List.of("published -> matched (bus, trigger match)",
            "matched -> deciding (hand-over to the target's lane)", "deciding -> decided (decision, staging)",
            "decided -> stored (the create's commit)", "stored -> launching (run event, counters)",
            "launching -> submitted (task built, Scheduler.submit)",
            "submitted -> first action (dispatch, agent, HTTP)");

    /** The first time each target passed each step, by target. */
    static Map<String, Map<String, Long>> readSteps(Path file) throws IOException {
        Map<String, Map<String, Long>> out = new HashMap<>();
        for (jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals(STEP_EVENT)) {
                out.computeIfAbsent(e.getString("target"), t -> new HashMap<>()).merge(e.getString("step"),
                        e.getLong("at"), Math::min);
            }
        }
        return out;
    }

    /**
     * Where the paced runs' time went: each step's time from the step before (p50 / p90 / p99), for
     * every engine run and for the slowest 5 % of first actions; and the part both paths share (the
     * first task's submit to its first action) beside the scheduler alone's.
     */
    static void printSteps(List<Probe> engine, List<Probe> base, Map<String, Map<String, Long>> steps) {
        List<long[]> rows = new ArrayList<>();  // per engine run: publish, the steps, first action
        for (Probe p : engine) {
            Map<String, Long> s = steps.get(p.target);
            if (s == null || p.firstActionNanos == 0 || !s.keySet().containsAll(STEPS)) {
                continue;
            }
            long[] row = new long[STEPS.size() + 2];
            row[0] = p.startNanos;
            for (int i = 0; i < STEPS.size(); i++) {
                row[i + 1] = s.get(STEPS.get(i));
            }
            row[row.length - 1] = p.firstActionNanos;
            rows.add(row);
        }
        if (rows.isEmpty()) {
            System.out.println("  no paced run passed every step (" + steps.size() + " targets recorded)");
            return;
        }
        rows.sort(Comparator.comparingLong(r -> r[r.length - 1] - r[0]));
        List<long[]> slowest = rows.subList(rows.size() - Math.max(1, rows.size() / 20), rows.size());
        System.out.printf(Locale.ROOT, "  where the engine's paced time goes (%d of %d runs with every step; ms from the"
                + " step before, p50 / p90 / p99 | p50 of the slowest %d first actions):%n", rows.size(), engine.size(),
                slowest.size());
        for (int i = 0; i < STEP_NAMES.size(); i++) {
            int at = i + 1;
            long[] all = rows.stream().mapToLong(r -> r[at] - r[at - 1]).sorted().toArray();
            long[] slow = slowest.stream().mapToLong(r -> r[at] - r[at - 1]).sorted().toArray();
            System.out.printf(Locale.ROOT, "    %-55s %6.3f / %6.3f / %6.3f | %6.3f%n", STEP_NAMES.get(i),
                    ms(pct(all, 0.5)), ms(pct(all, 0.9)), ms(pct(all, 0.99)), ms(pct(slow, 0.5)));
        }
        int submitted = STEPS.size();
        long[] own = rows.stream().mapToLong(r -> r[submitted] - r[0]).sorted().toArray();
        long[] shared = rows.stream().mapToLong(r -> r[submitted + 1] - r[submitted]).sorted().toArray();
        long[] baseOwn = base.stream().filter(p -> p.submittedNanos != 0 && p.firstActionNanos != 0)
                .mapToLong(p -> p.submittedNanos - p.startNanos).sorted().toArray();
        long[] baseShared = base.stream().filter(p -> p.submittedNanos != 0 && p.firstActionNanos != 0)
                .mapToLong(p -> p.firstActionNanos - p.submittedNanos).sorted().toArray();
        System.out.printf(Locale.ROOT, "    up to the first task submitted: engine %.3f / %.3f / %.3f, scheduler only %.3f /"
                        + " %.3f / %.3f%n", ms(pct(own, 0.5)), ms(pct(own, 0.9)), ms(pct(own, 0.99)), ms(pct(baseOwn, 0.5)),
                ms(pct(baseOwn, 0.9)), ms(pct(baseOwn, 0.99)));
        System.out.printf(Locale.ROOT, "    submitted -> first action: engine %.3f / %.3f / %.3f, scheduler only %.3f /"
                        + " %.3f / %.3f%n", ms(pct(shared, 0.5)), ms(pct(shared, 0.9)), ms(pct(shared, 0.99)),
                ms(pct(baseShared, 0.5)), ms(pct(baseShared, 0.9)), ms(pct(baseShared, 0.99)));
    }

    /** The CPU time so far of each live Java thread, by id. */
    static Map<Long, Long> threadCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            out.put(t.getId(), Math.max(0, threads.getThreadCpuTime(t.getId())));
        }
        return out;
    }

    /**
     * The CPU since {@code before} a run of the Java threads grouped by name (digits dropped), the
     * largest five, and the rest of the process's {@code cpu} (threads that ended, GC, the compiler).
     */
    static String threadGroups(Map<Long, Long> before, long cpu, int runs) {
        Map<Long, String> names = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.put(t.getId(), t.getName().replaceAll("[0-9]+", "N"));
        }
        Map<String, Long> byGroup = new HashMap<>();
        long seen = 0;
        for (Map.Entry<Long, Long> e : threadCpu().entrySet()) {
            long used = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            byGroup.merge(names.getOrDefault(e.getKey(), "?"), used, Long::sum);
            seen += used;
        }
        StringBuilder out = new StringBuilder();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .forEach(e -> out.append(String.format(Locale.ROOT, "%s %,.0f, ", e.getKey(), e.getValue() / 1e3 / runs)));
        return out.append(String.format(Locale.ROOT, "other %,.0f µs", (cpu - seen) / 1e3 / runs)).toString();
    }

    static List<Probe> probes(String prefix, int n, List<String> targets) {
        List<Probe> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Probe p = new Probe(prefix + "-" + i);
            targets.add(p.target);
            out.add(p);
        }
        return out;
    }

    /** Engine events and baseline submissions alternately, each path at {@code rate} per second. */
    static void paced(Bench bench, List<Probe> engine, List<Probe> base, double rate) {
        long period = (long) (1e9 / (2 * rate));
        long next = System.nanoTime();
        for (int i = 0; i < Math.max(engine.size(), base.size()); i++) {
            for (int path = 0; path < 2; path++) {
                List<Probe> ps = path == 0 ? engine : base;
                if (i >= ps.size()) {
                    continue;
                }
                long wait;
                while ((wait = next - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (path == 0) {
                    bench.raise(ps.get(i));
                } else {
                    bench.submitDirect(ps.get(i));
                }
                next += period;
            }
        }
    }

    static void burst(Bench bench, List<Probe> ps, boolean engine) {
        for (Probe p : ps) {
            if (engine) {
                bench.raise(p);
            } else {
                bench.submitDirect(p);
            }
        }
    }

    static void await(List<Probe> ps, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            if (ps.stream().allMatch(p -> p.doneNanos != 0 && p.restarts.get() > 0
                    && (!"SUCCEEDED".equals(p.endState) || p.notifications.get() > 0))) {
                // let late duplicates, if any, arrive before counting
                Thread.sleep(200);
                return;
            }
            Thread.sleep(2);
        }
    }

    static Result result(String phase, String path, List<Probe> ps, double seconds, Bench bench) {
        long[] first = ps.stream().filter(p -> p.firstActionNanos != 0)
                .mapToLong(p -> p.firstActionNanos - p.startNanos).sorted().toArray();
        long[] complete = ps.stream().filter(p -> p.doneNanos != 0)
                .mapToLong(p -> p.doneNanos - p.startNanos).sorted().toArray();
        int lost = 0;
        int duplicated = 0;
        int failed = 0;
        for (Probe p : ps) {
            if (p.doneNanos == 0 || p.restarts.get() == 0 || p.notifications.get() == 0) {
                lost++;
            }
            if (p.restarts.get() > 1 || p.notifications.get() > 1 || p.runs.size() > 1) {
                duplicated++;
            }
            if (p.doneNanos != 0 && !"SUCCEEDED".equals(p.endState)) {
                failed++;
            }
        }
        return new Result(phase, path, ps.size(), seconds, first, complete, lost, duplicated, failed);
    }

    /** After the run: every engine prediction has exactly one stored run, SUCCEEDED with both nodes done. */
    static void verifyStore(Bench bench, List<Result> results) {
        RemediationStore store = bench.hub.remediation().store();
        int checked = 0;
        int wrong = 0;
        for (Probe p : bench.probes.values()) {
            if (!p.target.contains("-e-")) {
                continue;
            }
            checked++;
            List<RunRecord> runs = store.runs(bench.project, new RemediationStore.RunQuery(WORKFLOW, null, p.target, 10,
                    null, null));
            boolean ok = runs.size() == 1 && runs.get(0).state() == RunState.SUCCEEDED
                    && runs.get(0).nodes().stream().allMatch(n -> n.state().name().equals("SUCCEEDED"))
                    && p.restarts.get() == 1 && p.notifications.get() == 1;
            if (!ok) {
                wrong++;
                if (wrong <= 5) {
                    System.out.println("not exactly once: " + p.target + " runs " + runs.stream()
                            .map(r -> r.runId() + "=" + r.state()).toList() + " restarts " + p.restarts.get()
                            + " notifications " + p.notifications.get());
                }
            }
        }
        System.out.printf(Locale.ROOT, "store check: %d engine predictions, %d with exactly one SUCCEEDED run whose "
                + "nodes each reached their endpoint once, %d not%n", checked, checked - wrong, wrong);
    }

    static String summary(List<Probe> ps) {
        long ok = ps.stream().filter(p -> "SUCCEEDED".equals(p.endState)).count();
        return ok + "/" + ps.size() + " succeeded";
    }

    static void print(Result r) {
        System.out.printf(Locale.ROOT, "%s, %s: %d runs in %.2f s (%,.0f runs/s); first action p50 %.1f ms, p99 %.1f ms,"
                        + " max %.1f ms; run complete p50 %.1f ms, p99 %.1f ms; lost %d, duplicated %d, failed %d%n",
                r.phase(), r.path(), r.n(), r.seconds(), r.rate(), ms(pct(r.firstAction(), 0.50)),
                ms(pct(r.firstAction(), 0.99)), ms(max(r.firstAction())), ms(pct(r.complete(), 0.50)),
                ms(pct(r.complete(), 0.99)), r.lost(), r.duplicated(), r.failed());
    }

    static void printTable(List<Result> results) {
        System.out.println("| phase | path | runs | first action p50 | p99 | max | run complete p50 | p99 | total "
                + "| runs/s | lost | duplicated | failed |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            boolean burst = r.phase().startsWith("burst");
            System.out.printf(Locale.ROOT, "| %s | %s | %,d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %s "
                            + "| %d | %d | %d |%n", r.phase(), r.path(), r.n(), ms(pct(r.firstAction(), 0.50)),
                    ms(pct(r.firstAction(), 0.99)), ms(max(r.firstAction())), ms(pct(r.complete(), 0.50)),
                    ms(pct(r.complete(), 0.99)), burst ? String.format(Locale.ROOT, "%.2f s", r.seconds()) : "",
                    burst ? String.format(Locale.ROOT, "%,.0f", r.rate()) : "", r.lost(), r.duplicated(), r.failed());
        }
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    static long max(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    static void quietLogs() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(java.util.logging.Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("io.commandcenter").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.SEVERE);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }

    private RemediationBenchmark() {
    }
}
