package io.commandcenter.scheduler.agents;

import io.commandcenter.common.error.Violations;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Forms;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who an agent is and what it can do. Field names in errors are those of
 * {@code AgentRegistration} in schedule.proto, under {@code register}.
 *
 * @param agentId   unique within its type, stable across reconnects
 * @param agentType the pool it belongs to ({@code devops})
 * @param actions   actions it runs ({@code restart}), or {@code *} for all of its type
 * @param labels    e.g. {@code zone}; {@code hub} is set by the scheduler
 * @param capacity  tasks at once, 1 to 1024
 * @param projects  projects it serves; {@code *} for all. Never empty: the connecting edge puts the
 *                  caller's project in when the agent named none
 * @param owner     who registered it (the connecting edge's credential, e.g. an API key id;
 *                  {@link #HUB_OWNER} for the hub's own agents; empty: in-process callers). An agent id
 *                  belongs to its first owner: another owner's registration of it is refused
 * @throws io.commandcenter.common.error.CommandCenterException INVALID naming every field at fault
 */
public record AgentRegistration(String agentId, String agentType, Set<String> actions, Map<String, String> labels,
                                int capacity, Set<String> projects, String owner) {
    public static final int MAX_CAPACITY = 1024;
    public static final String ALL_PROJECTS = "*";
    /** The owner of the hub's built-in agents: no credential names it. */
    public static final String HUB_OWNER = "hub";

    public AgentRegistration {
        owner = owner == null ? "" : owner;
        actions = actions == null ? Set.of() : Set.copyOf(new TreeSet<>(actions));
        labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
        projects = projects == null ? Set.of() : Set.copyOf(new TreeSet<>(projects));
        Violations v = new Violations();
        Forms.required(v, "register.agent_id", agentId, Forms.NAME,
                "1-128 characters of letters, digits, '.', '_', ':' and '-'");
        Forms.required(v, "register.agent_type", agentType, Forms.AGENT_TYPE,
                "1-32 characters of lowercase letters, digits, '-' and '_', starting with a letter");
        if (actions.isEmpty()) {
            v.add("register.actions", "REQUIRED", "an agent declares at least one action (or '*')");
        } else if (actions.size() > 64) {
            v.add("register.actions", "TOO_MANY", "at most 64 actions, got " + actions.size());
        } else {
            for (String action : actions) {
                if (!action.equals(Capability.ANY_ACTION) && !Forms.ACTION.matcher(action).matches()) {
                    v.add("register.actions", "INVALID_CAPABILITY", "actions are 1-64 characters of letters, digits,"
                            + " '-' and '_', starting with a letter (or '*'); got '" + Forms.abbreviate(action) + "'");
                }
            }
        }
        Forms.labels(v, "register.labels", labels, 16);
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            v.add("register.capacity", "OUT_OF_RANGE", "capacity must be 1 to 1024, got " + capacity);
        }
        if (projects.isEmpty()) {
            v.add("register.projects", "REQUIRED", "an agent serves at least one project (or '*')");
        }
        for (String project : projects) {
            if (!project.equals(ALL_PROJECTS) && !Forms.isProject(project)) {
                v.add("register.projects", "INVALID_PROJECT", "not a project id: '" + Forms.abbreviate(project) + "'");
            }
        }
        v.throwIfAnyWithSharedReason("INVALID_REGISTRATION", "invalid agent registration");
    }

    /** An agent registered by an in-process caller (no owner). */
    public AgentRegistration(String agentId, String agentType, Set<String> actions, Map<String, String> labels,
                             int capacity, Set<String> projects) {
        this(agentId, agentType, actions, labels, capacity, projects, "");
    }

    /** An agent of one type serving every project: for tests and built-in agents. */
    public static AgentRegistration of(String agentId, String agentType, int capacity, String... actions) {
        return new AgentRegistration(agentId, agentType, Set.of(actions), Map.of(), capacity, Set.of(ALL_PROJECTS));
    }

    public AgentRegistration withLabels(Map<String, String> value) {
        return new AgentRegistration(agentId, agentType, actions, value, capacity, projects, owner);
    }

    public AgentRegistration withProjects(Set<String> value) {
        return new AgentRegistration(agentId, agentType, actions, labels, capacity, value, owner);
    }

    public AgentRegistration withOwner(String value) {
        return new AgentRegistration(agentId, agentType, actions, labels, capacity, projects, value);
    }

    /** Whether it runs the action: declared exactly (1.0), by {@code *} (0.5), or not at all (0). */
    public double match(String action) {
        if (actions.contains(action)) {
            return 1.0;
        }
        return actions.contains(Capability.ANY_ACTION) ? 0.5 : 0.0;
    }

    /** Whether it serves the project. */
    public boolean serves(String project) {
        return projects.contains(ALL_PROJECTS) || projects.contains(project);
    }

    public static void write(WireOut out, AgentRegistration r) {
        out.str(r.agentId).str(r.agentType).strings(new TreeSet<>(r.actions)).stringMap(new TreeMap<>(r.labels))
                .i32(r.capacity).strings(new TreeSet<>(r.projects)).str(r.owner);
    }

    public static AgentRegistration read(WireIn in) {
        return new AgentRegistration(in.str(), in.str(), Set.copyOf(in.strings()), in.stringMap(), in.i32(),
                Set.copyOf(in.strings()), in.str());
    }

    /** Actions as a sorted list, for display. */
    public List<String> sortedActions() {
        return List.copyOf(new TreeSet<>(actions));
    }
}
