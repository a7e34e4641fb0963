package io.commandcenter.scheduler.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.function.Consumer;
import java.util.function.Function;

/** Byte-array helpers over {@link WireOut} and {@link WireIn}. */
public final class Wire {
    private Wire() {
    }

    /** The bytes {@code writer} produces. */
    public static byte[] encode(Consumer<WireOut> writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        writer.accept(new WireOut(new DataOutputStream(bytes)));
        return bytes.toByteArray();
    }

    /** What {@code reader} makes of the bytes. */
    public static <T> T decode(byte[] bytes, Function<WireIn, T> reader) {
        return reader.apply(new WireIn(new DataInputStream(new ByteArrayInputStream(bytes))));
    }
}
