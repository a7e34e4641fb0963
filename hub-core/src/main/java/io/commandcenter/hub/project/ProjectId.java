package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;

import java.util.regex.Pattern;

/**
 * A project id: 1 to 63 characters of lowercase letters, digits, {@code -}, {@code _} and
 * {@code .}, starting with a letter or a digit, and not {@value #RESERVED}. Every piece of data
 * belongs to exactly one.
 *
 * <p>{@value #RESERVED} names the hub-wide scope (the kill switch of every project, the audit
 * ledger's hub-wide entries), which only an administrator of every project may act in; a project
 * of that name would share that scope with whoever may act in the project.
 */
public record ProjectId(String value) {
    /** The one id of the right form that is not a project: the hub-wide scope. */
    public static final String RESERVED = "global";
    private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public ProjectId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw CommandCenterException.invalid("INVALID_PROJECT", "x-cc-project",
                    "project id must be 1-63 characters of lowercase letters, digits, '-', '_' or '.', "
                            + "starting with a letter or digit; got '" + abbreviate(value) + "'");
        }
        if (value.equals(RESERVED)) {
            throw CommandCenterException.invalid("INVALID_PROJECT", "x-cc-project", "'" + RESERVED
                    + "' is not a project: it names the hub-wide scope (the kill switch of every project,"
                    + " the audit ledger's hub-wide entries); choose another project id");
        }
    }

    public static ProjectId of(String value) {
        return new ProjectId(value);
    }

    /** Whether {@code value} is a project id. */
    public static boolean isValid(String value) {
        return value != null && FORM.matcher(value).matches() && !value.equals(RESERVED);
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    // Written out (the record's would go through method handles): ids are map keys on every hot path.
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ProjectId p && value.equals(p.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
