package io.commandcenter.hub.agents;

import java.util.regex.Pattern;

/**
 * The one gate every value crosses before it reaches a command line, a URL path or a file name:
 * entity ids and names are letters, digits and {@code . _ : -}, at most 128, not starting with
 * {@code -} or {@code .} (no option injection, no path traversal). Anything else is refused — it
 * is never escaped, quoted or passed on.
 */
public final class SafeValues {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_:][A-Za-z0-9._:-]{0,127}");

    private SafeValues() {
    }

    public static boolean isSafe(String value) {
        return value != null && SAFE.matcher(value).matches() && !value.contains("..");
    }
}
