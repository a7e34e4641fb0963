package io.commandcenter.common.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON CommandCenter reads and writes itself (stored run inputs and outputs, agent results,
 * model sidecars), in plain Java so that domain modules need no JSON library.
 *
 * <p>Values are plain Java: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>},
 * {@code String}, {@code Boolean}, {@code null}, and numbers — {@code Long} for integers that fit,
 * {@code Double} otherwise. Writing accepts any {@link Number}, {@code float[]}, {@code double[]} and
 * {@code Iterable}; a non-finite float or double is written as {@code null} (JSON has no NaN).
 * Reading is strict RFC 8259: one value, no comments, no trailing commas, at most
 * {@value #MAX_DEPTH} levels of nesting; a malformed document fails with {@link JsonException}
 * naming the offset.
 */
public final class Json {
    /** Deepest nesting accepted when reading. */
    public static final int MAX_DEPTH = 64;

    private Json() {
    }

    /** {@code value} as compact JSON. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, null).value(value, 0);
        return out.toString();
    }

    /**
     * {@code value} as readable JSON in the layout most JSON tools print: each object member on its
     * own line indented by two spaces per enclosing object, {@code "name" : value}; arrays on one
     * line ({@code [ 1, 2 ]}), objects inside them opening on the same line; empty ones {@code { }}
     * and {@code [ ]}.
     */
    public static String pretty(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, "  ").value(value, 0);
        return out.toString();
    }

    /** A JSON string literal of {@code text}. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2);
        Writer.string(out, text);
        return out.toString();
    }

    /** Parses one JSON document. */
    public static Object parse(String text) {
        Reader reader = new Reader(text);
        reader.skipSpace();
        Object value = reader.value(0);
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw reader.fail("unexpected text after the value");
        }
        return value;
    }

    /** Parses a document that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map<?, ?>)) {
            throw new JsonException("expected a JSON object, found " + typeName(value));
        }
        return (Map<String, Object>) value;
    }

    /** Member {@code name} of {@code object} as a string; fails when it is missing or not a string. */
    public static String string(Map<String, Object> object, String name) {
        return as(object, name, String.class, "a string");
    }

    /** Member {@code name} as a number; fails when it is missing or not a number. */
    public static Number number(Map<String, Object> object, String name) {
        return as(object, name, Number.class, "a number");
    }

    /** Member {@code name} as an array; fails when it is missing or not an array. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Map<String, Object> object, String name) {
        return as(object, name, List.class, "an array");
    }

    /** Member {@code name} as an object; fails when it is missing or not an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> object, String name) {
        return as(object, name, Map.class, "an object");
    }

    /** Member {@code name}, or {@code fallback} when it is missing or null. */
    public static Object optional(Map<String, Object> object, String name, Object fallback) {
        Object value = object.get(name);
        return value == null ? fallback : value;
    }

    private static <T> T as(Map<String, Object> object, String name, Class<T> type, String what) {
        Object value = object.get(name);
        if (!type.isInstance(value)) {
            throw new JsonException("\"" + name + "\" must be " + what + ", found " + typeName(value));
        }
        return type.cast(value);
    }

    /** The JSON type name of a parsed value, for error messages. */
    public static String typeName(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof Map<?, ?>) {
            return "object";
        } else if (value instanceof List<?>) {
            return "array";
        } else if (value instanceof String) {
            return "string";
        } else if (value instanceof Boolean) {
            return "boolean";
        }
        return "number";
    }

    private static final class Writer {
        private final StringBuilder out;
        private final String indent;

        Writer(StringBuilder out, String indent) {
            this.out = out;
            this.indent = indent;
        }

        void value(Object value, int depth) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof String s) {
                string(out, s);
            } else if (value instanceof Boolean b) {
                out.append(b);
            } else if (value instanceof Double d) {
                out.append(Double.isFinite(d) ? d.toString() : "null");
            } else if (value instanceof Float f) {
                out.append(Float.isFinite(f) ? f.toString() : "null");
            } else if (value instanceof Number n) {
                out.append(n instanceof BigDecimal big ? big.toPlainString() : n.toString());
            } else if (value instanceof Map<?, ?> map) {
                object(map, depth);
            } else if (value instanceof float[] floats) {
                List<Object> list = new ArrayList<>(floats.length);
                for (float f : floats) {
                    list.add(f);
                }
                array(list, depth);
            } else if (value instanceof double[] doubles) {
                List<Object> list = new ArrayList<>(doubles.length);
                for (double d : doubles) {
                    list.add(d);
                }
                array(list, depth);
            } else if (value instanceof Iterable<?> items) {
                array(items, depth);
            } else if (value instanceof Enum<?> e) {
                string(out, e.name());
            } else {
                throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
            }
        }

        private void object(Map<?, ?> map, int depth) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(depth + 1);
                string(out, String.valueOf(e.getKey()));
                out.append(indent == null ? ":" : " : ");
                value(e.getValue(), depth + 1);
            }
            if (indent != null) {
                if (first) {
                    out.append(' ');
                } else {
                    newline(depth);
                }
            }
            out.append('}');
        }

        /** Arrays stay on one line when pretty: their objects indent by the enclosing objects only. */
        private void array(Iterable<?> items, int depth) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(',');
                }
                if (indent != null) {
                    out.append(' ');
                }
                first = false;
                value(item, depth);
            }
            if (indent != null) {
                out.append(' ');
            }
            out.append(']');
        }

        private void newline(int depth) {
            if (indent != null) {
                out.append('\n');
                for (int i = 0; i < depth; i++) {
                    out.append(indent);
                }
            }
        }

        static void string(StringBuilder out, String text) {
            out.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail("nested deeper than " + MAX_DEPTH + " levels");
            }
            if (pos >= text.length()) {
                throw fail("unexpected end of the document");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw fail("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> out = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return out;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw fail("expected a member name");
                }
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                if (out.containsKey(name)) {
                    throw fail("duplicate member \"" + name + "\"");
                }
                out.put(name, value(depth + 1));
                skipSpace();
                char c = next();
                if (c == '}') {
                    return out;
                }
                if (c != ',') {
                    pos--;
                    throw fail("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> out = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return out;
            }
            while (true) {
                skipSpace();
                out.add(value(depth + 1));
                skipSpace();
                char c = next();
                if (c == ']') {
                    return out;
                }
                if (c != ',') {
                    pos--;
                    throw fail("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder out = null;
            int start = pos;
            while (true) {
                if (pos >= text.length()) {
                    throw fail("unterminated string");
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    String s = out == null ? text.substring(start, pos) : out.append(text, start, pos).toString();
                    pos++;
                    return s;
                }
                if (c < 0x20) {
                    throw fail("control character in a string");
                }
                if (c != '\\') {
                    pos++;
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder();
                }
                out.append(text, start, pos);
                pos++;
                char e = next();
                switch (e) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw fail("truncated \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw fail("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw fail("bad escape '\\" + e + "'");
                    }
                }
                start = pos;
            }
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw fail("bad number");
            }
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw fail("bad number: digits expected after '.'");
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw fail("bad number: digits expected in the exponent");
                }
                digits();
            }
            String literal = text.substring(start, pos);
            if (integral && literal.length() <= 18) {
                return Long.parseLong(literal);
            }
            if (integral) {
                BigDecimal big = new BigDecimal(literal);
                try {
                    return big.longValueExact();
                } catch (ArithmeticException tooBig) {
                    return big.doubleValue();
                }
            }
            return Double.parseDouble(literal);
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw fail("unexpected literal");
            }
            pos += word.length();
            return value;
        }

        void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private char next() {
            if (pos >= text.length()) {
                throw fail("unexpected end of the document");
            }
            return text.charAt(pos++);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        JsonException fail(String what) {
            return new JsonException(what + " at offset " + pos);
        }
    }
}
