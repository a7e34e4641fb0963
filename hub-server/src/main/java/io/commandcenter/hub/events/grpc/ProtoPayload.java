package io.commandcenter.hub.events.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.hub.events.Payload;

import java.util.function.Supplier;

/**
 * An event payload that is a protobuf message. JSON (for SSE) and {@link Struct} (for gRPC
 * subscribers) are rendered on first use and shared by every subscriber of the event; an event
 * nobody receives is never rendered.
 */
public final class ProtoPayload implements Payload {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final String type;
    private final Object domain;
    private final Supplier<? extends Message> source;
    private final Supplier<Struct> structSource;
    private volatile Message message;
    private volatile String json;
    private volatile Struct struct;

    public ProtoPayload(Message message) {
        this.type = message.getDescriptorForType().getFullName();
        this.domain = null;
        this.source = () -> message;
        this.structSource = null;
        this.message = message;
    }

    /**
     * A payload made from a domain object, whose message is built only when someone reads it.
     *
     * @param type   the full name of the message the source builds
     * @param domain the domain object, handed to in-process consumers as is ({@link #as})
     */
    public ProtoPayload(String type, Object domain, Supplier<? extends Message> source) {
        this(type, domain, source, null);
    }

    private ProtoPayload(String type, Object domain, Supplier<? extends Message> source, Supplier<Struct> structSource) {
        this.type = type;
        this.domain = domain;
        this.source = source;
        this.structSource = structSource;
    }

    /**
     * A stored health sample's payload. Its {@link Struct}, what every gRPC subscriber of
     * {@code hub.health.*} receives, is built from the record's fields directly, equal to the
     * message's JSON mapping ({@code ProtoStructsTest}) without building the message and walking its
     * descriptor: health samples are most of the events a hub publishes.
     */
    public static ProtoPayload healthSample(io.commandcenter.hub.telemetry.HealthSampleRecord record,
                                            Supplier<? extends Message> source) {
        return new ProtoPayload(io.commandcenter.proto.v1.HealthSample.getDescriptor().getFullName(), record, source,
                () -> ProtoStructs.healthSample(record));
    }

    @Override
    public <T> java.util.Optional<T> as(Class<T> wanted) {
        return wanted.isInstance(domain) ? java.util.Optional.of(wanted.cast(domain)) : java.util.Optional.empty();
    }

    /** The message (built on first call). */
    public Message message() {
        Message built = message;
        if (built == null) {
            built = source.get();
            message = built;
        }
        return built;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String toJson() {
        String rendered = json;
        if (rendered == null) {
            rendered = ProtoJson.print(message());
            json = rendered;
        }
        return rendered;
    }

    /** The payload as a Struct (its JSON mapping), built from the message without a JSON round trip. */
    public Struct toStruct() {
        Struct rendered = struct;
        if (rendered == null) {
            rendered = structSource != null ? structSource.get() : ProtoStructs.toStruct(message());
            struct = rendered;
        }
        return rendered;
    }

    /** Any payload as a Struct. */
    public static Struct structOf(Payload payload) {
        return payload instanceof ProtoPayload p ? p.toStruct() : structOf(payload.toJson());
    }

    private static Struct structOf(String json) {
        Struct.Builder builder = Struct.newBuilder();
        try {
            PARSER.merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("payload is not a JSON object: " + e.getMessage(), e);
        }
        return builder.build();
    }
}
