package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.PoolState;
import io.commandcenter.scheduler.pool.Reached;
import io.commandcenter.scheduler.wire.Wire;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one {@link PoolOp} on the partition thread that owns the pool, on the pool object itself
 * (the map keeps values as objects: nothing is serialized per operation), and again on each backup
 * replica. Answers the operation's result encoded, so one processor class serves every operation.
 * Read-only operations get no backup pass.
 *
 * <p>On the owner, a changing operation is first judged against the owner's clock
 * ({@link PoolState#reach}: how long since the pool was last reached, and how far its live leases
 * move on for it). Hazelcast asks this same processor instance for {@link #getBackupProcessor()}
 * after {@link #process} ran ({@code EntryOperation.getBackupOperation}, checked in Hazelcast 5.7),
 * so the backup processor carries that decision, per key, and each backup applies exactly the same
 * move without reading its own clock: replicas stay identical.
 */
class PoolProcessor implements EntryProcessor<String, PoolState, byte[]>, IdentifiedDataSerializable,
        HazelcastInstanceAware {
    /** The member's user-context key of the clock operations are applied by (tests set a hand clock). */
    static final String CLOCK = "cc.scheduler.apply-clock";

    private PoolConfig config;
    private PoolOp<?> op;
    private boolean backup;
    /** Owner: the decisions made per key (executeOnKeys may share this instance between partition threads). */
    private Map<String, Reached> reached = new ConcurrentHashMap<>();
    private transient Clock clock = Clock.systemUTC();

    PoolProcessor() {
    }

    PoolProcessor(PoolConfig config, PoolOp<?> op, boolean backup) {
        this.config = config;
        this.op = op;
        this.backup = backup;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        if (instance.getUserContext().get(CLOCK) instanceof Clock c) {
            clock = c;
        }
    }

    @Override
    public byte[] process(Map.Entry<String, PoolState> entry) {
        PoolState pool = entry.getValue();
        if (pool == null) {
            if (!op.creates()) {
                return backup ? null : encode(op, op.absent());
            }
            pool = PoolState.create(entry.getKey(), config);
        }
        Reached r = null;
        if (!op.readOnly()) {
            r = backup ? reached.get(entry.getKey()) : pool.reach(clock.millis(), config);
            if (r == null) {
                throw new IllegalStateException("backup of " + entry.getKey() + " without its owner's decision");
            }
            if (!backup) {
                reached.put(entry.getKey(), r);
            }
        }
        Object result = PoolOps.apply(pool, config, op, r);
        if (!op.readOnly()) {
            entry.setValue(pool);
        }
        return backup ? null : encode(op, result);
    }

    @SuppressWarnings("unchecked")
    private static <R> byte[] encode(PoolOp<R> op, Object result) {
        return Wire.encode(out -> op.result().write(out, (R) result));
    }

    @Override
    public EntryProcessor<String, PoolState, byte[]> getBackupProcessor() {
        if (op.readOnly()) {
            return null;
        }
        PoolProcessor b = new PoolProcessor(config, op, true);
        b.reached = new TreeMap<>(reached);
        return b;
    }

    /** The decision made for a key on the owner (tests). */
    Reached reached(String key) {
        return reached.get(key);
    }

    @Override
    public int getFactoryId() {
        return Serialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Serialization.POOL_PROCESSOR;
    }

    /** A read-only operation: Hazelcast may run it without the write path (no backup, no events). */
    static final class Reader extends PoolProcessor implements com.hazelcast.core.ReadOnly {
        Reader() {
        }

        Reader(PoolConfig config, PoolOp<?> op) {
            super(config, op, false);
        }

        @Override
        public int getClassId() {
            return Serialization.POOL_READER;
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        WireOut w = new WireOut(out);
        w.bool(backup);
        PoolConfig.write(w, config);
        PoolOps.write(w, op);
        w.i32(reached.size());
        new TreeMap<>(reached).forEach((key, r) -> {
            w.str(key);
            Reached.write(w, r);
        });
    }

    @Override
    public void readData(ObjectDataInput in) {
        WireIn r = new WireIn(in);
        backup = r.bool();
        config = PoolConfig.read(r);
        op = PoolOps.read(r);
        int n = r.length();
        for (int i = 0; i < n; i++) {
            reached.put(r.str(), Reached.read(r));
        }
    }
}
