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

    private Serialization() {
    }

    static void register(SerializationConfig config) {
        config.addSerializerConfig(new SerializerConfig().setTypeClass(PoolState.class)
                .setImplementation(new Codec<PoolState>(7101) {
                    @Override
                    void write(WireOut out, PoolState value) {
                        PoolCodec.write(out, value);
                    }

                    @Override
                    PoolState read(WireIn in) {
                        return PoolCodec.read(in);
                    }
                }));
        config.addSerializerConfig(new SerializerConfig().setTypeClass(TargetGate.class)
                .setImplementation(new Codec<TargetGate>(7102) {
                    @Override
                    void write(WireOut out, TargetGate value) {
                        TargetGate.write(out, value);
                    }

                    @Override
                    TargetGate read(WireIn in) {
                        return TargetGate.read(in);
                    }
                }));
        config.addSerializerConfig(new SerializerConfig().setTypeClass(IdempotencyRecord.class)
                .setImplementation(new Codec<IdempotencyRecord>(7103) {
                    @Override
                    void write(WireOut out, IdempotencyRecord value) {
                        IdempotencyRecord.write(out, value);
                    }

                    @Override
                    IdempotencyRecord read(WireIn in) {
                        return IdempotencyRecord.read(in);
                    }
                }));
        config.addDataSerializableFactory(FACTORY_ID, classId -> switch (classId) {
            case POOL_PROCESSOR -> new PoolProcessor();
            case GATE_PROCESSOR -> new GateProcessor();
            case POOL_READER -> new PoolProcessor.Reader();
            default -> null;
        });
    }

    /** A stream serializer over a pure codec. */
    private abstract static class Codec<T> implements StreamSerializer<T> {
        private final int typeId;

        Codec(int typeId) {
            this.typeId = typeId;
        }

        abstract void write(WireOut out, T value);

        abstract T read(WireIn in);

        @Override
        public int getTypeId() {
            return typeId;
        }

        @Override
        public void write(ObjectDataOutput out, T value) {
            write(new WireOut(out), value);
        }

        @Override
        public T read(ObjectDataInput in) {
            return read(new WireIn(in));
        }
    }
}
