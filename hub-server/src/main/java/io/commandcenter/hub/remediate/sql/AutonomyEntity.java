package io.commandcenter.hub.remediate.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code autonomy}. */
@Entity
@Table(name = "autonomy")
public class AutonomyEntity {
    @Id
    @Column(name = "scope")
    String scope;
    @Column(name = "paused")
    boolean paused;
    @Column(name = "changed_at")
    OffsetDateTime changedAt;
    @Column(name = "changed_by")
    String changedBy;
    @Column(name = "reason")
    String reason;
}
