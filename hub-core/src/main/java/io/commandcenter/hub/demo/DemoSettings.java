package io.commandcenter.hub.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * The live demo: simulated services in the default project, degrading now and then.
 *
 * @param enabled              {@code cc.demo} ({@code CC_DEMO=true}; on in {@code bin/hub}, off otherwise)
 * @param tick                 how often every service reports ({@code cc.demo.tick})
 * @param firstFaultTick       ticks before the first service degrades
 * @param meanTicksBetweenFaults later faults, on average
 * @param seed                 random seed of the fleet (the same seed tells the same story)
 */
public record DemoSettings(boolean enabled, Duration tick, int firstFaultTick, int meanTicksBetweenFaults, long seed) {
    public DemoSettings {
        Objects.requireNonNull(tick, "tick");
        if (tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("cc.demo.tick must be positive");
        }
        if (firstFaultTick < 1 || meanTicksBetweenFaults < 1) {
            throw new IllegalArgumentException("demo fault ticks must be >= 1");
        }
    }

    public static DemoSettings off() {
        return new DemoSettings(false, Duration.ofSeconds(1), 80, 150, 42);
    }
}
