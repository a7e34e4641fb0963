package io.commandcenter.scheduler.state;

import io.commandcenter.scheduler.pool.PoolCodec;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.PoolState;
import io.commandcenter.scheduler.targets.GateOp;
import io.commandcenter.scheduler.targets.TargetGate;
import io.commandcenter.scheduler.wire.Wire;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduler's state in one process: each pool and gate changes under its map bin's lock
 * ({@link ConcurrentHashMap#compute}), which makes every operation atomic as the contract asks.
 * Several schedulers (hubs) in one process may share one instance. Nothing survives the process.
 *
 * <p>With {@code roundTrip}, every operation and result is encoded and decoded on the way, and
 * every {@value #COPY_EVERY}th change of a pool (and its first) replaces the pool by a copy read
 * from its own encoding, as Hazelcast copies replicas: a cheap way for tests to prove the codecs
 * lossless without paying for a full copy on every change.
 */
public final class InMemorySchedulerState implements SchedulerState {
    private final ConcurrentHashMap<String, PoolState> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TargetGate> gates = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Expiring> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Double> weights = new ConcurrentHashMap<>();
    private final Clock clock;
    private final boolean roundTrip;
    private final String peerId;
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    static final int COPY_EVERY = 509;

    private record Expiring(IdempotencyRecord record, long expiresAt) {
    }

    public InMemorySchedulerState(Clock clock, boolean roundTrip) {
        this(clock, roundTrip, "memory");
    }

    /** @param peerId this process's name in {@code PeerLost} operations */
    public InMemorySchedulerState(Clock clock, boolean roundTrip, String peerId) {
        this.clock = clock;
        this.roundTrip = roundTrip;
        this.peerId = peerId;
    }

    public InMemorySchedulerState(Clock clock) {
        this(clock, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
        PoolOp<R> applied = roundTrip ? (PoolOp<R>) Wire.decode(Wire.encode(o -> PoolOps.write(o, op)), PoolOps::read)
                : op;
        Object[] result = new Object[1];
        if (applied.creates()) {
            pools.compute(agentType, (type, pool) -> {
                PoolState p = pool == null ? PoolState.create(type, config) : pool;
                result[0] = apply(p, config, applied);
                return copy(p);
            });
        } else {
            boolean[] found = new boolean[1];
            pools.computeIfPresent(agentType, (type, pool) -> {
                found[0] = true;
                result[0] = apply(pool, config, applied);
                return applied.readOnly() ? pool : copy(pool);
            });
            if (!found[0]) {
                result[0] = applied.absent();
            }
        }
        R r = (R) result[0];
        if (roundTrip && r != null) {
            return Wire.decode(Wire.encode(o -> op.result().write(o, r)), in -> op.result().read(in));
        }
        return r;
    }

    /** As the owning member does: reached now by this store's clock ({@link PoolState#reach}), then the operation. */
    private <R> R apply(PoolState pool, PoolConfig config, PoolOp<R> op) {
        return PoolOps.apply(pool, config, op, op.readOnly() ? null : pool.reach(clock.millis(), config));
    }

    private PoolState copy(PoolState pool) {
        return roundTrip && changes.getAndIncrement() % COPY_EVERY == 0
                ? PoolCodec.fromBytes(PoolCodec.toBytes(pool)) : pool;
    }

    @Override
    public <R> Map<String, R> pools(PoolConfig config, PoolOp<R> op) {
        Map<String, R> results = new TreeMap<>();
        for (String type : agentTypes()) {
            R r = pool(type, config, op);
            if (r != null) {
                results.put(type, r);
            }
        }
        return results;
    }

    @Override
    public Set<String> agentTypes() {
        return new TreeSet<>(pools.keySet());
    }

    @Override
    public GateOp.Result gate(String gateKey, GateOp op) {
        GateOp.Result[] result = new GateOp.Result[1];
        gates.compute(gateKey, (key, gate) -> {
            TargetGate g = gate == null ? new TargetGate() : gate;
            result[0] = op.apply(g);
            return g.isEmpty() ? null : g;
        });
        return result[0];
    }

    @Override
    public IdempotencyRecord reserveKey(String key, IdempotencyRecord record, long ttlMillis) {
        long now = clock.millis();
        IdempotencyRecord[] existing = new IdempotencyRecord[1];
        keys.compute(key, (k, current) -> {
            if (current != null && current.expiresAt > now) {
                existing[0] = current.record;
                return current;
            }
            return new Expiring(record, now + ttlMillis);
        });
        return existing[0];
    }

    @Override
    public void recordKey(String key, IdempotencyRecord record, long ttlMillis) {
        keys.put(key, new Expiring(record, clock.millis() + ttlMillis));
    }

    @Override
    public IdempotencyRecord key(String key) {
        Expiring e = keys.get(key);
        return e != null && e.expiresAt > clock.millis() ? e.record : null;
    }

    @Override
    public double weight(String project, double fallback) {
        return weights.getOrDefault(project, fallback);
    }

    @Override
    public void setWeight(String project, double weight) {
        weights.put(project, weight);
    }

    @Override
    public String peerId() {
        return peerId;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
