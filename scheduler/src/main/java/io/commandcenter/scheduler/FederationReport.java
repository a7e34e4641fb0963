package io.commandcenter.scheduler;

import io.commandcenter.scheduler.events.Delegation;
import io.commandcenter.scheduler.federation.DelegationPlan;
import io.commandcenter.scheduler.pool.HubLoad;

import java.util.List;

/**
 * One look of the meta hub: every hub's load per action, the delegations the rule asks for, and
 * those made (empty when delegation is off: the meta hub only observes).
 */
public record FederationReport(List<HubLoad> loads, List<DelegationPlan> plans, List<Delegation> delegations) {
    public FederationReport {
        loads = List.copyOf(loads);
        plans = List.copyOf(plans);
        delegations = List.copyOf(delegations);
    }
}
