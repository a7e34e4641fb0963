package io.commandcenter.common.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.commandcenter.common.error.CommandCenterException;

/**
 * The protobuf JSON mapping as CommandCenter prints and reads it, for the hub's REST answers and
 * event streams and the CLI's {@code --json} alike, so a script reads the same fields from every
 * one of them and from gRPC.
 *
 * <p>Every field is printed, zeros, empty strings and empty lists included: a script can tell "0"
 * from "not there". Only what has presence in the contract — an unset message field, an unset
 * {@code optional} scalar, the unchosen members of a {@code oneof} — is left out, because there
 * "not there" is the answer.
 */
public final class ProtoJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().includingDefaultValueFields()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private ProtoJson() {
    }

    /** {@code message} as compact JSON with every field. */
    public static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            // only an Any holding an unknown type fails, and the contracts hold none
            throw new IllegalStateException(e);
        }
    }

    /**
     * Merges a JSON document (blank = no fields) into {@code builder}.
     *
     * @param field where the document came from, named in the error (e.g. {@code body})
     * @throws CommandCenterException INVALID ({@code BAD_JSON}) naming {@code field} when the text is
     *         not that message in JSON
     */
    public static <B extends Message.Builder> B parse(String json, B builder, String field) {
        try {
            PARSER.merge(json == null || json.isBlank() ? "{}" : json, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw CommandCenterException.invalid("BAD_JSON", field, "the " + field + " is not a "
                    + builder.getDescriptorForType().getName() + " in JSON: " + e.getMessage());
        }
    }
}
