package io.commandcenter.scheduler.federation;

/**
 * One delegation the meta hub decided: up to {@code count} tasks of {@code action} queued for
 * {@code fromHub} may run on {@code toHub}'s agents.
 *
 * @param backlog   tasks of the action only {@code fromHub} may run, when decided
 * @param freeSlots free slots of {@code toHub} for the action, when decided
 */
public record DelegationPlan(String agentType, String action, String fromHub, String toHub, int count, int backlog,
                             int freeSlots) {
}
