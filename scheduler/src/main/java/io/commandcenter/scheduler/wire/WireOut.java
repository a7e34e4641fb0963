package io.commandcenter.scheduler.wire;

import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the scheduler's state, commands and results in a compact binary form over any
 * {@link DataOutput} (a byte array here, Hazelcast's {@code ObjectDataOutput} in the adapter).
 * Plain Java, so the pure packages own their encoding; {@link WireIn} reads it back. Strings are
 * length-prefixed UTF-8 and may be null; collections are written in their iteration order, which
 * callers keep deterministic (sorted maps), because replicas must decode to identical state.
 */
public final class WireOut {
    private final DataOutput out;

    public WireOut(DataOutput out) {
        this.out = out;
    }

    public WireOut bool(boolean value) {
        try {
            out.writeBoolean(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public WireOut i32(int value) {
        try {
            out.writeInt(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public WireOut i64(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public WireOut f64(double value) {
        try {
            out.writeDouble(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A string that may be null. */
    public WireOut str(String value) {
        try {
            if (value == null) {
                out.writeInt(-1);
                return this;
            }
            byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public WireOut strings(Collection<String> values) {
        i32(values.size());
        for (String value : values) {
            str(value);
        }
        return this;
    }

    public WireOut stringMap(Map<String, String> values) {
        i32(values.size());
        for (Map.Entry<String, String> entry : values.entrySet()) {
            str(entry.getKey());
            str(entry.getValue());
        }
        return this;
    }

    /** A collection of items, each written by {@code writer}. */
    public <T> WireOut list(Collection<T> items, Writer<T> writer) {
        i32(items.size());
        for (T item : items) {
            writer.write(this, item);
        }
        return this;
    }

    /** An item that may be null. */
    public <T> WireOut optional(T item, Writer<T> writer) {
        bool(item != null);
        if (item != null) {
            writer.write(this, item);
        }
        return this;
    }

    /** Writes one item. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(WireOut out, T item);
    }
}
