package io.commandcenter.hub.audit.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The one row of {@code audit_head}. */
@Entity
@Table(name = "audit_head")
public class AuditHeadEntity {
    /** The id of the one row. */
    static final int ID = 1;

    @Id
    @Column(name = "id")
    int id;
    @Column(name = "head_sequence")
    long sequence;
    @Column(name = "head_hash")
    String hash;
}
