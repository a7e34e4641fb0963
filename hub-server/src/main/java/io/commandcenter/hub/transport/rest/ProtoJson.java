package io.commandcenter.hub.transport.rest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.commandcenter.hub.error.HubException;

/**
 * REST bodies and answers are the gRPC messages in the protobuf JSON mapping, so a script and a
 * gRPC client read the same fields: one parser (a bad body is INVALID_ARGUMENT on {@code body}) and
 * one compact printer for every resource.
 */
public final class ProtoJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private ProtoJson() {
    }

    /** Merges a JSON body (empty or absent = no fields) into {@code builder}. */
    public static <B extends Message.Builder> B parse(String body, B builder) {
        try {
            PARSER.merge(body == null || body.isBlank() ? "{}" : body, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw HubException.invalid("BAD_JSON", "body", "the body is not a "
                    + builder.getDescriptorForType().getName() + " in JSON: " + e.getMessage());
        }
    }

    public static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
