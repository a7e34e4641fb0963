package io.commandcenter.hub.remediate;

import java.time.Instant;
import java.util.Objects;

/**
 * The kill switch of one scope ({@value #GLOBAL} or a project id).
 *
 * @param paused whether automatic actions are paused
 */
public record AutonomySetting(String scope, boolean paused, Instant changedAt, String changedBy, String reason) {
    public static final String GLOBAL = io.commandcenter.hub.project.ProjectId.RESERVED;

    public AutonomySetting {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(changedBy, "changedBy");
        Objects.requireNonNull(reason, "reason");
    }
}
