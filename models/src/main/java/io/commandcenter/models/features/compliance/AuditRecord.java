package io.commandcenter.models.features.compliance;

import java.util.Objects;

/**
 * One audit or compliance-check result of an entity.
 *
 * @param severity 1 (low) … 4 (critical): how bad a failure of this control is
 */
public record AuditRecord(String entity, long timeMillis, String control, boolean passed, int severity) {

    public AuditRecord {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(control, "control");
        if (severity < 1 || severity > 4) {
            throw new IllegalArgumentException("severity must be 1..4, got " + severity);
        }
    }
}
