package io.commandcenter.hub.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * An entry of the ledger as stored: what happened ({@link AuditRecord}) at its place in the chain,
 * with the previous entry's hash and its own ({@link AuditChain#hash}). Read back from a database
 * it holds whatever is stored there — altered or not — so that {@link AuditLedger#verify} can say
 * what does not add up: nothing beyond presence is checked here.
 *
 * @param sequence     its place: 1, 2, 3, … without gaps
 * @param action       the action's stable name ({@link AuditAction})
 * @param previousHash the hash of entry {@code sequence - 1}, {@link AuditChain#GENESIS} for the first
 * @param hash         {@link AuditChain#hash} of everything else
 */
public record AuditEntry(long sequence, String id, Instant time, String project, String actor, String action,
                         String subject, String detail, String hubId, String previousHash, String hash) {
    public AuditEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** {@code record} at place {@code sequence} after an entry whose hash is {@code previousHash}, hashed. */
    public static AuditEntry chain(long sequence, AuditRecord record, String previousHash) {
        AuditEntry unhashed = new AuditEntry(sequence, record.id(), record.time(), record.project(), record.actor(),
                record.action().name(), record.subject(), record.detail(), record.hubId(), previousHash, "");
        return unhashed.withHash(AuditChain.hash(unhashed));
    }

    /** The hash its content and link call for; differs from {@link #hash()} when either was altered. */
    public String recomputedHash() {
        return AuditChain.hash(this);
    }

    /** The same entry claiming another hash. */
    public AuditEntry withHash(String value) {
        return new AuditEntry(sequence, id, time, project, actor, action, subject, detail, hubId, previousHash, value);
    }

    /** Where this entry leaves the chain: its sequence and hash. */
    public AuditAnchor anchor() {
        return new AuditAnchor(sequence, hash);
    }
}
