package io.commandcenter.hub.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * What walking the chain found: intact (every entry's hash matches its content, every link its
 * predecessor, no entry missing, the head and the anchors agree) or the first break.
 *
 * @param entries    entries checked and found sound (those before the break, if any)
 * @param head       the last entry found sound: when intact, the head — its hash is what to keep
 *                   elsewhere as an anchor
 * @param firstBreak the first entry that does not add up; empty when the ledger is intact
 */
public record AuditVerification(long entries, AuditAnchor head, Optional<AuditBreak> firstBreak) {
    public AuditVerification {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(firstBreak, "firstBreak");
    }

    public boolean intact() {
        return firstBreak.isEmpty();
    }
}
