package io.commandcenter.scheduler.agents;

import io.commandcenter.scheduler.wire.WireIn;
import io.commandcenter.scheduler.wire.WireOut;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * An agent as the scheduler knows it: an immutable snapshot for listings.
 *
 * @param hubId        the hub it is (or was last) connected to
 * @param leased       leases it holds
 * @param successRates decayed success rate per action it has results for
 */
public record AgentView(AgentRegistration registration, String hubId, AgentState state, int capacity, int leased,
                        AgentLoad load, Instant loadTime, Map<String, Double> successRates, Instant connectedAt,
                        Instant lastSeen) {
    public AgentView {
        successRates = Map.copyOf(successRates);
    }

    public static void write(WireOut out, AgentView a) {
        AgentRegistration.write(out, a.registration);
        out.str(a.hubId).i32(a.state.ordinal()).i32(a.capacity).i32(a.leased);
        AgentLoad.write(out, a.load);
        out.optional(a.loadTime, (o, t) -> o.i64(t.toEpochMilli()));
        out.list(new TreeMap<>(a.successRates).entrySet(), (o, e) -> o.str(e.getKey()).f64(e.getValue()));
        out.i64(a.connectedAt.toEpochMilli()).i64(a.lastSeen.toEpochMilli());
    }

    public static AgentView read(WireIn in) {
        AgentRegistration registration = AgentRegistration.read(in);
        String hub = in.str();
        AgentState state = AgentState.values()[in.i32()];
        int capacity = in.i32();
        int leased = in.i32();
        AgentLoad load = AgentLoad.read(in);
        Instant loadTime = in.optional(i -> Instant.ofEpochMilli(i.i64()));
        Map<String, Double> rates = new TreeMap<>();
        in.list(i -> rates.put(i.str(), i.f64()));
        return new AgentView(registration, hub, state, capacity, leased, load, loadTime, rates,
                Instant.ofEpochMilli(in.i64()), Instant.ofEpochMilli(in.i64()));
    }
}
