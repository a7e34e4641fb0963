package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A database failure as callers see it: UNAVAILABLE {@code STORE_UNAVAILABLE} with an error id, while the driver's
 * message — statement text, table names, host and port — goes to the hub's log only, under that id. An answer may
 * reach any client (an unauthenticated one too, when the failing read is a key's look-up), so it never carries
 * the driver's words; the cause is kept on the exception for the hub's own checks (SQL states). Logged at
 * WARNING with the exception, or at DEBUG for the SQL states callers handle (a unique key met, a deadlock or
 * serialization retry, a lock wait given up).
 */
public final class StoreFailures {
    private static final System.Logger LOG = System.getLogger(StoreFailures.class.getName());
    /**
     * SQL states whose failures the stores handle: unique violation, serialization failure, deadlock, lock not
     * available (PostgreSQL), lock timeout (H2).
     */
    private static final Set<String> HANDLED = Set.of("23505", "40001", "40P01", "55P03", "HYT00");

    private StoreFailures() {
    }

    /**
     * @param what what failed, as a verb phrase ("store telemetry", "write to the database")
     */
    public static CommandCenterException unavailable(String what, Throwable cause) {
        String errorId = UUID.randomUUID().toString();
        if (Jpa.hasSqlState(cause, HANDLED)) {
            // a unique key met, a deadlock or serialization retry, a lock wait given up: the callers handle these
            // (and log when they give up), so a hub cluster's ordinary races do not read as "the database failed"
            LOG.log(System.Logger.Level.DEBUG, "could not " + what + " (error " + errorId + ")", cause);
        } else {
            LOG.log(System.Logger.Level.WARNING, "could not " + what + " (error " + errorId + ")", cause);
        }
        return new CommandCenterException(ErrorKind.UNAVAILABLE, "STORE_UNAVAILABLE",
                "could not " + what + ": the database failed (error " + errorId + ", details in the hub's log)",
                Map.of("error_id", errorId), List.of(), cause);
    }
}
