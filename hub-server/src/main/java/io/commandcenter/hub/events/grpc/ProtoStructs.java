package io.commandcenter.hub.events.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.ListValue;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Converts a message straight into a {@link Struct} holding its protobuf JSON mapping
 * (lowerCamelCase names, 64-bit integers as strings, enums by name, timestamps and durations as
 * strings, every field with its default as {@code ProtoJson} prints them), without printing and re-parsing JSON: event payloads are
 * converted once per event, on the hot path of every subscriber.
 */
final class ProtoStructs {
    private ProtoStructs() {
    }

    static Struct toStruct(Message message) {
        Struct.Builder struct = Struct.newBuilder();
        for (FieldDescriptor descriptor : message.getDescriptorForType().getFields()) {
            // every field, defaults included, but what has presence only when it is set (as ProtoJson)
            if (!descriptor.isRepeated() && descriptor.hasPresence() && !message.hasField(descriptor)) {
                continue;
            }
            struct.putFields(descriptor.getJsonName(), fieldValue(descriptor, message.getField(descriptor)));
        }
        return struct.build();
    }

    /**
     * A health sample's JSON mapping straight from the stored record: what {@link #toStruct} gives
     * for the {@code HealthSample} the record maps to (the optional measurements only when present).
     */
    static Struct healthSample(io.commandcenter.hub.telemetry.HealthSampleRecord r) {
        Struct.Builder struct = Struct.newBuilder()
                .putFields("recordId", string(r.recordId()))
                .putFields("service", string(r.service()))
                .putFields("time", string(timestamp(Timestamp.newBuilder().setSeconds(r.time().getEpochSecond())
                        .setNanos(r.time().getNano()).build())));
        optional(struct, "uptime", r.uptime());
        optional(struct, "latencyMs", r.latencyMs());
        optional(struct, "errorRate", r.errorRate());
        optional(struct, "cpu", r.cpu());
        optional(struct, "memory", r.memory());
        Struct.Builder metrics = Struct.newBuilder();
        r.metrics().forEach((name, value) -> metrics.putFields(name, number(value)));
        return struct.putFields("metrics", Value.newBuilder().setStructValue(metrics).build()).build();
    }

    private static void optional(Struct.Builder struct, String name, Double value) {
        if (value != null) {
            struct.putFields(name, number(value));
        }
    }

    private static Value fieldValue(FieldDescriptor descriptor, Object value) {
        if (descriptor.isMapField()) {
            Struct.Builder map = Struct.newBuilder();
            FieldDescriptor valueField = descriptor.getMessageType().findFieldByName("value");
            for (Object entry : (List<?>) value) {
                MapEntry<?, ?> e = (MapEntry<?, ?>) entry;
                map.putFields(String.valueOf(e.getKey()), single(valueField, e.getValue()));
            }
            return Value.newBuilder().setStructValue(map).build();
        }
        if (descriptor.isRepeated()) {
            ListValue.Builder list = ListValue.newBuilder();
            for (Object element : (List<?>) value) {
                list.addValues(single(descriptor, element));
            }
            return Value.newBuilder().setListValue(list).build();
        }
        return single(descriptor, value);
    }

    private static Value single(FieldDescriptor descriptor, Object value) {
        return switch (descriptor.getJavaType()) {
            case INT -> number(((Integer) value).doubleValue());
            case FLOAT -> number(((Float) value).doubleValue());
            case DOUBLE -> number((Double) value);
            case LONG -> string(descriptor.getType() == FieldDescriptor.Type.UINT64
                    || descriptor.getType() == FieldDescriptor.Type.FIXED64
                    ? Long.toUnsignedString((Long) value) : Long.toString((Long) value));
            case BOOLEAN -> Value.newBuilder().setBoolValue((Boolean) value).build();
            case STRING -> string((String) value);
            case BYTE_STRING -> string(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> string(((EnumValueDescriptor) value).getName());
            case MESSAGE -> message((Message) value);
        };
    }

    private static Value message(Message value) {
        if (value instanceof Timestamp t) {
            return string(timestamp(t));
        }
        if (value instanceof Duration d) {
            return string(Durations.toString(d));
        }
        if (value instanceof Struct s) {
            return Value.newBuilder().setStructValue(s).build();
        }
        if (value instanceof Value v) {
            return v;
        }
        return Value.newBuilder().setStructValue(toStruct(value)).build();
    }

    /**
     * A timestamp as the JSON mapping prints it (RFC 3339, UTC, 0, 3, 6 or 9 fraction digits), which for
     * the mapping's valid range is what {@link java.time.Instant#toString()} prints. {@link Timestamps#toString}
     * formats the fraction with {@code String.format}, a formatter and its locale symbols for every
     * event of every subscriber; it stays the path for what is out of range (it refuses it as before).
     */
    static String timestamp(Timestamp t) {
        if (!Timestamps.isValid(t)) {
            return Timestamps.toString(t);
        }
        return java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
    }

    private static Value number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            // JSON has no NaN or infinity; the mapping writes them as strings
            return string(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
        return Value.newBuilder().setNumberValue(value).build();
    }

    private static Value string(String value) {
        return Value.newBuilder().setStringValue(value).build();
    }
}
