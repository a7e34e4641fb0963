package io.commandcenter.scheduler.mesh;

import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

/** Something for an agent connected to another hub: sent to that hub, which hands it to the agent's stream. */
public sealed interface AgentMessage {

    /** A task leased to the agent. */
    record Deliver(Dispatched dispatched) implements AgentMessage {
    }

    /** A lease that ended without a result. */
    record Revoke(Revocation revocation) implements AgentMessage {
    }

    /** The agent registered again elsewhere: end the stream of this older session. */
    record Supersede(String agentType, String agentId, String sessionId) implements AgentMessage {
    }

    static void write(WireOut out, AgentMessage message) {
        if (message instanceof Deliver d) {
            out.i32(1);
            Dispatched.write(out, d.dispatched());
        } else if (message instanceof Revoke r) {
            out.i32(2);
            Revocation.write(out, r.revocation());
        } else {
            Supersede s = (Supersede) message;
            out.i32(3).str(s.agentType()).str(s.agentId()).str(s.sessionId());
        }
    }

    static AgentMessage read(WireIn in) {
        int kind = in.i32();
        return switch (kind) {
            case 1 -> new Deliver(Dispatched.read(in));
            case 2 -> new Revoke(Revocation.read(in));
            case 3 -> new Supersede(in.str(), in.str(), in.str());
            default -> throw new IllegalStateException("unknown agent message " + kind);
        };
    }
}
