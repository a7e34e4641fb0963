package io.commandcenter.common.error;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a transport shows of an error: the same error, bounded, so an answer always fits what
 * clients accept (a standard gRPC client takes 8 KiB of trailers) however much input the error
 * echoes. Texts are cut to a number of UTF-8 bytes with an ellipsis, control and bidirectional
 * formatting characters are escaped ({@code \u001b}), at most {@value #MAX_VIOLATIONS} violations
 * are listed (within {@value #MAX_VIOLATION_BYTES} bytes) and the rest counted in {@code omitted}.
 *
 * @param message    the error's message, at most {@value #MAX_MESSAGE_BYTES} bytes
 * @param violations the first violations, each text at most {@value #MAX_TEXT_BYTES} bytes
 * @param omitted    how many violations are not listed
 * @param metadata   the error's metadata, each value at most {@value #MAX_TEXT_BYTES} bytes
 */
public record ShownError(String message, List<FieldViolation> violations, int omitted, Map<String, String> metadata) {
    public static final int MAX_MESSAGE_BYTES = 512;
    public static final int MAX_TEXT_BYTES = 200;
    public static final int MAX_VIOLATIONS = 20;
    public static final int MAX_VIOLATION_BYTES = 1536;
    private static final int MAX_METADATA = 16;
    private static final String ELLIPSIS = "…";

    public ShownError {
        violations = List.copyOf(violations);
        metadata = Map.copyOf(metadata);
    }

    /** The bounded form of {@code e}. */
    public static ShownError of(CommandCenterException e) {
        List<FieldViolation> shown = new ArrayList<>();
        int bytes = 0;
        for (FieldViolation v : e.violations()) {
            FieldViolation cut = new FieldViolation(text(v.field(), MAX_TEXT_BYTES), text(v.reason(), 64),
                    text(v.message(), MAX_TEXT_BYTES));
            int size = utf8(cut.field()) + utf8(cut.reason()) + utf8(cut.message()) + 8;
            if (shown.size() == MAX_VIOLATIONS || bytes + size > MAX_VIOLATION_BYTES) {
                break;
            }
            shown.add(cut);
            bytes += size;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        e.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(MAX_METADATA)
                .forEach(m -> metadata.put(text(m.getKey(), 64), text(m.getValue(), MAX_TEXT_BYTES)));
        return new ShownError(text(e.getMessage(), MAX_MESSAGE_BYTES), shown, e.violations().size() - shown.size(),
                metadata);
    }

    /**
     * {@code value} safe to show: control and bidirectional formatting characters escaped, then cut to
     * at most {@code maxBytes} UTF-8 bytes (ending in an ellipsis when cut, never inside a character).
     */
    public static String text(String value, int maxBytes) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), maxBytes) + 8);
        int bytes = 0;
        int limit = maxBytes - utf8(ELLIPSIS);
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String piece = isUnsafe(cp) ? String.format("\\u%04x", cp) : new String(Character.toChars(cp));
            int size = utf8(piece);
            if (bytes + size > limit && remainingBytes(value, i) + bytes > maxBytes) {
                return out.append(ELLIPSIS).toString();
            }
            out.append(piece);
            bytes += size;
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** Bytes the rest of {@code value} from {@code from} takes, as shown (escapes counted). */
    private static int remainingBytes(String value, int from) {
        int bytes = 0;
        for (int i = from; i < value.length(); ) {
            int cp = value.codePointAt(i);
            bytes += isUnsafe(cp) ? 6 : utf8(new String(Character.toChars(cp)));
            i += Character.charCount(cp);
        }
        return bytes;
    }

    private static boolean isUnsafe(int cp) {
        return Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F || cp == 0xFEFF
                || Character.getType(cp) == Character.SURROGATE;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
