package io.commandcenter.benchmarks.scheduler;

import io.commandcenter.scheduler.AgentConnection;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.fairqueue.FairQueue;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Fairness and queueing delay, weighted fair queueing against round-robin under the same load: a
 * discrete-event simulation driving the real scheduler (in-memory state, manual dispatch, a
 * simulated clock), so both disciplines see exactly the same arrivals and service times (seeded).
 *
 * <p>Eight agents of one slot; service times exponential with mean 100 ms (capacity 80 tasks/s);
 * Poisson arrivals per project; projects weighted 1 : 2 : 5. Reported over the measured window
 * (after a warm-up): each project's share of the assignments and of the agent time, the worst
 * relative deviation of either from the weighted max-min fair share, Jain's fairness index over the
 * weight-normalised shares ({@code x_i = share_i / (w_i / Σw)}, 1.0 = exactly by weight), and the
 * p50/p99/max queueing delay per project (submission to assignment); for starvation, the most
 * assignments made to other projects between two of the weight-1 project's while it had a task
 * queued (decisions in fencing-token order).
 *
 * <pre>
 * ./mvnw -q -B -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.scheduler.FairnessBenchmark \
 *   -Dexec.args="--seconds 600 --seed 42"
 * </pre>
 */
public final class FairnessBenchmark {
    static final Map<String, Double> WEIGHTS = new LinkedHashMap<>(Map.of("p1", 1.0, "p2", 2.0, "p5", 5.0));
    static final List<String> PROJECTS = List.of("p1", "p2", "p5");
    static final int AGENTS = 8;
    static final double MEAN_SERVICE_MS = 100;

    /** A load: arrival rate per project (tasks/s). */
    record Scenario(String name, Map<String, Double> rates) {
    }

    record Outcome(Map<String, Double> shares, double jain, double jainMaxMin, Map<String, long[]> delays,
                   long completed, long p1MaxGap, double worstDeviation, Map<String, Double> assigned,
                   double worstAssigned) {
    }

