package io.commandcenter.hub.remediate;

/**
 * Which other hubs are gone for good, as this hub's cluster adapter can prove it: a gone hub drives
 * no run and will not write one again under its id, so its runs may be adopted (ADR 0028). Asked
 * at start, when a member left, and when a person cancels a run of another hub; may make remote
 * calls, and fails as they fail (the engine logs it and adopts nothing then).
 */
@FunctionalInterface
public interface GoneHubs {
    /** Whether {@code hubId} (never this hub's) is provably gone; false whenever it cannot be told. */
    boolean gone(String hubId);
}
