package io.commandcenter.hub.audit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Walks a ledger's whole chain in order, a page at a time, and stops at the first break: an entry
 * whose recomputed hash differs from the stored one (its content or its hash was edited), whose
 * previous hash is not its predecessor's hash, a sequence number that is missing (also at the end:
 * the chain stops short of the head read before the walk), a head moved back or naming another
 * hash than the last entry's (read again after the walk, so entries appended meanwhile are no
 * break), or an anchor that no longer holds. Checks within an entry go sequence, link, hash,
 * anchor, so an edited entry is named itself, not its successor.
 */
final class AuditVerifier {
    /** Entries read per page. */
    static final int PAGE = 1000;

    private AuditVerifier() {
    }

    static AuditVerification verify(AuditLedger ledger, List<AuditAnchor> anchors) {
        return verify(ledger, anchors, PAGE);
    }

    /** The same, reading {@code pageSize} entries at a time. */
    static AuditVerification verify(AuditLedger ledger, List<AuditAnchor> anchors, int pageSize) {
        AuditAnchor before = ledger.head();
        Map<Long, String> anchored = new TreeMap<>();
        anchors.forEach(a -> anchored.put(a.sequence(), a.hash()));
        AuditAnchor last = AuditAnchor.GENESIS;
        while (true) {
            List<AuditEntry> page = ledger.list(AuditQuery.oldestFirst(pageSize).after(last.sequence()));
            for (AuditEntry e : page) {
                Optional<AuditBreak> broken = check(e, last, anchored.get(e.sequence()));
                if (broken.isPresent()) {
                    return new AuditVerification(last.sequence(), last, broken);
                }
                last = e.anchor();
            }
            if (page.size() < pageSize) {
                break;
            }
        }
        // read again: entries appended during the walk moved it on, legitimately
        AuditAnchor after = ledger.head();
        long checked = last.sequence();
        if (checked < before.sequence()) {
            return broken(last, new AuditBreak(checked + 1, AuditBreak.Problem.ENTRY_MISSING, "entries "
                    + (checked + 1) + " to " + before.sequence() + " are missing: the head is entry "
                    + before.sequence() + " but the chain ends at " + checked, Long.toString(before.sequence()),
                    Long.toString(checked)));
        }
        if (checked > after.sequence() || (checked == after.sequence() && !last.hash().equals(after.hash()))) {
            return broken(last, new AuditBreak(checked, AuditBreak.Problem.HEAD_MISMATCH, "the head names entry "
                    + after.sequence() + " with hash " + after.hash() + ", but the chain ends at entry " + checked
                    + " with hash " + last.hash() + ": the head was moved", last.hash(), after.hash()));
        }
        for (Map.Entry<Long, String> a : anchored.entrySet()) {
            if (a.getKey() > checked) {
                return broken(last, new AuditBreak(a.getKey(), AuditBreak.Problem.ANCHOR_MISMATCH, "anchored entry "
                        + a.getKey() + " is not in the ledger (it ends at " + checked + ")", a.getValue(), ""));
            }
        }
        return new AuditVerification(checked, last, Optional.empty());
    }

    private static AuditVerification broken(AuditAnchor last, AuditBreak problem) {
        return new AuditVerification(last.sequence(), last, Optional.of(problem));
    }

    private static Optional<AuditBreak> check(AuditEntry e, AuditAnchor last, String anchor) {
        long expected = last.sequence() + 1;
        String previous = last.hash();
        if (e.sequence() != expected) {
            return Optional.of(new AuditBreak(expected, AuditBreak.Problem.ENTRY_MISSING, "entry " + expected
                    + " is missing: the next stored entry is " + e.sequence(), Long.toString(expected),
                    Long.toString(e.sequence())));
        }
        if (!e.previousHash().equals(previous)) {
            return Optional.of(new AuditBreak(e.sequence(), AuditBreak.Problem.LINK_BROKEN, "entry " + e.sequence()
                    + " links to " + e.previousHash() + " but entry " + (e.sequence() - 1) + " has hash " + previous,
                    previous, e.previousHash()));
        }
        String recomputed = e.recomputedHash();
        if (!recomputed.equals(e.hash())) {
            return Optional.of(new AuditBreak(e.sequence(), AuditBreak.Problem.HASH_MISMATCH, "entry " + e.sequence()
                    + " was altered: its content hashes to " + recomputed
                    + " but its stored hash is " + e.hash(), recomputed, e.hash()));
        }
        if (anchor != null && !anchor.equals(e.hash())) {
            return Optional.of(new AuditBreak(e.sequence(), AuditBreak.Problem.ANCHOR_MISMATCH, "entry "
                    + e.sequence() + " has hash " + e.hash() + " but " + anchor + " was kept for it: the chain was"
                    + " rewritten up to here", anchor, e.hash()));
        }
        return Optional.empty();
    }
}
