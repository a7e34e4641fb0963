package io.commandcenter.scheduler.wire;

import java.io.DataInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads what {@link WireOut} wrote, in the same order. Fails with {@link UncheckedIOException} on truncated input. */
public final class WireIn {
    /** Upper bound of any length prefix, so corrupt input fails fast instead of allocating. */
    private static final int MAX_LENGTH = 64 * 1024 * 1024;

    private final DataInput in;

    public WireIn(DataInput in) {
        this.in = in;
    }

    public boolean bool() {
        try {
            return in.readBoolean();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int i32() {
        try {
            return in.readInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long i64() {
        try {
            return in.readLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public double f64() {
        try {
            return in.readDouble();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String str() {
        try {
            int length = in.readInt();
            if (length == -1) {
                return null;
            }
            checkLength(length);
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> strings() {
        int n = length();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(str());
        }
        return values;
    }

    /** A map in the order written. */
    public Map<String, String> stringMap() {
        int n = length();
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            values.put(str(), str());
        }
        return values;
    }

    public <T> List<T> list(Reader<T> reader) {
        int n = length();
        List<T> items = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            items.add(reader.read(this));
        }
        return items;
    }

    public <T> T optional(Reader<T> reader) {
        return bool() ? reader.read(this) : null;
    }

    /** A collection size. */
    public int length() {
        int n = i32();
        checkLength(n);
        return n;
    }

    private static void checkLength(int n) {
        if (n < 0 || n > MAX_LENGTH) {
            throw new UncheckedIOException(new IOException("corrupt input: length " + n));
        }
    }

    /** Reads one item. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(WireIn in);
    }
}
