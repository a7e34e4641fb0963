package io.commandcenter.benchmarks.scheduler;

import io.commandcenter.scheduler.AgentConnection;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.fairqueue.FairQueue;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Assignment decisions per second on one and on three Hazelcast members (embedded, loopback, one
 * backup), weighted fair queueing against the plain round-robin dispatcher (projects in rotation,
 * agents in rotation, no score) over the same structures, in the same run.
 *
 * <p><b>Decisions</b>: a backlog of tasks is queued while every agent reports itself full; then all
 * agents report free at once and the clock runs until every task has been assigned and delivered
 * to its agent (local or through the hub's inbox topic). Each hub runs its own dispatcher; every
 * decision also publishes its {@code mesh.schedule.assignment} event to every hub.
 *
 * <p><b>End to end</b>: agents report each result as soon as they get the task and a new task is
 * submitted for each one finished, so the backlog stays constant: submit + assign + result per task,
 * reported from {@code --workers} threads (the agents' parallelism).
 *
 * <pre>
 * ./mvnw -q -B -pl proto,scheduler install -DskipTests &amp;&amp; ./mvnw -q -B -pl benchmarks compile
 * nice -n 10 ./mvnw -q -B -pl benchmarks exec:java \
 *   -Dexec.mainClass=io.commandcenter.benchmarks.scheduler.AssignmentThroughputBenchmark \
 *   -Dexec.args="--members 1,3 --tasks 40000 --rounds 3 --e2e-rounds 1"
 * </pre>
 */
public final class AssignmentThroughputBenchmark {
    static final Map<String, Double> WEIGHTS = Map.of("p1", 1.0, "p2", 2.0, "p5", 5.0);
    static final String[] PROJECTS = {"p1", "p2", "p5"};

    record Result(int members, FairQueue.Policy policy, String measure, long tasks, double seconds) {
        double rate() {
            return tasks / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        BenchCluster.quietLogs();
        int[] sizes = Arrays.stream(BenchCluster.option(args, "--members", "1,3").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int tasks = Integer.parseInt(BenchCluster.option(args, "--tasks", "40000"));
        int rounds = Integer.parseInt(BenchCluster.option(args, "--rounds", "3"));
        int agentsPerHub = Integer.parseInt(BenchCluster.option(args, "--agents-per-hub", "16"));
        int seconds = Integer.parseInt(BenchCluster.option(args, "--seconds", "8"));
        int workers = Integer.parseInt(BenchCluster.option(args, "--workers", "32"));
        int e2eRounds = Integer.parseInt(BenchCluster.option(args, "--e2e-rounds", "1"));
        List<Result> results = new ArrayList<>();
        for (int size : sizes) {
            try (BenchCluster cluster = new BenchCluster(size)) {
                int round = 0;
                for (int r = 0; r <= rounds; r++) {
                    for (FairQueue.Policy policy : FairQueue.Policy.values()) {
                        Result res = decisions(cluster, policy, tasks, agentsPerHub, "d" + round++);
                        if (r > 0) {
                            results.add(res);
                            print(res);
                        }
                    }
                }
                for (int r = 0; r < e2eRounds; r++) {
                    for (FairQueue.Policy policy : FairQueue.Policy.values()) {
                        Result res = endToEnd(cluster, policy, agentsPerHub, seconds, workers, "e" + round++);
                        results.add(res);
                        print(res);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| members | measure | samples | WFQ (median /s) | WFQ range | round-robin (median /s) "
                + "| round-robin range | WFQ / RR |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int size : sizes) {
            for (String measure : List.of("decisions", "end-to-end")) {
                double wfq = median(results, size, FairQueue.Policy.WFQ, measure);
                double rr = median(results, size, FairQueue.Policy.ROUND_ROBIN, measure);
                System.out.printf(Locale.ROOT, "| %d | %s | %d | %,.0f | %s | %,.0f | %s | %.2f |%n", size, measure,
                        rates(results, size, FairQueue.Policy.WFQ, measure).length, wfq,
                        range(results, size, FairQueue.Policy.WFQ, measure), rr,
                        range(results, size, FairQueue.Policy.ROUND_ROBIN, measure), wfq / rr);
            }
        }
    }

    static void print(Result r) {
        System.out.printf(Locale.ROOT, "members=%d policy=%s %s: %,d tasks in %.2f s = %,.0f /s%n", r.members(),
                r.policy(), r.measure(), r.tasks(), r.seconds(), r.rate());
    }

    static double median(List<Result> results, int members, FairQueue.Policy policy, String measure) {
        double[] rates = rates(results, members, policy, measure);
        return rates.length == 0 ? Double.NaN : rates[rates.length / 2];
    }

    static double[] rates(List<Result> results, int members, FairQueue.Policy policy, String measure) {
        return results.stream().filter(r -> r.members() == members && r.policy() == policy
                && r.measure().equals(measure)).mapToDouble(Result::rate).sorted().toArray();
    }

    static String range(List<Result> results, int members, FairQueue.Policy policy, String measure) {
        double[] rates = rates(results, members, policy, measure);
        return rates.length == 0 ? "" : String.format(Locale.ROOT, "%,.0f–%,.0f", rates[0], rates[rates.length - 1]);
    }

    static List<Scheduler> schedulers(BenchCluster cluster, FairQueue.Policy policy) {
        List<Scheduler> hubs = new ArrayList<>();
        for (int i = 0; i < cluster.members.size(); i++) {
            var member = cluster.members.get(i);
            hubs.add(Scheduler.start(SchedulerSettings.defaults("hub-" + i).withPolicy(policy)
                    .withProjectWeights(WEIGHTS).withMaxUnfinishedPerProject(1_000_000), member.state(),
                    member.mesh(), Clock.systemUTC()));
        }
        return hubs;
    }

    /** A backlog released at once: assignment decisions per second until all are delivered. */
    static Result decisions(BenchCluster cluster, FairQueue.Policy policy, int tasks, int minAgentsPerHub,
                            String pool) throws Exception {
        List<Scheduler> hubs = schedulers(cluster, policy);
        AtomicLong delivered = new AtomicLong();
        // every task must find a free slot at once (an agent takes at most 1024)
        int agentsPerHub = Math.max(minAgentsPerHub, (int) Math.ceil(tasks / (1000.0 * hubs.size())));
        int capacity = (int) Math.ceil((double) tasks / (agentsPerHub * hubs.size())) + 1;
        List<AgentConnection> agents = new ArrayList<>();
        try {
            for (int h = 0; h < hubs.size(); h++) {
                for (int a = 0; a < agentsPerHub; a++) {
                    AgentConnection c = hubs.get(h).connect(AgentRegistration.of(pool + "-" + h + "-" + a, pool,
                            capacity, "run"), counting(delivered));
                    c.reportHealth(new AgentLoad(0.1, 0.1, capacity, 0));
                    agents.add(c);
                }
            }
            submitAll(hubs, pool, tasks);
            long start = System.nanoTime();
            ExecutorService release = Executors.newFixedThreadPool(hubs.size());
            for (int h = 0; h < hubs.size(); h++) {
                int hub = h;
                release.submit(() -> agents.subList(hub * agentsPerHub, (hub + 1) * agentsPerHub)
                        .forEach(c -> c.reportHealth(new AgentLoad(0.1, 0.1, 0, 0))));
            }
            release.shutdown();
            long deadline = start + TimeUnit.SECONDS.toNanos(300);
            while (delivered.get() < tasks && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (delivered.get() < tasks) {
                throw new IllegalStateException("only " + delivered.get() + " of " + tasks + " delivered");
            }
            return new Result(hubs.size(), policy, "decisions", tasks, seconds);
        } finally {
            hubs.forEach(Scheduler::close);
            dropPool(cluster, pool);
        }
    }

    /** Agents finish each task at once and each finished task is replaced: full cycles per second. */
    static Result endToEnd(BenchCluster cluster, FairQueue.Policy policy, int agentsPerHub, int seconds,
                           int workerThreads, String pool) throws Exception {
        List<Scheduler> hubs = schedulers(cluster, policy);
        AtomicLong finished = new AtomicLong();
        // agents run in parallel in a real mesh: each finished task is reported from one of these threads
        ExecutorService workers = Executors.newFixedThreadPool(workerThreads);
        try {
            for (int h = 0; h < hubs.size(); h++) {
                Scheduler hub = hubs.get(h);
                for (int a = 0; a < agentsPerHub; a++) {
                    AgentConnection[] self = new AgentConnection[1];
                    self[0] = hub.connect(AgentRegistration.of(pool + "-" + h + "-" + a, pool, 4, "run"),
                            new AgentListener() {
                                @Override
                                public void onAssignment(Dispatched work) {
                                    workers.execute(() -> {
                                        try {
                                            self[0].complete(work.assignment().taskId(), work.assignment()
                                                    .fencingToken(), TaskOutcome.SUCCEEDED, "", "", false);
                                            finished.incrementAndGet();
                                            hub.submit(TaskSpec.of(work.assignment().project(), pool + ".run"));
                                        } catch (CommandCenterException e) {
                                            // closing at the end of the run
                                        }
                                    });
                                }

                                @Override
                                public void onRevoked(Revocation revocation) {
                                }

                                @Override
                                public void onClosed(CommandCenterException reason) {
                                }
                            });
                }
            }
            submitAll(hubs, pool, agentsPerHub * hubs.size() * 8);
            Thread.sleep(2_000);
            long before = finished.get();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1_000L);
            long done = finished.get() - before;
            return new Result(hubs.size(), policy, "end-to-end", done, (System.nanoTime() - start) / 1e9);
        } finally {
            hubs.forEach(Scheduler::close);
            workers.shutdownNow();
            workers.awaitTermination(10, TimeUnit.SECONDS);
            dropPool(cluster, pool);
        }
    }

    /** Forgets a measured pool, so its leases cannot expire into the next measurement. */
    static void dropPool(BenchCluster cluster, String pool) {
        cluster.members.get(0).instance().getMap(io.commandcenter.scheduler.hazelcast.Configs.POOLS).delete(pool);
    }

    static void submitAll(List<Scheduler> hubs, String pool, int tasks) throws Exception {
        ExecutorService submitters = Executors.newFixedThreadPool(hubs.size());
        List<Future<?>> futures = new ArrayList<>();
        for (int h = 0; h < hubs.size(); h++) {
            Scheduler hub = hubs.get(h);
            int from = h;
            futures.add(submitters.submit(() -> {
                for (int i = from; i < tasks; i += hubs.size()) {
                    hub.submit(TaskSpec.of(PROJECTS[i % 3], pool + ".run").withWorkflow("wf-" + i % 4));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        submitters.shutdown();
    }

    static AgentListener counting(AtomicLong delivered) {
        return new AgentListener() {
            @Override
            public void onAssignment(Dispatched work) {
                delivered.incrementAndGet();
            }

            @Override
            public void onRevoked(Revocation revocation) {
            }

            @Override
            public void onClosed(CommandCenterException reason) {
            }
        };
    }
}
