package io.commandcenter.hub.demo;

import io.commandcenter.hub.telemetry.HealthSampleRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The demo's services and their misfortunes: five services sampled every tick; the first faults
 * come early (so a newcomer sees predictions within minutes of starting a hub), later ones at
 * random times, each to the service that has gone longest without one, never more than two
 * services degraded at once. Deterministic for a given random
 * generator. Not thread-safe: the demo's ticker owns it.
 */
public final class DemoFleet {
    private static final SimulatedService.Fault[] FAULTS = {
            SimulatedService.Fault.ERROR_BURST, SimulatedService.Fault.LATENCY_CREEP,
            SimulatedService.Fault.MEMORY_LEAK};

    private final Map<String, SimulatedService> services = new LinkedHashMap<>();
    private final RandomGenerator random;
    private final int firstFaultTick;
    private final int meanTicksBetweenFaults;
    private long tick;
    private int faultsStarted;
    private final Map<String, Long> lastFault = new HashMap<>();

    /**
     * @param firstFaultTick         when the first service starts degrading (ticks after start)
     * @param meanTicksBetweenFaults then, on average, how often another one does
     */
    public DemoFleet(RandomGenerator random, int firstFaultTick, int meanTicksBetweenFaults) {
        this.random = random;
        this.firstFaultTick = firstFaultTick;
        this.meanTicksBetweenFaults = meanTicksBetweenFaults;
        add("checkout-api", 120);
        add("payments", 180);
        add("catalog", 60);
        add("search", 90);
        add("auth", 40);
    }

    private void add(String name, double latency) {
        services.put(name, new SimulatedService(name, latency, random));
    }

    /** One sample of every service at {@code now}; may start a fault first. */
    public List<HealthSampleRecord> tick(Instant now) {
        tick++;
        maybeStartFault();
        List<HealthSampleRecord> samples = new ArrayList<>(services.size());
        for (SimulatedService service : services.values()) {
            samples.add(service.tick(now));
        }
        return samples;
    }

    private void maybeStartFault() {
        long degraded = services.values().stream().filter(SimulatedService::isDegraded).count();
        boolean due;
        if (faultsStarted == 0) {
            due = tick >= firstFaultTick;
        } else if (faultsStarted == 1) {
            // the second comes soon after, so both an automatic restart and an approval show early
            due = tick >= firstFaultTick + firstFaultTick / 2;
        } else {
            due = random.nextInt(Math.max(1, meanTicksBetweenFaults)) == 0;
        }
        if (!due || degraded >= 2) {
            return;
        }
        // the healthy service that has gone longest without trouble (never: in list order): a service
        // that failed minutes ago would be the same incident to the predictive engine (its cooldown),
        // and a newcomer should see each service's story once before any repeats
        Optional<SimulatedService> victim = services.values().stream().filter(s -> !s.isDegraded())
                .min(Comparator.comparingLong(s -> lastFault.getOrDefault(s.name(), Long.MIN_VALUE)));
        if (victim.isEmpty()) {
            return;
        }
        victim.get().startFault(FAULTS[faultsStarted % FAULTS.length]);
        lastFault.put(victim.get().name(), tick);
        faultsStarted++;
    }

    /** Restarts a service; empty when there is no such service. */
    public Optional<SimulatedService> restart(String name) {
        SimulatedService service = services.get(name);
        if (service != null) {
            service.restart();
        }
        return Optional.ofNullable(service);
    }

    public Optional<SimulatedService> service(String name) {
        return Optional.ofNullable(services.get(name));
    }

    public List<SimulatedService> services() {
        return List.copyOf(services.values());
    }
}
