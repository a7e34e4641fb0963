package io.commandcenter.benchmarks.scheduler;

import io.commandcenter.scheduler.AgentConnection;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time for the survivors to resume all work after a member is killed: three embedded members on
 * loopback, a scheduler and two agents (four slots each, 20 ms per task) per hub; tasks submitted
 * on every hub while the agents report themselves full, then released; when 30% are done, the
 * agents of the member that owns the queue (the pool's partition) stop at a clean point (what they
 * ran has been reported; what they hold stays leased) and the member is terminated (no graceful
 * leave). Measured from the kill: the first
 * assignment made by a survivor, and the moment every task has run; counted: tasks run twice
 * (must be 0), tasks lost (must be 0), leases of the dead agents re-run after expiry.
 *
 * <pre>
 * nice -n 10 ./mvnw -q -B -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.scheduler.FailoverBenchmark \
 *   -Dexec.args="--runs 3 --tasks 3000 --leases 2,5"
 * </pre>
 */
public final class FailoverBenchmark {
    record Run(long leaseSeconds, int remaining, long firstMillis, long rerunMillis, long allMillis, int rerun,
               int duplicates, int lost) {
    }

    public static void main(String[] args) throws Exception {
        BenchCluster.quietLogs();
        int runs = Integer.parseInt(BenchCluster.option(args, "--runs", "3"));
        int tasks = Integer.parseInt(BenchCluster.option(args, "--tasks", "3000"));
        long taskMillis = Long.parseLong(BenchCluster.option(args, "--task-millis", "20"));
        long[] leases = Arrays.stream(BenchCluster.option(args, "--leases", "2,5").split(","))
                .mapToLong(Long::parseLong).toArray();
        List<Run> all = new ArrayList<>();
        for (long lease : leases) {
            for (int r = 0; r < runs; r++) {
                Run run = run(tasks, lease, taskMillis);
                all.add(run);
                System.out.printf(Locale.ROOT, "lease %d s: %d tasks left at the kill; first decision after the kill after "
                                + "%d ms; dead agents' leases re-assigned after %d ms; all done after %d ms; %d leases re-run; "
                                + "%d run twice; %d lost%n", run.leaseSeconds(), run.remaining(), run.firstMillis(),
                        run.rerunMillis(), run.allMillis(), run.rerun(), run.duplicates(), run.lost());
            }
        }
        System.out.println();
        System.out.println("| lease | tasks left at the kill | first decision after the kill (ms) "
                + "| dead agents' leases re-assigned (ms) | all work done (ms) | leases re-run | run twice | lost |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (long lease : leases) {
            List<Run> rs = all.stream().filter(x -> x.leaseSeconds() == lease).toList();
            System.out.printf(Locale.ROOT, "| %d s | %d | %d | %d | %d | %d | %d | %d |%n", lease,
                    median(rs.stream().mapToLong(Run::remaining).toArray()),
                    median(rs.stream().mapToLong(Run::firstMillis).toArray()),
                    median(rs.stream().mapToLong(Run::rerunMillis).toArray()),
                    median(rs.stream().mapToLong(Run::allMillis).toArray()),
                    median(rs.stream().mapToLong(Run::rerun).toArray()),
                    rs.stream().mapToInt(Run::duplicates).sum(), rs.stream().mapToInt(Run::lost).sum());
        }
    }

    static long median(long[] values) {
        Arrays.sort(values);
        return values[values.length / 2];
    }

