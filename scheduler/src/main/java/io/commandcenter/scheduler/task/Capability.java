package io.commandcenter.scheduler.task;

import io.commandcenter.common.error.CommandCenterException;

import java.util.Objects;

/**
 * What an agent can do and a task needs: {@code <agent type>.<action>}, e.g. {@code devops.restart}.
 * The agent type names the pool of agents (and the queue) the task belongs to. Agents may declare
 * the action {@code *} (every action of their type); tasks never do.
 */
public record Capability(String agentType, String action) {
    /** The action an agent declares to run every action of its type. */
    public static final String ANY_ACTION = "*";

    public Capability {
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(action, "action");
        if (!Forms.AGENT_TYPE.matcher(agentType).matches()) {
            throw new IllegalArgumentException("bad agent type: " + agentType);
        }
        if (!action.equals(ANY_ACTION) && !Forms.ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("bad action: " + action);
        }
    }

    /**
     * Parses a task's capability.
     *
     * @throws CommandCenterException INVALID ({@code INVALID_CAPABILITY}, the given field) when it is
     *         not {@code <agent type>.<action>}
     */
    public static Capability parse(String text, String field) {
        if (text == null || text.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", field, field + ": " + "a capability is required, e.g. devops.restart");
        }
        int dot = text.indexOf('.');
        if (dot <= 0 || dot != text.lastIndexOf('.')
                || !Forms.AGENT_TYPE.matcher(text.substring(0, dot)).matches()
                || !Forms.ACTION.matcher(text.substring(dot + 1)).matches()) {
            throw CommandCenterException.invalid("INVALID_CAPABILITY", field,
                    field + ": " + "capability must be <agent type>.<action>, e.g. devops.restart (type: lowercase letters, digits,"
                            + " '-', '_', starting with a letter; action: letters, digits, '-', '_'); got '"
                            + Forms.abbreviate(text) + "'");
        }
        return new Capability(text.substring(0, dot), text.substring(dot + 1));
    }

    @Override
    public String toString() {
        return agentType + "." + action;
    }
}
