package io.commandcenter.hub.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * What one project may hold of the hub's long-lived calls, and how soon the hub lets go of one
 * nobody uses (issue 17): the hub-wide limits ({@code cc.events.max-subscribers},
 * {@code cc.ingest.max-streams}) are shared, and a project holds at most its share of them (a share
 * larger than the hub-wide limit is the limit).
 *
 * @param subscribersPerProject   event subscriptions (gRPC {@code Subscribe} and SSE) one project may hold
 *                                ({@code cc.events.max-subscribers-per-project})
 * @param ingestStreamsPerProject ingest streams ({@code Ingest}, {@code IngestStream}) one project may hold
 *                                ({@code cc.ingest.max-streams-per-project})
 * @param ingestIdleTimeout       an ingest stream whose client sent nothing for this long (while the hub
 *                                holds none of its records) is ended with UNAVAILABLE {@code STREAM_IDLE}
 *                                ({@code cc.ingest.idle-timeout})
 * @param sseHeartbeat            how often an SSE stream gets a comment, so a client that went away is
 *                                noticed and its subscription released ({@code cc.events.sse-heartbeat})
 * @param ingestInFlight          most records of all ingest streams together inside the hub, shared per
 *                                project, then per stream ({@code cc.ingest.max-in-flight};
 *                                {@link io.commandcenter.hub.telemetry.InFlightShares})
 * @param backtestIdleTimeout     a {@code Backtest} call that sent no chunk, or read no answer, for this long is
 *                                ended with UNAVAILABLE {@code BACKTEST_IDLE} and its slot freed
 *                                ({@code cc.backtest.idle-timeout})
 */
public record StreamLimits(int subscribersPerProject, int ingestStreamsPerProject, Duration ingestIdleTimeout,
                           Duration sseHeartbeat, int ingestInFlight, Duration backtestIdleTimeout) {
    /** The default {@link #backtestIdleTimeout}. */
    public static final Duration DEFAULT_BACKTEST_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The default hub-wide bound of records inside the hub ({@code cc.ingest.max-in-flight}). */
    public static final int DEFAULT_INGEST_IN_FLIGHT = 4096;

    /** The same with the default {@link #DEFAULT_INGEST_IN_FLIGHT}. */
    public StreamLimits(int subscribersPerProject, int ingestStreamsPerProject, Duration ingestIdleTimeout,
                        Duration sseHeartbeat) {
        this(subscribersPerProject, ingestStreamsPerProject, ingestIdleTimeout, sseHeartbeat, DEFAULT_INGEST_IN_FLIGHT);
    }

    /** The same with the default {@link #DEFAULT_BACKTEST_IDLE_TIMEOUT}. */
    public StreamLimits(int subscribersPerProject, int ingestStreamsPerProject, Duration ingestIdleTimeout,
                        Duration sseHeartbeat, int ingestInFlight) {
        this(subscribersPerProject, ingestStreamsPerProject, ingestIdleTimeout, sseHeartbeat, ingestInFlight,
                DEFAULT_BACKTEST_IDLE_TIMEOUT);
    }

    public StreamLimits {
        HubSettings.requireRange("cc.ingest.max-in-flight", ingestInFlight, 1, 100_000_000);
        HubSettings.requireRange("cc.events.max-subscribers-per-project", subscribersPerProject, 1, 100_000);
        HubSettings.requireRange("cc.ingest.max-streams-per-project", ingestStreamsPerProject, 1, 100_000);
        Objects.requireNonNull(ingestIdleTimeout, "ingestIdleTimeout");
        Objects.requireNonNull(sseHeartbeat, "sseHeartbeat");
        Objects.requireNonNull(backtestIdleTimeout, "backtestIdleTimeout");
        if (backtestIdleTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("cc.backtest.idle-timeout must be at least 100 ms, got " + backtestIdleTimeout);
        }
        if (ingestIdleTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("cc.ingest.idle-timeout must be at least 100 ms, got " + ingestIdleTimeout);
        }
        if (sseHeartbeat.compareTo(Duration.ofMillis(100)) < 0 || sseHeartbeat.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("cc.events.sse-heartbeat must be between 100 ms and 1 min, got "
                    + sseHeartbeat);
        }
    }

    /**
     * A quarter of the defaults' hub-wide limits per project (64 subscriptions, 16 streams), 60 s idle, 1 s heartbeat,
     * 4,096 records in flight.
     */
    public static StreamLimits defaults() {
        return new StreamLimits(64, 16, Duration.ofSeconds(60), Duration.ofSeconds(1));
    }
}
