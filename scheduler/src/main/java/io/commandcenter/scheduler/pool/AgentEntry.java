package io.commandcenter.scheduler.pool;

import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.agents.SuccessRate;
import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** One agent inside its pool: mutable, owned by its {@link PoolState}. */
final class AgentEntry {
    AgentRegistration registration;
    String hubId;
    /** The cluster peer (Hazelcast member or client) of the hub holding its stream. */
    String peerId;
    String sessionId;
    AgentState state = AgentState.CONNECTED;
    long connectedAt;
    long lastSeen;
    AgentLoad load = AgentLoad.UNKNOWN;
    long loadTime;
    final TreeSet<String> leases = new TreeSet<>();
    final TreeMap<String, SuccessRate> success = new TreeMap<>();

    String id() {
        return registration.agentId();
    }

    int capacity() {
        return load.capacity() > 0 ? load.capacity() : registration.capacity();
    }

    /** Slots in use: the scheduler's leases, or what the agent reports running if more. */
    int used() {
        return Math.max(leases.size(), load.runningTasks());
    }

    int free() {
        return state == AgentState.CONNECTED ? Math.max(0, capacity() - used()) : 0;
    }

    AgentView view(long now, long halfLife) {
        Map<String, Double> rates = new TreeMap<>();
        success.forEach((action, rate) -> rates.put(action, rate.rate(now, halfLife)));
        return new AgentView(registration, hubId, state, capacity(), leases.size(), load,
                loadTime == 0 ? null : Instant.ofEpochMilli(loadTime), rates, Instant.ofEpochMilli(connectedAt),
                Instant.ofEpochMilli(lastSeen));
    }

    void write(WireOut out) {
        AgentRegistration.write(out, registration);
        out.str(hubId).str(peerId).str(sessionId).i32(state.ordinal()).i64(connectedAt).i64(lastSeen);
        AgentLoad.write(out, load);
        out.i64(loadTime).strings(leases).i32(success.size());
        success.forEach((action, r) -> out.str(action).f64(r.successes()).f64(r.failures()).i64(r.atMillis()));
    }

    static AgentEntry read(WireIn in) {
        AgentEntry a = new AgentEntry();
        a.registration = AgentRegistration.read(in);
        a.hubId = in.str();
        a.peerId = in.str();
        a.sessionId = in.str();
        a.state = AgentState.values()[in.i32()];
        a.connectedAt = in.i64();
        a.lastSeen = in.i64();
        a.load = AgentLoad.read(in);
        a.loadTime = in.i64();
        a.leases.addAll(in.strings());
        int n = in.length();
        for (int i = 0; i < n; i++) {
            a.success.put(in.str(), new SuccessRate(in.f64(), in.f64(), in.i64()));
        }
        return a;
    }
}
