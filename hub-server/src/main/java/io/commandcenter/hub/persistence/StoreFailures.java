package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A database failure as callers see it: UNAVAILABLE {@code STORE_UNAVAILABLE} with an error id, while the driver's
 * message — statement text, table names, host and port — goes to the hub's log only, under that id. An answer may
 * reach any client (an unauthenticated one too, when the failing read is a key's look-up), so it never carries
 * the driver's words; the cause is kept on the exception for the hub's own checks (SQL states).
 */
public final class StoreFailures {
    private static final System.Logger LOG = System.getLogger(StoreFailures.class.getName());

    private StoreFailures() {
    }

    /**
     * @param what what failed, as a verb phrase ("store telemetry", "write to the database")
     */
    public static CommandCenterException unavailable(String what, Throwable cause) {
        String errorId = UUID.randomUUID().toString();
        LOG.log(System.Logger.Level.WARNING, "could not {0} (error {1}): {2}", what, errorId, cause.getMessage());
        return new CommandCenterException(ErrorKind.UNAVAILABLE, "STORE_UNAVAILABLE",
                "could not " + what + ": the database failed (error " + errorId + ", details in the hub's log)",
                Map.of("error_id", errorId), List.of(), cause);
    }
}
