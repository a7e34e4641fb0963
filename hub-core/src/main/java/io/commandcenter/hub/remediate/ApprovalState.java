package io.commandcenter.hub.remediate;

import io.commandcenter.hub.audit.AuditAction;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The life of an approval: it waits, then a person approves or rejects it, or its time runs out. */
public enum ApprovalState {
    PENDING, APPROVED, REJECTED, EXPIRED;

    private static final Map<ApprovalState, Set<ApprovalState>> NEXT = Map.of(
            PENDING, EnumSet.of(APPROVED, REJECTED, EXPIRED),
            APPROVED, EnumSet.noneOf(ApprovalState.class),
            REJECTED, EnumSet.noneOf(ApprovalState.class),
            EXPIRED, EnumSet.noneOf(ApprovalState.class));

    public boolean canMoveTo(ApprovalState next) {
        return NEXT.get(this).contains(next);
    }

    public boolean isDecided() {
        return this != PENDING;
    }

    /** The decision a verdict records on the {@code PredictionAction}. */
    ActionDecision decision() {
        return switch (this) {
            case APPROVED -> ActionDecision.APPROVED;
            case REJECTED -> ActionDecision.REJECTED;
            case EXPIRED -> ActionDecision.EXPIRED;
            case PENDING -> throw new IllegalStateException("a pending approval has no decision yet");
        };
    }

    /** What the ledger records when an approval reaches this state. */
    AuditAction audited() {
        return switch (this) {
            case APPROVED -> AuditAction.APPROVAL_APPROVED;
            case REJECTED -> AuditAction.APPROVAL_REJECTED;
            case EXPIRED -> AuditAction.APPROVAL_EXPIRED;
            case PENDING -> throw new IllegalStateException("a pending approval is not decided yet");
        };
    }

    /** Lower case, as events and messages spell it ({@code approval.approved}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
