package io.commandcenter.hub.runtime;

/**
 * What the hub itself enforces on HTTP (REST and SSE); the port and interface are Liberty's
 * ({@code CC_HTTP_PORT}, {@code cc.http.host}).
 *
 * @param maxBodyBytes      the largest request body read ({@code cc.http.max-body-bytes}); a larger one is
 *                          refused with 413 before it is read whole
 * @param loopbackHostsOnly whether a request must name a loopback host ({@code Host: localhost:9080}): true when
 *                          authentication is off, so a web page whose name an attacker points at 127.0.0.1 (DNS
 *                          rebinding) cannot call a hub that trusts every local caller
 */
public record HttpSettings(int maxBodyBytes, boolean loopbackHostsOnly) {
    /** The default body limit: the same as gRPC's largest message. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 << 20;

    public HttpSettings {
        HubSettings.requireRange("cc.http.max-body-bytes", maxBodyBytes, 1024, 64 << 20);
    }

    /** Bodies up to {@code maxBodyBytes}, any host. */
    public HttpSettings(int maxBodyBytes) {
        this(maxBodyBytes, false);
    }

    /** Bodies up to 4 MiB, any host. */
    public static HttpSettings defaults() {
        return new HttpSettings(DEFAULT_MAX_BODY_BYTES);
    }
}
