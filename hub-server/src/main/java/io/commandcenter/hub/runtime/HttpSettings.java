package io.commandcenter.hub.runtime;

/**
 * What the hub itself enforces on HTTP (REST and SSE); the port and interface are Liberty's
 * ({@code CC_HTTP_PORT}, {@code cc.http.host}).
 *
 * @param maxBodyBytes the largest request body read ({@code cc.http.max-body-bytes}); a larger one is
 *                     refused with 413 before it is read whole
 */
public record HttpSettings(int maxBodyBytes) {
    /** The default body limit: the same as gRPC's largest message. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 << 20;

    public HttpSettings {
        HubSettings.requireRange("cc.http.max-body-bytes", maxBodyBytes, 1024, 64 << 20);
    }

    /** Bodies up to 4 MiB. */
    public static HttpSettings defaults() {
        return new HttpSettings(DEFAULT_MAX_BODY_BYTES);
    }
}
