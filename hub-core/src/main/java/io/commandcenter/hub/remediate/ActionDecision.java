package io.commandcenter.hub.remediate;

import java.util.Locale;

/** What was decided on a prediction (or a manual run): one row of the feedback dataset. */
public enum ActionDecision {
    /** The engine ran the workflow on its own. */
    AUTOMATIC,
    /** A person approved the run. */
    APPROVED,
    /** A person rejected it (or withdrew it by cancelling the waiting run). */
    REJECTED,
    /** Nobody decided in time: a rejection. */
    EXPIRED,
    /** A person triggered the workflow. */
    MANUAL;

    /** Lower case, as the API and the database spell it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The decision a stored or sent name stands for.
     *
     * @throws IllegalArgumentException for a name that is none of them
     */
    public static ActionDecision of(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
