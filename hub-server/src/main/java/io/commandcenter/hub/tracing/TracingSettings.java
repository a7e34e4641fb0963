package io.commandcenter.hub.tracing;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the hub sends its traces (guide section 21).
 *
 * @param endpoint OTLP/HTTP traces endpoint ({@code http://collector:4318/v1/traces}); empty: tracing is
 *                 off and costs nothing (no span is built, no observer is registered)
 * @param delay    how long finished spans wait to be sent in a batch
 */
public record TracingSettings(String endpoint, Duration delay) {
    public TracingSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(delay, "delay");
        if (!endpoint.isEmpty()) {
            URI uri = URI.create(endpoint);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("cc.otel.endpoint must be an http(s) URL: " + endpoint);
            }
        }
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("cc.otel.delay must be positive");
        }
    }

    public static TracingSettings off() {
        return new TracingSettings("", Duration.ofSeconds(5));
    }

    public static TracingSettings to(String endpoint) {
        return new TracingSettings(endpoint, Duration.ofSeconds(5));
    }

    public TracingSettings withDelay(Duration value) {
        return new TracingSettings(endpoint, value);
    }

    public boolean enabled() {
        return !endpoint.isEmpty();
    }
}
