package io.commandcenter.cli.command;

import com.google.protobuf.Timestamp;
import io.commandcenter.proto.v1.EntityRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Parsing of the remediation and scheduling commands' options, and the bits of their output they share. */
final class Text {
    private Text() {
    }

    /** A time to the second, or {@code -} when unset. */
    static String time(Timestamp t) {
        return isSet(t) ? Instant.ofEpochSecond(t.getSeconds()).toString() : "-";
    }

    static boolean isSet(Timestamp t) {
        return t.getSeconds() != 0 || t.getNanos() != 0;
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** {@code kind/id}, or {@code -} when there is no entity. */
    static String entity(EntityRef ref) {
        return ref.getId().isEmpty() ? "-" : ref.getKind() + "/" + ref.getId();
    }

    static String orDash(String text) {
        return text == null || text.isEmpty() ? "-" : text;
    }

    /** At most {@code max} characters, the cut marked with an ellipsis. */
    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** A span as {@code 45s}, {@code 12m}, {@code 3h}, {@code 2d}. */
    static String span(Duration d) {
        long s = Math.abs(d.getSeconds());
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s < 172_800 ? s / 3600 + "h" : s / 86_400 + "d";
    }

    /**
     * {@code kind:id}, e.g. {@code service:checkout-api}.
     *
     * @throws IllegalArgumentException naming the option when the text is not of that form
     */
    static EntityRef target(String text, String option) {
        Entity e = entity(text, option);
        if (e.kind() == null) {
            throw new IllegalArgumentException(option + " must be kind/id (or kind:id), e.g. service/checkout-api; got '"
                    + text + "'");
        }
        return e.ref();
    }

    /**
     * An entity as a person writes it: {@code kind/id} as every listing prints it ({@link #entity(EntityRef)}),
     * {@code kind:id}, or a bare {@code id} (kind {@code null}: any kind).
     */
    record Entity(String kind, String id) {
        EntityRef ref() {
            return EntityRef.newBuilder().setKind(kind == null ? "" : kind).setId(id).build();
        }

        /** Whether {@code ref} is this entity (any kind, for a bare id). */
        boolean matches(EntityRef ref) {
            return ref.getId().equals(id) && (kind == null || ref.getKind().equals(kind));
        }
    }

    /**
     * Parses {@link Entity}'s forms: the kind is what comes before the first {@code /} or {@code :}.
     *
     * @throws IllegalArgumentException naming the option when a part is empty or the text has white space
     */
    static Entity entity(String text, String option) {
        int slash = text.indexOf('/');
        int colon = text.indexOf(':');
        int at = slash < 0 || colon < 0 ? Math.max(slash, colon) : Math.min(slash, colon);
        if (text.isEmpty() || at == 0 || at == text.length() - 1 || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(option + " must be an entity: kind/id (service/checkout-api), kind:id or an id"
                    + "; got '" + text + "'");
        }
        return at < 0 ? new Entity(null, text) : new Entity(text.substring(0, at), text.substring(at + 1));
    }

    /**
     * {@code key=value} items, in order; a later key replaces an earlier one.
     *
     * @throws IllegalArgumentException naming the option when an item has no {@code =} or no key
     */
    static Map<String, String> pairs(List<String> items, String option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(option + " must be key=value, e.g. " + option
                        + " service=checkout-api; got '" + item + "'");
            }
            out.put(item.substring(0, eq), item.substring(eq + 1));
        }
        return out;
    }

    /**
     * A constant of a protobuf enum named by its short name, in any case: {@code running} for
     * {@code RUN_STATE_RUNNING}.
     *
     * @throws IllegalArgumentException naming the option and the values it takes
     */
    static <E extends Enum<E>> E constant(Class<E> type, String prefix, String text, String option) {
        String wanted = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (usable(e, prefix) && (e.name().equals(wanted) || e.name().equals(prefix + wanted))) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + " must be one of " + Arrays.stream(type.getEnumConstants())
                .filter(e -> usable(e, prefix)).map(e -> name(e, prefix)).collect(Collectors.joining(", "))
                + "; got '" + text + "'");
    }

    private static boolean usable(Enum<?> e, String prefix) {
        return e.name().startsWith(prefix) && !e.name().endsWith("_UNSPECIFIED");
    }

    /** A protobuf enum constant without its prefix: {@code SUCCEEDED} for {@code RUN_STATE_SUCCEEDED}. */
    static String name(Enum<?> e, String prefix) {
        return e.name().startsWith(prefix) ? e.name().substring(prefix.length()) : e.name();
    }

    /**
     * A file's text; {@code -} reads the whole of {@code stdin}.
     *
     * @throws IllegalArgumentException when it cannot be read (a bad-input exit)
     */
    static String read(String file, java.io.BufferedReader stdin) {
        try {
            if (file.equals("-")) {
                return stdin.lines().collect(Collectors.joining("\n", "", "\n"));
            }
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file, e);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
