package io.commandcenter.hub.audit;

import java.util.List;

/**
 * The tamper-evident ledger (the port): entries appended to one hash chain for the whole hub —
 * every project, every hub sharing the database — read in pages, and verified by walking the
 * chain. Implementations: {@code JpaAuditLedger} (H2, PostgreSQL), an in-memory one in the tests;
 * the same contract suite runs on each.
 *
 * <p>Most code records through an {@link AuditTrail}, which never fails the action it records.
 */
public interface AuditLedger {

    /**
     * Chains a record after the current head and stores it, atomically: the head is read and moved
     * in the same transaction as the insert, so hubs appending at once on one database get
     * consecutive sequence numbers and never fork the chain. A record whose id is stored already
     * is not stored again: the stored entry is returned.
     *
     * @return the entry as stored
     * @throws io.commandcenter.common.error.CommandCenterException UNAVAILABLE when the database fails,
     *         CONTENTION when the head stays locked too long
     */
    AuditEntry append(AuditRecord record);

    /**
     * Appends records in order, as {@link #append} does each: in one transaction where the ledger
     * can (records arriving together then share one commit and one turn at the head). A failure may
     * leave a prefix appended; appending the same records again stores nothing twice.
     *
     * @return the entries as stored, in order
     * @throws io.commandcenter.common.error.CommandCenterException as {@link #append}
     */
    default List<AuditEntry> appendAll(List<AuditRecord> records) {
        return records.stream().map(this::append).toList();
    }

    /**
     * A page of entries in chain order ({@link AuditQuery}).
     *
     * @return at most {@code query.limit()} entries
     * @throws io.commandcenter.common.error.CommandCenterException UNAVAILABLE when the database fails
     */
    List<AuditEntry> list(AuditQuery query);

    /** The head as the ledger records it, apart from the entries: {@link AuditAnchor#GENESIS} when empty. */
    AuditAnchor head();

    /**
     * Walks the whole chain from its first entry ({@link AuditVerifier}): names the first entry
     * whose hash does not match its content, whose link does not match its predecessor's hash,
     * that is missing, or that disagrees with the head or with an anchor kept elsewhere. Entries
     * appended while it walks are checked if the walk reaches them, and are no break if not.
     *
     * @param anchors hashes of entries kept outside the database; each must still hold
     */
    default AuditVerification verify(List<AuditAnchor> anchors) {
        return AuditVerifier.verify(this, anchors);
    }
}
