package io.commandcenter.scheduler.leases;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/**
 * A lease that ended without a result, to be told to its agent so it stops working on the task.
 *
 * @param agentHub the hub the agent is connected to (where the notice must go)
 * @param reason   {@code CANCELLED}, {@code LEASE_EXPIRED}, {@code LEASE_NOT_HELD}, {@code SESSION_SUPERSEDED}
 */
public record Revocation(String agentType, String agentId, String agentHub, LeaseRef lease, String reason) {

    public static void write(WireOut out, Revocation r) {
        out.str(r.agentType).str(r.agentId).str(r.agentHub);
        LeaseRef.write(out, r.lease);
        out.str(r.reason);
    }

    public static Revocation read(WireIn in) {
        return new Revocation(in.str(), in.str(), in.str(), LeaseRef.read(in), in.str());
    }
}
