package io.commandcenter.hub.audit;

import java.util.Optional;

/**
 * What an audit entry records. The names are stable — stored, hashed into the chain, filtered on,
 * exported — so a name is never renamed or reused; new actions are added.
 */
public enum AuditAction {
    /** The engine decided on a trigger: run on its own, ask a person, or skip (subject {@code run:<id>}). */
    RUN_DECIDED,
    /** A person started a run by hand (subject {@code run:<id>}). */
    RUN_TRIGGERED,
    /** A person cancelled a run, running or waiting for approval (subject {@code run:<id>}). */
    RUN_CANCELLED,
    /** A person approved a pending approval (subject {@code approval:<id>}). */
    APPROVAL_APPROVED,
    /** A person rejected a pending approval (subject {@code approval:<id>}). */
    APPROVAL_REJECTED,
    /** Nobody decided in time: the hub expired the approval, a rejection (subject {@code approval:<id>}). */
    APPROVAL_EXPIRED,
    /** Automatic actions paused or resumed, for a project or {@code global} (subject {@code autonomy:<scope>}). */
    AUTONOMY_CHANGED,
    /** A model version registered in a project (subject {@code model:<name>@<version>}). */
    MODEL_REGISTERED,
    /** A model version made its name's champion (subject {@code model:<name>@<version>}). */
    MODEL_PROMOTED,
    /** A person labelled a prediction or declared an incident window (subject {@code prediction:<id>} or {@code <kind>:<id>}). */
    FEEDBACK_LABELLED,
    /** A new revision of a workflow stored (subject {@code workflow:<name>}). */
    WORKFLOW_CHANGED,
    /** An API key created (subject {@code key:<id>}); recorded by authentication. */
    KEY_CREATED,
    /** An API key revoked (subject {@code key:<id>}); recorded by authentication. */
    KEY_REVOKED,
    /** A request refused for want of authentication or permission; recorded by authentication. */
    REQUEST_DENIED,
    /** Rows kept from a remote inference endpoint: a route to a host not approved, or a sensitive project (subject {@code model:<name>[@<version>]}). */
    INFERENCE_REFUSED,
    /** A challenger's shadow period ended: promoted (holdout and shadow agree) or refused, with the verdict (subject {@code model:<name>@<version>}). */
    MODEL_SHADOW_JUDGED,
    /** A hub took over a run whose owner hub is gone, to drive it or watch its outcome (subject {@code run:<id>}; ADR 0028). */
    RUN_ADOPTED,
    /**
     * A hub gave up a run another hub had adopted while it stalled: it found the run owned elsewhere
     * (a fenced write, or the owners read after a stale lease) and stopped driving it, writing nothing
     * of it (subject {@code run:<id>}; ADR 0028).
     */
    RUN_RELINQUISHED;

    /** The action of a stored name; empty for a name this hub does not know. */
    public static Optional<AuditAction> byName(String name) {
        for (AuditAction a : values()) {
            if (a.name().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
