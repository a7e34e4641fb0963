package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What a key (or a token's subject) may do: the one table of roles and their permissions. */
public enum Role {
    /** Reads the project. */
    VIEWER,
    /** Reads, sends telemetry, and decides: approve or reject, cancel runs, pause the project's autonomy. */
    OPERATOR,
    /** Everything, including workflows, models, keys and (with a key for every project) the global kill switch. */
    ADMIN,
    /** Connects as an agent and sends telemetry, for the projects its key covers only. */
    AGENT;

    private static final Map<Role, Set<Permission>> GRANTS = Map.of(
            VIEWER, EnumSet.of(Permission.PUBLIC, Permission.READ),
            OPERATOR, EnumSet.of(Permission.PUBLIC, Permission.READ, Permission.INGEST, Permission.DECIDE),
            ADMIN, EnumSet.allOf(Permission.class),
            AGENT, EnumSet.of(Permission.PUBLIC, Permission.INGEST, Permission.RUN_AGENT));

    public boolean allows(Permission permission) {
        return GRANTS.get(this).contains(permission);
    }

    /** The permissions it holds, in declaration order (for the docs and {@code cc keys}). */
    public Set<Permission> permissions() {
        return EnumSet.copyOf(GRANTS.get(this));
    }

    /** Lower case, as the API and the CLI spell it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role a name stands for (any case).
     *
     * @throws CommandCenterException INVALID ({@code UNKNOWN_ROLE}) naming {@code field}
     */
    public static Role of(String name, String field) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return r;
            }
        }
        throw CommandCenterException.invalid("UNKNOWN_ROLE", field, field + " must be viewer, operator, admin or agent");
    }
}
