package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import io.commandcenter.scheduler.pool.PoolCodec;
import io.commandcenter.scheduler.pool.PoolState;
import io.commandcenter.scheduler.state.IdempotencyRecord;
import io.commandcenter.scheduler.targets.TargetGate;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Registers the scheduler's types with Hazelcast: the stored values through serializers over the
 * pure codecs ({@link PoolCodec} etc.), the entry processors as {@code IdentifiedDataSerializable}.
 * Members and clients must register the same (they do: both configs come from {@link Configs}).
 * No Java serialization anywhere.
 */
final class Serialization {
    static final int FACTORY_ID = 7100;
    static final int POOL_PROCESSOR = 1;
    static final int GATE_PROCESSOR = 2;
    static final int POOL_READER = 3;
    /**
     * The version of what members send each other (pool encoding, processors) and of how they apply it.
     * Raised with every change members of the earlier version cannot read, and with every change to
     * what an operation does to a pool: backups re-run each operation with their own code (only the
     * owner's apply time and move travel), so replicas of two versions would diverge. Members announce
     * it in the {@value #WIRE_ATTRIBUTE} attribute, and a starting hub refuses a cluster that speaks
     * another ({@link HazelcastCluster#start}). 2: pools remember when they were last reached,
     * processors carry the owner's decision to their backups (guide 14.15). 3: which leases a pause
     * moves, counting what moved since the agent was heard (same encoding; guide 14.17). 4: a load report
     * carries the owner and project it must match (guide 16.2). 5: a heartbeat that finds its lease run out
     * reports it and leaves the expiry to the sweep, and the sweep drops old dispatch memos (same encoding;
     * guide 14.22).
     */
    static final int WIRE_VERSION = 5;
    static final String WIRE_ATTRIBUTE = "cc.scheduler.wire";

    private Serialization() {
    }

    static void register(SerializationConfig config) {
        codec(config, PoolState.class, 7101, PoolCodec::write, PoolCodec::read);
        codec(config, TargetGate.class, 7102, TargetGate::write, TargetGate::read);
        codec(config, IdempotencyRecord.class, 7103, IdempotencyRecord::write, IdempotencyRecord::read);
        config.addDataSerializableFactory(FACTORY_ID, classId -> switch (classId) {
            case POOL_PROCESSOR -> new PoolProcessor();
            case GATE_PROCESSOR -> new GateProcessor();
            case POOL_READER -> new PoolProcessor.Reader();
            default -> null;
        });
    }

    /** Registers a stream serializer of {@code type} over its pure codec. */
    private static <T> void codec(SerializationConfig config, Class<T> type, int typeId,
                                  BiConsumer<WireOut, T> writer, Function<WireIn, T> reader) {
        config.addSerializerConfig(new SerializerConfig().setTypeClass(type).setImplementation(new StreamSerializer<T>() {
            @Override
            public int getTypeId() {
                return typeId;
            }

            @Override
            public void write(ObjectDataOutput out, T value) {
                writer.accept(new WireOut(out), value);
            }

            @Override
            public T read(ObjectDataInput in) {
                return reader.apply(new WireIn(in));
            }
        }));
    }
}
