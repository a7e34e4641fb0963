package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.capacity.LoadSignal;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.task.PredictionCause;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.wire.Wire;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas stay identical: a pool copied through its encoding (what Hazelcast does for a new
 * backup) answers every following operation exactly as the original, and both encode to the same
 * bytes at every step. Random operation sequences, seeded.
 */
class PoolCodecTest {
    static final PoolConfig CONFIG = PoolConfig.DEFAULT.withLeaseMillis(1_000);

    /** A random but valid operation at time {@code now}. */
    static PoolOp<?> randomOp(SplittableRandom r, long now, List<String> taskIds, int n) {
        String agent = "a" + r.nextInt(4);
        String task = taskIds.isEmpty() ? "t-none" : taskIds.get(r.nextInt(taskIds.size()));
        return switch (r.nextInt(12)) {
            case 0, 1, 2 -> {
                String id = "t-" + n;
                taskIds.add(id);
                TaskSpec spec = TaskSpec.of("p" + r.nextInt(3), "devops." + (r.nextBoolean() ? "restart" : "scale"))
                        .withWorkflow("w" + r.nextInt(2)).withCost(0.5 + r.nextInt(3)).withPriority(1 + r.nextInt(10));
                if (r.nextInt(5) == 0) {
                    spec = spec.withPrediction(new PredictionCause("pred-" + n, r.nextDouble(), r.nextDouble()));
                }
                if (r.nextInt(6) == 0) {
                    spec = spec.withTarget(new TargetRef("service", "s" + r.nextInt(2)), true);
                }
                yield new PoolOps.Enqueue(id, spec, "hub-" + r.nextInt(2), 0.5 + r.nextDouble(), 1 + r.nextInt(5),
                        spec.exclusiveTarget(), now);
            }
            case 3 -> new PoolOps.Register(AgentRegistration.of(agent, "devops", 1 + r.nextInt(3), "restart", "scale")
                    .withLabels(Map.of("zone", "z" + r.nextInt(2))).withOwner(r.nextInt(4) == 0 ? "key:other" : "key:first"), "hub-" + r.nextInt(2), "peer-" + r.nextInt(2),
                    "s-" + n, now);
            case 4, 5 -> new PoolOps.Dispatch("d-" + n, "hub-" + r.nextInt(2), 1 + r.nextInt(4), now);
            case 6 -> new PoolOps.Complete(agent, task, r.nextInt(n + 1), r.nextBoolean() ? TaskOutcome.SUCCEEDED
                    : TaskOutcome.FAILED, "{}", "", r.nextBoolean(), now);
            case 7 -> new PoolOps.Heartbeat(agent, List.of(new LeaseRef(task, r.nextInt(n + 1))), now);
            case 8 -> r.nextBoolean()
                    ? new PoolOps.ReportLoad(agent, new AgentLoad(r.nextDouble(), r.nextDouble(), r.nextInt(3), 0), now)
                    : new PoolOps.ReportLoad(agent, new AgentLoad(r.nextDouble(), r.nextDouble(), r.nextInt(3), 0), now,
                            r.nextBoolean() ? "key:first" : "key:other", r.nextBoolean() ? "shop" : null);
            case 9 -> new PoolOps.Cancel("p" + r.nextInt(3), task, "", now);
            case 10 -> new PoolOps.Signal(new LoadSignal("pred-x" + n, "restart", r.nextDouble(), r.nextDouble(),
                    now + 5_000));
            default -> new PoolOps.Sweep(now);
        };
    }

