package io.commandcenter.hub.demo;

import io.commandcenter.hub.telemetry.HealthSampleRecord;

import java.time.Instant;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One simulated service of the demo. Healthy, it reports noisy but stable latency, a low error
 * rate, passing health checks, steady cpu and memory. A fault makes it degrade the way real services
 * do — and keep degrading until it is restarted:
 * <ul>
 *   <li>latency creep: latency grows a few percent a tick, then timeouts turn into errors;</li>
 *   <li>error burst: the error rate jumps and keeps climbing, health checks start failing;</li>
 *   <li>memory leak: memory climbs steadily, garbage collection stretches latency, and at the top the
 *       process crash-loops (checks fail, most requests error).</li>
 * </ul>
 * {@link #restart()} really fixes it: one tick of restarting (checks failing), then healthy with
 * fresh memory. Not thread-safe: the demo's ticker owns it.
 */
public final class SimulatedService {

    /** What is going wrong. */
    public enum Fault { NONE, LATENCY_CREEP, ERROR_BURST, MEMORY_LEAK }

    private final String name;
    private final double baseLatency;
    private final RandomGenerator random;

    private Fault fault = Fault.NONE;
    private int faultAge;
    private double memory = 0.35;
    private int restarting;
    private int restarts;

    public SimulatedService(String name, double baseLatency, RandomGenerator random) {
        this.name = name;
        this.baseLatency = baseLatency;
        this.random = random;
    }

    public String name() {
        return name;
    }

    public int restarts() {
        return restarts;
    }

    /** Whether something is wrong that only a restart fixes. */
    public boolean isDegraded() {
        return fault != Fault.NONE;
    }

    /** Starts degrading (ignored while already degrading). */
    public void startFault(Fault kind) {
        if (fault == Fault.NONE && kind != Fault.NONE) {
            fault = kind;
            faultAge = 0;
        }
    }

    /** Restarts the service: whatever was wrong is gone after a tick of restarting. */
    public void restart() {
        restarting = 1;
        restarts++;
        fault = Fault.NONE;
        faultAge = 0;
        memory = 0.3;
    }

    /** The sample of one tick. */
    public HealthSampleRecord tick(Instant now) {
        double latency = baseLatency * (1 + noise(0.03));
        double errors = Math.max(0, 0.002 + noise(0.001));
        double uptime = 1.0;
        double cpu = clamp(0.30 + noise(0.02));
        memory = clamp(memory + 0.0005 + noise(0.001) * 0.1);
        if (restarting > 0) {
            restarting--;
            uptime = 0.5;
            errors = 0.05;
        } else {
            switch (fault) {
                case LATENCY_CREEP -> {
                    latency *= 1 + 0.06 * faultAge;
                    errors += Math.max(0, 0.01 * (faultAge - 15));
                    cpu = clamp(cpu + 0.01 * faultAge);
                }
                case ERROR_BURST -> {
                    errors += Math.min(0.6, 0.05 + 0.02 * faultAge);
                    uptime = faultAge > 10 ? 0.8 : 1.0;
                }
                case MEMORY_LEAK -> {
                    memory = clamp(memory + 0.02);
                    latency *= 1 + 2 * Math.max(0, memory - 0.7);
                    if (memory >= 0.97) {
                        uptime = 0.3;
                        errors = 0.7;
                        latency *= 4;
                    }
                }
                case NONE -> {
                }
            }
            if (fault != Fault.NONE) {
                faultAge++;
            }
        }
        return new HealthSampleRecord(name + "-" + now.toEpochMilli(), name, now, uptime, round(latency),
                clamp(errors), cpu, memory, Map.of("requests_per_s", round(200 * (1 + noise(0.05)))));
    }

    private double noise(double scale) {
        return random.nextGaussian() * scale;
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(1, value));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
