package io.commandcenter.hub.remediate;

/** States of one node of a run. */
public enum NodeState {
    PENDING, QUEUED, RUNNING, RETRY_WAIT, SUCCEEDED, FAILED, SKIPPED, CANCELLED, UNKNOWN;

    /** The node will not change any more. */
    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == SKIPPED || this == CANCELLED || this == UNKNOWN;
    }

    /** The node was handed to an agent (or may have been): its action may have happened. */
    public boolean isInFlight() {
        return this == QUEUED || this == RUNNING;
    }
}
