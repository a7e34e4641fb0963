package io.commandcenter.hub.audit.sql;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Row of {@code audit_entry}. */
@Entity
@Table(name = "audit_entry")
public class AuditEntryEntity {
    @Id
    @Column(name = "sequence_no")
    long sequence;
    @Column(name = "entry_id")
    String entryId;
    @Column(name = "entry_time")
    OffsetDateTime time;
    @Column(name = "project_id")
    String projectId;
    @Column(name = "actor")
    String actor;
    @Column(name = "action")
    String action;
    @Column(name = "subject")
    String subject;
    @Column(name = "detail")
    String detail;
    @Column(name = "hub_id")
    String hubId;
    @Column(name = "previous_hash")
    String previousHash;
    @Column(name = "entry_hash")
    String hash;
}
