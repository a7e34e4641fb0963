package io.commandcenter.scheduler;

import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.pool.PoolSummary;

import java.util.List;

/** Agents serving a project, by type then id, and the capacity of each agent type. */
public record AgentListing(List<AgentView> agents, List<PoolSummary> pools) {
    public AgentListing {
        agents = List.copyOf(agents);
        pools = List.copyOf(pools);
    }
}
