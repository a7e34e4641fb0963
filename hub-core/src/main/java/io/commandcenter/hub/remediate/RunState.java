package io.commandcenter.hub.remediate;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** States of a remediation run, and the transitions between them (the one table of legal moves). */
public enum RunState {
    AWAITING_APPROVAL, RUNNING, SUCCEEDED, FAILED, CANCELLED, REJECTED, TIMED_OUT, SKIPPED, INTERRUPTED;

    private static final Map<RunState, Set<RunState>> NEXT = Map.of(
            AWAITING_APPROVAL, EnumSet.of(RUNNING, REJECTED, CANCELLED, SKIPPED, INTERRUPTED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, INTERRUPTED),
            SUCCEEDED, EnumSet.noneOf(RunState.class),
            FAILED, EnumSet.noneOf(RunState.class),
            CANCELLED, EnumSet.noneOf(RunState.class),
            REJECTED, EnumSet.noneOf(RunState.class),
            TIMED_OUT, EnumSet.noneOf(RunState.class),
            SKIPPED, EnumSet.noneOf(RunState.class),
            INTERRUPTED, EnumSet.noneOf(RunState.class));

    public boolean canMoveTo(RunState next) {
        return NEXT.get(this).contains(next);
    }

    public boolean isFinished() {
        return NEXT.get(this).isEmpty();
    }
}
