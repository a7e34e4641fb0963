package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.util.List;

/**
 * What registering an agent did.
 *
 * @param heldLeases        leases the agent still holds from an earlier session
 * @param supersededHub     the hub of the session this one replaced, or null
 * @param supersededSession the session this one replaced, or null
 * @param taken             the agent id belongs to another owner: nothing was registered
 */
public record Registered(List<LeaseRef> heldLeases, String supersededHub, String supersededSession, boolean taken) {
    public Registered {
        heldLeases = List.copyOf(heldLeases);
    }

    /** The id is another owner's. */
    public static Registered refusedAsTaken() {
        return new Registered(List.of(), null, null, true);
    }

    public static void write(WireOut out, Registered r) {
        out.list(r.heldLeases, LeaseRef::write).str(r.supersededHub).str(r.supersededSession).bool(r.taken);
    }

    public static Registered read(WireIn in) {
        return new Registered(in.list(LeaseRef::read), in.str(), in.str(), in.bool());
    }
}
