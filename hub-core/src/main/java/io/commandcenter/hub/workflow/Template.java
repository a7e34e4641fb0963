package io.commandcenter.hub.workflow;

import io.commandcenter.common.error.CommandCenterException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text with references to run values: {@code $root.path} or {@code ${root.path}}, where the path
 * is names ({@code [A-Za-z0-9_]}, the first starting with a letter or {@code _}) separated by dots;
 * inside braces a name may also hold {@code -} (for node ids like {@code restart-service}).
 * {@code $$} is a literal {@code $}. A bare reference ends at the first character that cannot
 * continue it, so in {@code "$entity.id."} the last dot is text.
 *
 * <p>Rendering only substitutes values: nothing is evaluated, called or executed, and the
 * rendered inputs are data for an agent, never passed through a shell. Anything that looks like
 * evaluation is refused when the template is parsed: {@code $(...)}, {@code $`...`},
 * {@code ${T(java.lang.Runtime)}}, brackets or calls after a reference ({@code $entity.id(}),
 * names starting with {@code __}. Text after a valid reference ({@code $entity.id;rm -rf /}) stays
 * text. Which roots and fields exist is checked by the workflow parser, not here.
 */
public final class Template {
    /** Longest template accepted. */
    public static final int MAX_LENGTH = 4096;

    private final String source;
    private final List<Object> parts; // String (text) or Reference

    private Template(String source, List<Object> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /** A reference: the dotted path of a run value, e.g. {@code [entity, id]}. */
    public record Reference(List<String> path) {
        public Reference {
            path = List.copyOf(path);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("empty reference");
            }
        }

        public String root() {
            return path.get(0);
        }

        /** {@code entity.id}. */
        public String dotted() {
            return String.join(".", path);
        }

        @Override
        public String toString() {
            return "$" + dotted();
        }
    }

    /**
     * Parses a template.
     *
     * @throws CommandCenterException INVALID ({@code TEMPLATE_INVALID}, field {@code template}) naming the
     *         character position of the first problem
     */
    public static Template parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_LENGTH) {
            throw invalid(0, "is longer than " + MAX_LENGTH + " characters");
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            int end;
            Reference reference;
            if (next == '$') {
                literal.append('$');
                i += 2;
                continue;
            } else if (next == '{') {
                end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw invalid(i, "'${' has no closing '}'");
                }
                reference = braced(text.substring(i + 2, end), i);
                end++;
            } else if (isStart(next)) {
                end = bareEnd(text, i + 1);
                reference = new Reference(List.of(text.substring(i + 1, end).split("\\.")));
                if (end < text.length() && (text.charAt(end) == '(' || text.charAt(end) == '[')) {
                    throw invalid(end, "'" + text.charAt(end) + "' after $" + reference.dotted()
                            + ": calls and brackets are not allowed, a reference only names a value");
                }
            } else if (next == '(') {
                throw invalid(i, "'$(' is not allowed: templates only substitute values, they run nothing");
            } else if (next == '`') {
                throw invalid(i, "'$`' is not allowed: templates only substitute values, they run nothing");
            } else {
                throw invalid(i, "'$' must start a reference such as $entity.id or ${entity.id}; write $$ for a literal $");
            }
            for (String name : reference.path()) {
                if (name.startsWith("__")) {
                    throw invalid(i, "'" + name + "' in $" + reference.dotted() + ": names starting with __ are not allowed");
                }
            }
            if (!literal.isEmpty()) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(reference);
            i = end;
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return new Template(text, parts);
    }

    /**
     * Whether the template starts with {@code $workflow.name} (or {@code ${workflow.name}}) followed by
     * text whose first character cannot be part of a workflow's name ({@code :}, {@code /}): a key
     * that does is already told apart from every other workflow's.
     */
    boolean startsWithWorkflowName() {
        return parts.size() >= 2 && parts.get(0).equals(new Reference(List.of("workflow", "name")))
                && parts.get(1) instanceof String text && !WorkflowGrammar.NAME_FORM.matcher("a" + text.charAt(0)).matches();
    }

    /** {@code prefix} followed by this template: its parts, then these (no length limit: both were parsed). */
    Template after(Template prefix) {
        List<Object> joined = new ArrayList<>(prefix.parts);
        joined.addAll(parts);
        return new Template(prefix.source + source, joined);
    }

    /** The text as written. */
    public String source() {
        return source;
    }

    /** The references, in order of appearance (repeats included). */
    public List<Reference> references() {
        List<Reference> out = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof Reference r) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The text with every reference replaced by its value, as data (no escaping, no evaluation).
     *
     * @throws CommandCenterException INVALID ({@code TEMPLATE_UNRESOLVED}, field = the path) when a value is missing
     */
    public String render(Bindings bindings) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Reference r) {
                out.append(bindings.lookup(r.dotted()).orElseThrow(() -> CommandCenterException.invalid("TEMPLATE_UNRESOLVED",
                        r.dotted(), "no value for " + r + " in template '" + YamlReader.abbreviate(source) + "'")));
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    private static Reference braced(String inner, int at) {
        String[] names = inner.split("\\.", -1);
        boolean valid = !inner.isEmpty() && isStart(inner.charAt(0));
        for (String name : names) {
            valid &= !name.isEmpty() && name.chars().allMatch(ch -> isPart(ch) || ch == '-');
        }
        if (!valid) {
            throw invalid(at, "'${" + YamlReader.abbreviate(inner) + "}' is not a reference: only names separated by dots, "
                    + "such as ${entity.id}, are allowed (no calls, operators, brackets or spaces)");
        }
        return new Reference(List.of(names));
    }

    private static int bareEnd(String text, int from) {
        int i = from;
        while (true) {
            while (i < text.length() && isPart(text.charAt(i))) {
                i++;
            }
            if (i + 1 < text.length() && text.charAt(i) == '.' && isPart(text.charAt(i + 1))) {
                i++;
            } else {
                return i;
            }
        }
    }

    private static boolean isStart(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isPart(int c) {
        return isStart(c) || (c >= '0' && c <= '9');
    }

    private static CommandCenterException invalid(int at, String message) {
        return CommandCenterException.invalid("TEMPLATE_INVALID", "template", "at character " + (at + 1) + ": " + message);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Template that && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