    public static void main(String[] args) {
        BenchCluster.quietLogs();
        int seconds = Integer.parseInt(BenchCluster.option(args, "--seconds", "600"));
        long seed = Long.parseLong(BenchCluster.option(args, "--seed", "42"));
        List<Scenario> scenarios = List.of(
                new Scenario("saturated: each project offers 100% of capacity (300%)",
                        Map.of("p1", 80.0, "p2", 80.0, "p5", 80.0)),
                new Scenario("overloaded, p5 below its share: each project offers 50% (150%)",
                        Map.of("p1", 40.0, "p2", 40.0, "p5", 40.0)),
                new Scenario("one heavy: p5 offers 100%, p1 and p2 10% each (120%)",
                        Map.of("p1", 8.0, "p2", 8.0, "p5", 80.0)),
                new Scenario("under capacity: each project 27% (80%)",
                        Map.of("p1", 21.3, "p2", 21.3, "p5", 21.3)));
        for (Scenario scenario : scenarios) {
            System.out.println();
            System.out.println("### " + scenario.name());
            System.out.println();
            Map<String, Double> fair = maxMinFair(scenario.rates(), 1000 / MEAN_SERVICE_MS * AGENTS);
            System.out.println("weighted max-min fair shares p1 / p2 / p5: " + join(PROJECTS.stream()
                    .map(p -> String.format(Locale.ROOT, "%.1f %%", 100 * fair.get(p))).toList()));
            System.out.println();
            System.out.println("| discipline | Jain, share / weight | Jain, share / max-min fair share "
                    + "| share of assignments p1 / p2 / p5 | share of agent time p1 / p2 / p5 "
                    + "| worst deviation from fair share (assignments, agent time) "
                    + "| delay p50 ms p1 / p2 / p5 | delay p99 ms p1 / p2 / p5 "
                    + "| delay max ms p1 / p2 / p5 | most others served between two p1 while p1 waits | completed |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            for (FairQueue.Policy policy : FairQueue.Policy.values()) {
                Outcome o = simulate(scenario, policy, seconds, seed);
                System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %s | %s | %.1f %%, %.1f %% | %s | %s | %s | %d | %,d |%n",
                        policy, o.jain(), o.jainMaxMin(),
                        join(PROJECTS.stream().map(p -> String.format(Locale.ROOT, "%.1f %%", 100 * o.assigned().get(p))).toList()),
                        join(PROJECTS.stream().map(p -> String.format(Locale.ROOT, "%.1f %%", 100 * o.shares().get(p))).toList()),
                        100 * o.worstAssigned(), 100 * o.worstDeviation(),
                        join(PROJECTS.stream().map(p -> Long.toString(o.delays().get(p)[0])).toList()),
                        join(PROJECTS.stream().map(p -> Long.toString(o.delays().get(p)[1])).toList()),
                        join(PROJECTS.stream().map(p -> Long.toString(o.delays().get(p)[2])).toList()), o.p1MaxGap(),
                        o.completed());
            }
        }
    }

    static String join(List<String> parts) {
        return String.join(" / ", parts);
    }

    /** A clock the simulation sets. */
    static final class SimClock extends Clock {
        long millis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    record Event(long at, int kind, String project, Dispatched work, int agent) {
    }

    static Outcome simulate(Scenario scenario, FairQueue.Policy policy, int seconds, long seed) {
        SimClock clock = new SimClock();
        long start = clock.millis;
        Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("sim").withBackground(false).withPolicy(policy)
                        .withProjectWeights(WEIGHTS).withLease(Duration.ofHours(1)).withMaxUnfinishedPerProject(1_000_000),
                new InMemorySchedulerState(clock), new InMemoryMesh(new InMemoryMesh.Network(Runnable::run)), clock);
        SplittableRandom arrivals = new SplittableRandom(seed);
        SplittableRandom service = new SplittableRandom(seed + 1);
        PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
                : Integer.compare(a.kind, b.kind));
        List<List<Dispatched>> inboxes = new ArrayList<>();
        List<AgentConnection> agents = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            List<Dispatched> inbox = new ArrayList<>();
            inboxes.add(inbox);
            agents.add(scheduler.connect(AgentRegistration.of("sim-" + i, "sim", 1, "run"), new AgentListener() {
                @Override
                public void onAssignment(Dispatched work) {
                    inbox.add(work);
                }

                @Override
                public void onRevoked(Revocation revocation) {
                }

                @Override
                public void onClosed(CommandCenterException reason) {
                }
            }));
        }
        for (String p : PROJECTS) {
            events.add(new Event(start + exp(arrivals, 1000 / scenario.rates().get(p)), 1, p, null, -1));
        }
        long end = start + seconds * 1000L;
        long warmUp = start + Math.min(60_000, seconds * 100L);
        Map<String, Double> busy = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        Map<String, List<Long>> delays = new HashMap<>();
        PROJECTS.forEach(p -> {
            busy.put(p, 0.0);
            delays.put(p, new ArrayList<>());
        });
        long completed = 0;
        // starvation: assignments to other projects between two of p1's while p1 had a task queued
        int p1Queued = 0;
        long othersSinceP1 = 0;
        long p1MaxGap = 0;
        List<Dispatched> round = new ArrayList<>();
        while (!events.isEmpty() && events.peek().at() < end) {
            Event e = events.poll();
            clock.millis = e.at();
            if (e.kind() == 1) {
                scheduler.submit(TaskSpec.of(e.project(), "sim.run"));
                if (e.project().equals("p1")) {
                    p1Queued++;
                }
                events.add(new Event(e.at() + exp(arrivals, 1000 / scenario.rates().get(e.project())), 1, e.project(),
                        null, -1));
            } else {
                agents.get(e.agent()).complete(e.work().assignment().taskId(), e.work().assignment().fencingToken(),
                        TaskOutcome.SUCCEEDED, "", "", false);
                if (e.at() >= warmUp) {
                    completed++;
                }
            }
            scheduler.runPending();
            round.clear();
            inboxes.forEach(round::addAll);
            round.sort((a, b) -> Long.compare(a.assignment().fencingToken(), b.assignment().fencingToken()));
            for (Dispatched work : round) {
                if (work.assignment().project().equals("p1")) {
                    p1Queued--;
                    if (e.at() >= warmUp) {
                        p1MaxGap = Math.max(p1MaxGap, othersSinceP1);
                    }
                    othersSinceP1 = 0;
                } else if (p1Queued > 0) {
                    othersSinceP1++;
                }
            }
            for (int i = 0; i < AGENTS; i++) {
                for (Dispatched work : inboxes.get(i)) {
                    long took = exp(service, MEAN_SERVICE_MS);
                    events.add(new Event(e.at() + took, 0, work.assignment().project(), work, i));
                    if (e.at() >= warmUp) {
                        busy.merge(work.assignment().project(), (double) took, Double::sum);
                        counts.merge(work.assignment().project(), 1L, Long::sum);
                        delays.get(work.assignment().project()).add(work.assignment().queueDelay().toMillis());
                    }
                }
                inboxes.get(i).clear();
            }
        }
        scheduler.close();
        double total = busy.values().stream().mapToDouble(Double::doubleValue).sum();
        double weightSum = WEIGHTS.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> shares = new HashMap<>();
        double sx = 0;
        double sxx = 0;
        for (String p : PROJECTS) {
            double share = busy.get(p) / total;
            shares.put(p, share);
            double x = share / (WEIGHTS.get(p) / weightSum);
            sx += x;
            sxx += x * x;
        }
        Map<String, Double> fair = maxMinFair(scenario.rates(), 1000 / MEAN_SERVICE_MS * AGENTS);
        double[] byFair = PROJECTS.stream().mapToDouble(p -> shares.get(p) / fair.get(p)).toArray();
        double worst = PROJECTS.stream().mapToDouble(p -> Math.abs(shares.get(p) - fair.get(p)) / fair.get(p)).max()
                .orElse(0);
        Map<String, long[]> percentiles = new HashMap<>();
        for (String p : PROJECTS) {
            long[] sorted = delays.get(p).stream().mapToLong(Long::longValue).sorted().toArray();
            percentiles.put(p, new long[]{pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0
                    : sorted[sorted.length - 1]});
        }
        long assignments = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> assigned = new HashMap<>();
        PROJECTS.forEach(p -> assigned.put(p, counts.getOrDefault(p, 0L) / (double) assignments));
        double worstAssigned = PROJECTS.stream().mapToDouble(p -> Math.abs(assigned.get(p) - fair.get(p)) / fair.get(p))
                .max().orElse(0);
        return new Outcome(shares, sx * sx / (PROJECTS.size() * sxx), jain(byFair), percentiles, completed, p1MaxGap,
                worst, assigned, worstAssigned);
    }

    static double jain(double[] x) {
        double s = 0;
        double ss = 0;
        for (double v : x) {
            s += v;
            ss += v * v;
        }
        return s * s / (x.length * ss);
    }

    /**
     * Weighted max-min fair shares of the capacity (water-filling): a project asking for less than
     * its weighted share gets what it asks; the rest is split among the others by weight. As a
     * share of the capacity actually used.
     */
    static Map<String, Double> maxMinFair(Map<String, Double> rates, double capacity) {
        Map<String, Double> alloc = new HashMap<>();
        List<String> open = new ArrayList<>(PROJECTS);
        double left = capacity;
        boolean changed = true;
        while (changed && !open.isEmpty()) {
            changed = false;
            double weights = open.stream().mapToDouble(WEIGHTS::get).sum();
            for (String p : List.copyOf(open)) {
                double share = left * WEIGHTS.get(p) / weights;
                if (rates.get(p) <= share) {
                    alloc.put(p, rates.get(p));
                    left -= rates.get(p);
                    open.remove(p);
                    changed = true;
                }
            }
        }
        double weights = open.stream().mapToDouble(WEIGHTS::get).sum();
        for (String p : open) {
            alloc.put(p, left * WEIGHTS.get(p) / weights);
        }
        double used = alloc.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> shares = new HashMap<>();
        alloc.forEach((p, a) -> shares.put(p, a / used));
        return shares;
    }

    static long pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** An exponential sample with the given mean, in whole milliseconds (at least 1). */
    static long exp(SplittableRandom r, double mean) {
        return Math.max(1, Math.round(-mean * Math.log(1 - r.nextDouble())));
    }
}
