package io.commandcenter.hub.transport.rest;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import io.commandcenter.common.error.CommandCenterException;

import java.util.Locale;

/** Enum query parameters of the REST mirrors: the short name ({@code state=SUCCEEDED}) or the full one. */
public final class EnumParams {
    private EnumParams() {
    }

    /** An enum query parameter by short or full name; anything else is INVALID_ARGUMENT on {@code field}. */
    public static int value(EnumDescriptor type, String prefix, String value, String field) {
        String name = value.trim().toUpperCase(Locale.ROOT);
        EnumValueDescriptor found = type.findValueByName(name.startsWith(prefix) ? name : prefix + name);
        if (found == null || found.getNumber() == 0) {
            throw CommandCenterException.invalid("INVALID_ENUM", field, field + " '" + value + "' is not one of "
                    + type.getValues().stream().filter(v -> v.getNumber() != 0)
                    .map(v -> v.getName().substring(prefix.length())).toList());
        }
        return found.getNumber();
    }
}
