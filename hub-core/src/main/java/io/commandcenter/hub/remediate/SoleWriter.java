package io.commandcenter.hub.remediate;

import java.time.Clock;

/**
 * Whether the engine may take its decision facts ({@link TargetFacts}, {@link KillSwitch}) from
 * memory at this moment: only while its {@link Solitude} says this hub is alone, and in the spell
 * the memory was read in. A decision that finds the spell changed drops the memory at once (not
 * alone: every decision reads the store) or, alone in a new spell, reads every target's runs again
 * before trusting memory (as at start; the switches are read again per scope at their next use).
 */
final class SoleWriter {
    private final TargetFacts facts;
    private final KillSwitch killSwitch;
    private final Clock clock;
    /** Null until declared: never alone. */
    private volatile Solitude solitude;
    /** The spell the memory was read in; {@link Solitude#NOT_ALONE} while memory holds nothing to trust. */
    private volatile long trusted = Solitude.NOT_ALONE;

    SoleWriter(TargetFacts facts, KillSwitch killSwitch, Clock clock) {
        this.facts = facts;
        this.killSwitch = killSwitch;
        this.clock = clock;
        facts.gate(this::memory);
        killSwitch.gate(this::memory);
    }

    void declare(Solitude value) {
        solitude = value;
    }

    /**
     * Whether memory may answer now; when the spell changed, drops or re-reads it first. Fails as the
     * store's read fails (the next decision tries again).
     */
    boolean memory() {
        Solitude s = solitude;
        if (s == null) {
            return false;
        }
        long spell = s.spell();
        if (spell == trusted) {
            return spell != Solitude.NOT_ALONE;
        }
        return changed(spell);
    }

    private synchronized boolean changed(long spell) {
        if (spell == trusted) {
            return spell != Solitude.NOT_ALONE; // another decision did it meanwhile
        }
        trusted = Solitude.NOT_ALONE;
        facts.soleWriter(false);
        killSwitch.soleWriter(false);
        if (spell == Solitude.NOT_ALONE) {
            return false;
        }
        try {
            killSwitch.soleWriter(true);
            facts.soleWriter(true);
            // writes landing during the read are kept (they are as new or newer)
            facts.loadAll(clock.instant().minus(RunStarter.BLAST_WINDOW));
        } catch (RuntimeException e) {
            facts.soleWriter(false);
            killSwitch.soleWriter(false);
            throw e;
        }
        trusted = spell;
        return true;
    }
}
