package io.commandcenter.hub.agents;

import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.CapabilityCatalog;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Forms;

import java.util.Set;
import java.util.TreeSet;

/**
 * The agent types and actions registered with the mesh scheduler, read from it on every call: the
 * agents built into the hubs and those connected through {@code ScheduleService.ConnectAgent} (any
 * language, any hub of the cluster), connected now or disconnected within the scheduler's
 * retention — the agents a task may name without {@code UNKNOWN_CAPABILITY}.
 *
 * <p>An agent that declares {@code *} runs every action of its type: {@link #knows} is then true
 * for any action, while {@link #actionsOf} lists what was declared ({@code *} included).
 *
 * <p>Failure modes: calls fail as the scheduler does (UNAVAILABLE when its state cannot be read
 * or the hub is stopping); nothing is cached, so the next call sees the scheduler again.
 */
public final class RegisteredAgents implements CapabilityCatalog {
    private final Scheduler scheduler;
    private final String project;

    private RegisteredAgents(Scheduler scheduler, String project) {
        this.scheduler = scheduler;
        this.project = project;
    }

    /** The agents serving one project (registered for it, or for every project). */
    public static RegisteredAgents of(Scheduler scheduler, ProjectId project) {
        return new RegisteredAgents(scheduler, project.value());
    }

    /**
     * The agents of every project: what a project-less reader (the workflow parser, shared by all
     * projects) can check against, and the same set the scheduler accepts tasks for.
     */
    public static RegisteredAgents everyProject(Scheduler scheduler) {
        return new RegisteredAgents(scheduler, null);
    }

    @Override
    public Set<String> actionsOf(String agent) {
        if (agent == null || !Forms.AGENT_TYPE.matcher(agent).matches()) {
            return Set.of();
        }
        Set<String> actions = new TreeSet<>();
        for (AgentView view : scheduler.agents(project, agent).agents()) {
            actions.addAll(view.registration().actions());
        }
        return Set.copyOf(actions);
    }

    @Override
    public boolean knows(String agent, String action) {
        Set<String> actions = actionsOf(agent);
        return actions.contains(action) || actions.contains(Capability.ANY_ACTION);
    }

    @Override
    public Set<String> agents() {
        Set<String> types = new TreeSet<>();
        for (AgentView view : scheduler.agents(project, null).agents()) {
            types.add(view.registration().agentType());
        }
        return Set.copyOf(types);
    }
}
