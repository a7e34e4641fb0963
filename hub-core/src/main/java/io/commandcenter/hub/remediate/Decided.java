package io.commandcenter.hub.remediate;

/** An approval once a person (or its expiry) decided it, and its run as it stands after. */
public record Decided(ApprovalRecord approval, RunRecord run) {
}
