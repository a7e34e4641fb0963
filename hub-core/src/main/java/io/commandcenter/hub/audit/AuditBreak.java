package io.commandcenter.hub.audit;

import java.util.Objects;

/**
 * The first place where the ledger does not add up.
 *
 * @param sequence the entry at fault: the altered one, the missing one, the anchored one
 * @param problem  what does not add up
 * @param message  the same in words
 * @param expected what the chain calls for there (a hash, a sequence); empty when nothing is
 * @param found    what is stored there; empty when nothing is
 */
public record AuditBreak(long sequence, Problem problem, String message, String expected, String found) {
    /** The ways a ledger can fail to add up. */
    public enum Problem {
        /** The entry's stored hash is not the hash of its content: the content or the hash was edited. */
        HASH_MISMATCH,
        /** The entry's previous hash is not the hash of the entry before it: an entry was replaced or reordered. */
        LINK_BROKEN,
        /** There is no entry with this sequence, though later ones (or the head) exist: it was deleted. */
        ENTRY_MISSING,
        /** The ledger's head names another hash than its last entry's: the end of the chain was cut or rewritten. */
        HEAD_MISMATCH,
        /** An entry's hash differs from one kept outside the database, or the entry is gone. */
        ANCHOR_MISMATCH
    }

    public AuditBreak {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(found, "found");
    }
}
