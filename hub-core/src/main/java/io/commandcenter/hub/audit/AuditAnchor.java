package io.commandcenter.hub.audit;

/**
 * A point of the chain: the hash of the entry at {@code sequence}. The ledger's head is one; kept
 * outside the database (printed by {@code cc audit verify}, written to a ticket or a second
 * system), it lets {@link AuditLedger#verify} catch a chain rewritten consistently from that point
 * back, which the links alone cannot.
 *
 * @param sequence 0 with {@link AuditChain#GENESIS} for an empty ledger
 * @param hash     as given or stored: a head read back from an altered database may hold anything,
 *                 which {@link AuditLedger#verify} then reports (requests' anchors are checked at
 *                 the edge with {@link AuditChain#isHash})
 */
public record AuditAnchor(long sequence, String hash) {
    /** The head of an empty ledger. */
    public static final AuditAnchor GENESIS = new AuditAnchor(0, AuditChain.GENESIS);

    public AuditAnchor {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
        java.util.Objects.requireNonNull(hash, "hash");
    }
}
