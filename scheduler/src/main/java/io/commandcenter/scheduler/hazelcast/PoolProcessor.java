package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOp;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.PoolState;
import io.commandcenter.scheduler.wire.Wire;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Map;

/**
 * Runs one {@link PoolOp} on the partition thread that owns the pool, on the pool object itself
 * (the map keeps values as objects: nothing is serialized per operation), and again on each backup
 * replica (the same operation applied to the backup's copy — operations are deterministic, so the
 * copies stay identical). Answers the operation's result encoded, so one processor class serves
 * every operation. Read-only operations get no backup pass.
 */
class PoolProcessor implements EntryProcessor<String, PoolState, byte[]>, IdentifiedDataSerializable {
    private PoolConfig config;
    private PoolOp<?> op;
    private boolean backup;

    PoolProcessor() {
    }

    PoolProcessor(PoolConfig config, PoolOp<?> op, boolean backup) {
        this.config = config;
        this.op = op;
        this.backup = backup;
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
        Object result = op.apply(pool, config);
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
        return op.readOnly() ? null : new PoolProcessor(config, op, true);
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
    }

    @Override
    public void readData(ObjectDataInput in) {
        WireIn r = new WireIn(in);
        backup = r.bool();
        config = PoolConfig.read(r);
        op = PoolOps.read(r);
    }
}