    /** Applies the operation as a state store does, with the owner's decision {@code reached} (null: reads). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static byte[] result(PoolOp op, PoolState pool, Reached reached) {
        Object r = PoolOps.apply(pool, CONFIG, op, reached);
        return Wire.encode(out -> op.result().write(out, r));
    }

    @Test
    void aPoolReadBackFromItsEncoding_decidesExactlyAsTheOriginal_throughRandomOperations() {
        for (int seed = 1; seed <= 12; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            PoolState original = PoolState.create("devops", CONFIG);
            PoolState copy = original;
            List<String> ids = new ArrayList<>();
            // per lease (fencing token): when its agent last sent a word the pool took (assignment, heartbeat)
            Map<Long, Long> lastSend = new HashMap<>();
            long now = 1_000_000;
            long lead = 0;
            for (int n = 0; n < 400; n++) {
                // sometimes a gap (leases heard recently are moved on), now and then one past the bound
                now += n % 97 == 0 ? 120_000 : n % 53 == 0 ? 5_000 : r.nextInt(400);
                if (n % 97 == 0) {
                    // a new owner after the long gap, now and then with a clock leading the hubs' past the bound
                    lead = r.nextInt(3) == 0 ? CONFIG.moveBoundMillis() + 5_000 : 0;
                }
                if (n % 37 == 0) {
                    copy = PoolCodec.fromBytes(PoolCodec.toBytes(original));
                }
                PoolOp<?> op = randomOp(r, now, ids, n);
                PoolOp<?> sent = Wire.decode(Wire.encode(out -> PoolOps.write(out, op)), PoolOps::read);
                // the owner decides by its clock (here: now + a delivery delay), the copy gets its decision
                Reached reached = op.readOnly() ? null : original.reach(now + lead + r.nextInt(50), CONFIG);
                Reached sentReached = reached == null ? null
                        : Wire.decode(Wire.encode(out -> Reached.write(out, reached)), Reached::read);
                byte[] expected = result(op, original, reached);
                byte[] actual = copy == original ? expected : result(sent, copy, sentReached);
                assertThat(actual).as("seed %d, step %d: %s", seed, n, op).isEqualTo(expected);
                tookWords(original, op, now, lastSend);
                assertLeasesWithinTheBound(original, lastSend, seed, n);
                if (copy != original) {
                    assertThat(PoolCodec.toBytes(copy)).as("seed %d, step %d", seed, n)
                            .isEqualTo(PoolCodec.toBytes(original));
                }
            }
        }
    }

    /** Records {@code now} as the last send of each lease the operation granted or extended. */
    static void tookWords(PoolState pool, PoolOp<?> op, long now, Map<Long, Long> lastSend) {
        for (TaskEntry e : pool.tasks.values()) {
            if (e.state == io.commandcenter.scheduler.task.TaskState.ASSIGNED) {
                lastSend.putIfAbsent(e.lease.fencingToken(), now); // a lease new in this operation: its assignment
            }
        }
        if (op instanceof PoolOps.Heartbeat hb) {
            for (LeaseRef ref : hb.leases()) {
                TaskEntry e = pool.tasks.get(ref.taskId());
                if (e != null && e.holds(hb.agentId(), ref.fencingToken())) {
                    lastSend.put(ref.fencingToken(), now);
                }
            }
        }
    }

    /**
     * A word counts from at most the bound {@code B} after its send (an owner clock that leads or leaps
     * gains a lease no more), and no lease runs past a full lease from that plus the bound in moves:
     * {@code heardAt <= lastSend + B} and {@code expiry <= lastSend + lease + 2B}, whatever the gaps.
     */
    static void assertLeasesWithinTheBound(PoolState pool, Map<Long, Long> lastSend, int seed, int step) {
        long bound = CONFIG.moveBoundMillis();
        for (TaskEntry e : pool.tasks.values()) {
            if (e.state == io.commandcenter.scheduler.task.TaskState.ASSIGNED) {
                long sent = lastSend.get(e.lease.fencingToken());
                assertThat(e.moved).as("seed %d, step %d: %s moved", seed, step, e.id).isBetween(0L, bound);
                assertThat(e.heardAt).as("seed %d, step %d: %s heard", seed, step, e.id)
                        .isLessThanOrEqualTo(sent + bound);
                assertThat(e.lease.leaseExpiresAt().toEpochMilli()).as("seed %d, step %d: %s", seed, step, e.id)
                        .isLessThanOrEqualTo(sent + CONFIG.leaseMillis() + 2 * bound);
            }
        }
    }
}
