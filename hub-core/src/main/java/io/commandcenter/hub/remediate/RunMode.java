package io.commandcenter.hub.remediate;

import java.util.Locale;

/** How a run came to run: on its own, on a schedule, on a person's say-so, or through an approval. */
public enum RunMode {
    /** A prediction (or an event on an entity) started it without a person. */
    AUTOMATIC,
    /** Its cron schedule started it. */
    SCHEDULED,
    /** A person triggered it. */
    MANUAL,
    /** It waits for a person's approval. */
    APPROVAL,
    /** A person approved it. */
    APPROVED;

    /** Runs the kill switch stops: those no person decided. */
    public boolean isAutomatic() {
        return this == AUTOMATIC || this == SCHEDULED;
    }

    /** Lower case, as the API and the database spell it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode a stored or sent name stands for.
     *
     * @throws IllegalArgumentException for a name that is none of them
     */
    public static RunMode of(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
