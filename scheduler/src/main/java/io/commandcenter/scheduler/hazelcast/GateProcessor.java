package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.commandcenter.scheduler.targets.GateOp;
import io.commandcenter.scheduler.targets.TargetGate;
import io.commandcenter.scheduler.wire.Wire;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.Map;

/** Runs one {@link GateOp} on the partition that owns the target's gate (and on its backups); deletes an emptied gate. */
final class GateProcessor implements EntryProcessor<String, TargetGate, byte[]>, IdentifiedDataSerializable {
    private GateOp op;
    private boolean backup;

    GateProcessor() {
    }

    GateProcessor(GateOp op, boolean backup) {
        this.op = op;
        this.backup = backup;
    }

    @Override
    public byte[] process(Map.Entry<String, TargetGate> entry) {
        TargetGate gate = entry.getValue() == null ? new TargetGate() : entry.getValue();
        GateOp.Result result = op.apply(gate);
        entry.setValue(gate.isEmpty() ? null : gate);
        return backup ? null : Wire.encode(out -> GateOp.Result.write(out, result));
    }

    @Override
    public EntryProcessor<String, TargetGate, byte[]> getBackupProcessor() {
        return new GateProcessor(op, true);
    }

    @Override
    public int getFactoryId() {
        return Serialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Serialization.GATE_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        WireOut w = new WireOut(out);
        w.bool(backup);
        GateOp.write(w, op);
    }

    @Override
    public void readData(ObjectDataInput in) {
        WireIn r = new WireIn(in);
        backup = r.bool();
        op = GateOp.read(r);
    }
}
