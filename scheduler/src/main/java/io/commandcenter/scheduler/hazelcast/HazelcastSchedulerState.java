package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolState;
import io.commandcenter.scheduler.state.IdempotencyRecord;
import io.commandcenter.scheduler.state.SchedulerState;
import io.commandcenter.scheduler.targets.GateOp;
import io.commandcenter.scheduler.targets.TargetGate;
import io.commandcenter.scheduler.wire.Wire;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The scheduler's state in a Hazelcast cluster, shared by every hub:
 *
 * <ul>
 *   <li>{@value Configs#POOLS}: {@code IMap<agent type, PoolState>}, in-memory format OBJECT,
 *       synchronous backups; changed only by {@link PoolProcessor} entry processors on the owning
 *       partition, so each operation is atomic without locks and is applied to the backups too;</li>
 *   <li>{@value Configs#GATES}: {@code IMap<project/kind/id, TargetGate>}, the same way;</li>
 *   <li>{@value Configs#KEYS}: {@code IMap<project + key, IdempotencyRecord>} with a time to live,
 *       changed by {@code putIfAbsent} (atomic on its partition);</li>
 *   <li>{@value Configs#WEIGHTS}: {@code ReplicatedMap<project, weight>}, read locally.</li>
 * </ul>
 *
 * No CP subsystem (it is not available): atomicity comes from partition ownership, durability
 * from backups. Hazelcast failures become {@link CommandCenterException} UNAVAILABLE
 * ({@code STATE_UNAVAILABLE}).
 */
public final class HazelcastSchedulerState implements SchedulerState {
    private final HazelcastInstance instance;
    private final IMap<String, PoolState> pools;
    private final IMap<String, TargetGate> gates;
    private final IMap<String, IdempotencyRecord> keys;
    private final ReplicatedMap<String, Double> weights;
    private final String peerId;

    public HazelcastSchedulerState(HazelcastInstance instance) {
        this.instance = instance;
        this.pools = instance.getMap(Configs.POOLS);
        this.gates = instance.getMap(Configs.GATES);
        this.keys = instance.getMap(Configs.KEYS);
        this.weights = instance.getReplicatedMap(Configs.WEIGHTS);
        this.peerId = instance.getLocalEndpoint().getUuid().toString();
    }

    @Override
    public <R> R pool(String agentType, PoolConfig config, PoolOp<R> op) {
        byte[] bytes = call(() -> pools.executeOnKey(agentType, processor(config, op)));
        return bytes == null ? op.absent() : Wire.decode(bytes, in -> op.result().read(in));
    }

    @Override
    public <R> Map<String, R> pools(PoolConfig config, PoolOp<R> op) {
        Set<String> types = agentTypes();
        Map<String, R> results = new TreeMap<>();
        if (types.isEmpty()) {
            return results;
        }
        Map<String, byte[]> raw = call(() -> pools.executeOnKeys(types, processor(config, op)));
        raw.forEach((type, bytes) -> {
            R r = bytes == null ? op.absent() : Wire.decode(bytes, in -> op.result().read(in));
            if (r != null) {
                results.put(type, r);
            }
        });
        return results;
    }

    private static PoolProcessor processor(PoolConfig config, PoolOp<?> op) {
        return op.readOnly() ? new PoolProcessor.Reader(config, op) : new PoolProcessor(config, op, false);
    }

    @Override
    public Set<String> agentTypes() {
        return call(() -> new TreeSet<>(pools.keySet()));
    }

    @Override
    public GateOp.Result gate(String gateKey, GateOp op) {
        byte[] bytes = call(() -> gates.executeOnKey(gateKey, new GateProcessor(op, false)));
        return Wire.decode(bytes, GateOp.Result::read);
    }

    @Override
    public IdempotencyRecord reserveKey(String key, IdempotencyRecord record, long ttlMillis) {
        return call(() -> keys.putIfAbsent(key, record, ttlMillis, TimeUnit.MILLISECONDS));
    }

    @Override
    public void recordKey(String key, IdempotencyRecord record, long ttlMillis) {
        call(() -> {
            keys.set(key, record, ttlMillis, TimeUnit.MILLISECONDS);
            return null;
        });
    }

    @Override
    public IdempotencyRecord key(String key) {
        return call(() -> keys.get(key));
    }

    @Override
    public double weight(String project, double fallback) {
        Double w = call(() -> weights.get(project));
        return w == null ? fallback : w;
    }

    @Override
    public void setWeight(String project, double weight) {
        call(() -> weights.put(project, weight));
    }

    @Override
    public String peerId() {
        return peerId;
    }

    /** Nothing to close: the instance belongs to {@link HazelcastCluster}. */
    @Override
    public void close() {
    }

    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (HazelcastInstanceNotActiveException | HazelcastClientOfflineException e) {
            throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the Hazelcast instance is not running: "
                    + e.getMessage(), e);
        } catch (HazelcastException e) {
            throw CommandCenterException.unavailable("STATE_UNAVAILABLE", "the scheduler's shared state failed: "
                    + e.getMessage(), e);
        }
    }
}