    static Run run(int tasks, long leaseSeconds, long taskMillis) throws Exception {
        ScheduledExecutorService workers = Executors.newScheduledThreadPool(8);
        Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        AtomicLong firstAfterKill = new AtomicLong();
        AtomicLong lastRerun = new AtomicLong();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong killedAtMillis = new AtomicLong(Long.MAX_VALUE);
        List<Scheduler> hubs = new ArrayList<>();
        try (BenchCluster cluster = new BenchCluster(3)) {
            for (int h = 0; h < 3; h++) {
                var member = cluster.members.get(h);
                hubs.add(Scheduler.start(SchedulerSettings.defaults("hub-" + h)
                        .withLease(Duration.ofSeconds(leaseSeconds)).withSweepInterval(Duration.ofMillis(250)),
                        member.state(), member.mesh(), Clock.systemUTC()));
            }
            List<boolean[]> dead = new ArrayList<>();
            List<AtomicInteger> running = new ArrayList<>();
            List<AgentConnection> connections = new ArrayList<>();
            for (int h = 0; h < 3; h++) {
                boolean[] flag = {false};
                dead.add(flag);
                AtomicInteger inFlight = new AtomicInteger();
                running.add(inFlight);
                for (int a = 0; a < 2; a++) {
                    AgentConnection[] self = new AgentConnection[1];
                    self[0] = hubs.get(h).connect(AgentRegistration.of("agent-" + h + "-" + a, "devops", 4, "restart"),
                            new AgentListener() {
                                @Override
                                public void onAssignment(Dispatched work) {
                                    // every lease counts, also one a doomed agent got just before the kill
                                    String id = work.assignment().taskId();
                                    int n = deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                                    if (flag[0]) {
                                        return;
                                    }
                                    long now = System.nanoTime();
                                    if (n > 1) {
                                        lastRerun.accumulateAndGet(now, Math::max);
                                    }
                                    // a decision made after the kill (not one in flight at the kill)
                                    if (work.assignment().assignedAt().toEpochMilli() > killedAtMillis.get()) {
                                        firstAfterKill.compareAndSet(0, now);
                                    }
                                    workers.schedule(() -> {
                                        inFlight.incrementAndGet();
                                        try {
                                            if (flag[0]) {
                                                return;
                                            }
                                            executions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                                            self[0].complete(id, work.assignment().fencingToken(),
                                                    TaskOutcome.SUCCEEDED, "", "", false);
                                        } catch (CommandCenterException e) {
                                            // fenced: counted by the duplicate check if it ran twice
                                        } finally {
                                            inFlight.decrementAndGet();
                                        }
                                    }, taskMillis, TimeUnit.MILLISECONDS);
                                }

                                @Override
                                public void onRevoked(Revocation revocation) {
                                }

                                @Override
                                public void onClosed(CommandCenterException reason) {
                                }
                            });
                    // full while the backlog is submitted, so the kill finds work queued as well as leased
                    self[0].reportHealth(new io.commandcenter.scheduler.agents.AgentLoad(0.1, 0.1, 4, 0));
                    connections.add(self[0]);
                }
            }
            // the pool exists now (partitions are assigned lazily): find the member that owns it
            var owner = cluster.members.get(0).instance().getPartitionService().getPartition("devops").getOwner();
            int victim = -1;
            for (int h = 0; h < 3; h++) {
                if (cluster.members.get(h).instance().getCluster().getLocalMember().equals(owner)) {
                    victim = h;
                }
            }
            if (victim < 0) {
                throw new IllegalStateException("no owner for the pool's partition");
            }
            for (int i = 0; i < tasks; i++) {
                hubs.get(i % 3).submit(TaskSpec.of("p" + i % 3, "devops.restart"));
            }
            for (AgentConnection c : connections) {
                c.reportHealth(new io.commandcenter.scheduler.agents.AgentLoad(0.1, 0.1, 0, 0));
            }
            while (executions.size() < tasks * 3 / 10) {
                Thread.sleep(1);
            }
            // the doomed member's agents stop at a clean point: whatever they ran has been reported
            dead.get(victim)[0] = true;
            while (running.get(victim).get() > 0) {
                Thread.onSpinWait();
            }
            int remaining = tasks - executions.size();
            killedAtMillis.set(System.currentTimeMillis());
            killedAt.set(System.nanoTime());
            cluster.members.get(victim).instance().getLifecycleService().terminate();
            long deadline = killedAt.get() + TimeUnit.SECONDS.toNanos(120);
            while (executions.size() < tasks && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long all = (System.nanoTime() - killedAt.get()) / 1_000_000;
            int duplicates = (int) executions.values().stream().filter(n -> n.get() > 1).count();
            int rerun = (int) deliveries.values().stream().filter(n -> n.get() > 1).count();
            return new Run(leaseSeconds, remaining, (firstAfterKill.get() - killedAt.get()) / 1_000_000,
                    Math.max(0, lastRerun.get() - killedAt.get()) / 1_000_000, all, rerun, duplicates,
                    tasks - executions.size());
        } finally {
            for (Scheduler s : hubs) {
                try {
                    s.close();
                } catch (RuntimeException ignored) {
                    // its member is gone
                }
            }
            workers.shutdownNow();
        }
    }
}
