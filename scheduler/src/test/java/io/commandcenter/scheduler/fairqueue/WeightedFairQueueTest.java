package io.commandcenter.scheduler.fairqueue;

import io.commandcenter.scheduler.wire.Wire;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WeightedFairQueueTest {
    long sequence;

    QueuedTask task(String project, String workflow, double cost, double weight) {
        long n = ++sequence;
        return new QueuedTask("t-" + n, project, workflow, cost, weight, n);
    }

    /** Serves n tasks in fair order (everything eligible); returns the served tasks in order. */
    static List<QueuedTask> serve(FairQueue queue, int n) {
        List<QueuedTask> served = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            QueuedTask next = queue.firstEligible(t -> true, 32, 4096);
            queue.serve(next.taskId());
            served.add(next);
        }
        return served;
    }

    @Test
    void projectsWeighted1To2To5_eachGetItsWeightsShareOfServedCost_within2Percent() {
        WeightedFairQueue queue = new WeightedFairQueue();
        Map<String, Double> weights = Map.of("one", 1.0, "two", 2.0, "five", 5.0);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            for (var w : weights.entrySet()) {
                queue.add(task(w.getKey(), "wf-" + random.nextInt(3), 0.5 + random.nextDouble() * 2, 1.0), w.getValue());
            }
        }

        Map<String, Double> cost = new HashMap<>();
        for (QueuedTask t : serve(queue, 10_000)) {
            cost.merge(t.project(), t.cost(), Double::sum);
        }

        double total = cost.values().stream().mapToDouble(Double::doubleValue).sum();
        for (var w : weights.entrySet()) {
            double share = cost.get(w.getKey()) / total;
            double expected = w.getValue() / 8.0;
            assertThat(share).as("share of %s", w.getKey()).isCloseTo(expected, within(expected * 0.02));
        }
    }

    @Test
    void aWeightOneProjectAmongHeavierOnes_isNeverStarved() {
        WeightedFairQueue queue = new WeightedFairQueue();
        for (int i = 0; i < 5_000; i++) {
            queue.add(task("light", "w", 1, 1), 1);
            queue.add(task("heavy", "w", 1, 1), 50);
        }

        List<QueuedTask> served = serve(queue, 5_000);

        int gap = 0;
        int maxGap = 0;
        for (QueuedTask t : served) {
            gap = t.project().equals("light") ? 0 : gap + 1;
            maxGap = Math.max(maxGap, gap);
        }
        // weight 1 of 51: one turn in every 51 (+1 for the lag bound)
        assertThat(maxGap).isLessThanOrEqualTo(51);
        assertThat(served.stream().filter(t -> t.project().equals("light")).count()).isBetween(97L, 99L);
    }

    @Test
    void aProjectThatWasIdle_cannotBankCreditAndStarveOthersWhenItReturns() {
        WeightedFairQueue queue = new WeightedFairQueue();
        for (int i = 0; i < 1_000; i++) {
            queue.add(task("busy", "w", 1, 1), 1);
        }
        serve(queue, 500);
        for (int i = 0; i < 1_000; i++) {
            queue.add(task("returning", "w", 1, 1), 1);
        }

        List<QueuedTask> next = serve(queue, 100);

        long returning = next.stream().filter(t -> t.project().equals("returning")).count();
        assertThat(returning).isBetween(49L, 51L);
    }

    @Test
    void insideAProject_aHighPriorityWorkflowGetsMoreTurns_butALowOneIsNotStarved() {
        WeightedFairQueue queue = new WeightedFairQueue();
        for (int i = 0; i < 1_000; i++) {
            queue.add(task("p", "urgent", 1, 3.0), 1);
            queue.add(task("p", "batch", 1, 1.0), 1);
        }

        List<QueuedTask> served = serve(queue, 400);

        long urgent = served.stream().filter(t -> t.workflow().equals("urgent")).count();
        assertThat(urgent).isBetween(299L, 301L);
    }

    @Test
    void aHighRiskTaskArrivingBehindOthersOfItsWorkflow_isServedFirst() {
        WeightedFairQueue queue = new WeightedFairQueue();
        for (int i = 0; i < 10; i++) {
            queue.add(task("p", "remediate", 1, 1.0), 1);
        }
        QueuedTask risky = task("p", "remediate", 1, 1.9);
        queue.add(risky, 1);

        assertThat(serve(queue, 1).get(0).taskId()).isEqualTo(risky.taskId());
    }

    @Test
    void priorityInsideAProject_neverChangesTheProjectsShare() {
        WeightedFairQueue queue = new WeightedFairQueue();
        for (int i = 0; i < 2_000; i++) {
            queue.add(task("shouting", "w", 1, 10.0), 1);
            queue.add(task("quiet", "w", 1, 0.2), 1);
        }

        long shouting = serve(queue, 1_000).stream().filter(t -> t.project().equals("shouting")).count();

        assertThat(shouting).isBetween(499L, 501L);
    }

    @Test
    void aLightProjectFarBelowItsShare_isServedAtItsNextTurn_notAfterTheHeavyProjectsNextFiveTasks() {
        WeightedFairQueue queue = new WeightedFairQueue();
        for (int i = 0; i < 100; i++) {
            queue.add(task("heavy", "w", 1, 1), 5);
        }
        serve(queue, 10);
        QueuedTask light = task("light", "w", 1, 1);

        queue.add(light, 1);

        assertThat(serve(queue, 1).get(0)).isEqualTo(light);
    }

    @Test
    void whenTheHeadCannotRun_theFirstEligibleTaskInFairOrderIsServed() {
        WeightedFairQueue queue = new WeightedFairQueue();
        queue.add(task("a", "w", 1, 1), 1);
        QueuedTask b = task("b", "w", 1, 1);
        queue.add(b, 1);

        QueuedTask chosen = queue.firstEligible(t -> t.project().equals("b"), 32, 4096);

        assertThat(chosen).isEqualTo(b);
        queue.serve(chosen.taskId());
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.firstEligible(t -> true, 32, 4096).project()).isEqualTo("a");
    }

    @Test
    void aChangedWeight_appliesToTheProjectsFollowingTurns() {
        WeightedFairQueue queue = new WeightedFairQueue();
        for (int i = 0; i < 2_000; i++) {
            queue.add(task("x", "w", 1, 1), 1);
            queue.add(task("y", "w", 1, 1), 1);
        }
        serve(queue, 100);
        queue.setWeight("x", 3);

        long x = serve(queue, 400).stream().filter(t -> t.project().equals("x")).count();

        assertThat(x).isBetween(298L, 302L);
    }

    @Test
    void writtenAndReadBack_theQueueMakesTheSameChoicesAndWritesTheSameBytes() {
        WeightedFairQueue queue = new WeightedFairQueue();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            queue.add(task("p" + random.nextInt(4), "w" + random.nextInt(3), 0.1 + random.nextDouble(),
                    0.2 + random.nextDouble() * 3), 1 + random.nextInt(5));
        }
        serve(queue, 123);
        byte[] bytes = Wire.encode(out -> FairQueue.writeQueue(out, queue));

        FairQueue copy = Wire.decode(bytes, FairQueue::readQueue);

        assertThat(Wire.encode(out -> FairQueue.writeQueue(out, copy))).isEqualTo(bytes);
        assertThat(serve(copy, 300)).isEqualTo(serve(queue, 300));
    }

    @Test
    void roundRobin_givesEveryProjectTheSameTurns_whateverItsWeight() {
        RoundRobinQueue queue = new RoundRobinQueue();
        for (int i = 0; i < 100; i++) {
            queue.add(task("one", "w", 1, 1), 1);
            queue.add(task("five", "w", 1, 1), 5);
        }

        long five = serve(queue, 100).stream().filter(t -> t.project().equals("five")).count();

        assertThat(five).isEqualTo(50);
    }
}
