package io.commandcenter.hub.remediate;

/**
 * Whether this hub is the only one that can write runs and kill switches to its store, as the hub's
 * cluster adapter sees it. Read at every decision of an engine declared a sole writer while alone
 * ({@link RemediationEngine#soleWriterWhile}): must be cheap and must not block (no remote call).
 */
@FunctionalInterface
public interface Solitude {
    /** {@link #spell()} while this hub is not alone. */
    long NOT_ALONE = -1;

    /** A hub without a cluster: alone for its whole life, in one spell. */
    Solitude ALWAYS = () -> 0;

    /**
     * The number of the current spell alone ({@code >= 0}; it changes whenever membership changed in
     * between, so two spells separated by another hub's visit differ), or {@link #NOT_ALONE}.
     */
    long spell();
}
