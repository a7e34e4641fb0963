package io.commandcenter.inference.remote;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One remote inference endpoint from configuration.
 *
 * @param name         the endpoint's name in configuration and in every answer ({@code triton-a})
 * @param kind         {@code triton} (KServe v2 / Open Inference Protocol over gRPC) or {@code vertex}
 * @param target       {@code host:port} (triton) or the {@code https://…:predict} URL (vertex)
 * @param tls          gRPC over TLS (triton)
 * @param deadline     per attempt
 * @param maxAttempts  attempts per call (1 = no retry); only transient failures are retried
 * @param backoff      wait before the second attempt, doubled before each further one
 * @param breakerFailures consecutive failed calls that open the circuit
 * @param breakerOpen  how long an open circuit refuses calls before one trial
 * @param headers      sent with every call (a remote CommandCenter hub wants {@code x-cc-project})
 * @param tokenFile    a file holding a bearer token (re-read on every call: rotation needs no restart)
 * @param serviceAccountKey a Google service-account key file (vertex): its JWT is exchanged for tokens
 */
public record RemoteEndpoint(String name, String kind, String target, boolean tls, Duration deadline, int maxAttempts,
                             Duration backoff, int breakerFailures, Duration breakerOpen, Map<String, String> headers,
                             Optional<Path> tokenFile, Optional<Path> serviceAccountKey) {

    public RemoteEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        headers = Map.copyOf(headers);
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be 1 to 10");
        }
    }

    /** A Triton / KServe v2 gRPC endpoint with the defaults: 2 s deadline, 3 attempts, breaker 5 failures / 30 s. */
    public static RemoteEndpoint triton(String name, String target) {
        return new RemoteEndpoint(name, "triton", target, false, Duration.ofSeconds(2), 3, Duration.ofMillis(50), 5,
                Duration.ofSeconds(30), Map.of(), Optional.empty(), Optional.empty());
    }

    public RemoteEndpoint withDeadline(Duration d) {
        return new RemoteEndpoint(name, kind, target, tls, d, maxAttempts, backoff, breakerFailures, breakerOpen, headers,
                tokenFile, serviceAccountKey);
    }

    public RemoteEndpoint withRetries(int attempts, Duration wait) {
        return new RemoteEndpoint(name, kind, target, tls, deadline, attempts, wait, breakerFailures, breakerOpen, headers,
                tokenFile, serviceAccountKey);
    }

    public RemoteEndpoint withBreaker(int failures, Duration open) {
        return new RemoteEndpoint(name, kind, target, tls, deadline, maxAttempts, backoff, failures, open, headers,
                tokenFile, serviceAccountKey);
    }

    public RemoteEndpoint withHeaders(Map<String, String> h) {
        return new RemoteEndpoint(name, kind, target, tls, deadline, maxAttempts, backoff, breakerFailures, breakerOpen, h,
                tokenFile, serviceAccountKey);
    }

    public RemoteEndpoint withTokenFile(Path file) {
        return new RemoteEndpoint(name, kind, target, tls, deadline, maxAttempts, backoff, breakerFailures, breakerOpen,
                headers, Optional.of(file), serviceAccountKey);
    }

    /** The host a call goes to: what the allow-list is checked against. */
    public String host() {
        if (target.contains("://")) {
            return URI.create(target).getHost();
        }
        int colon = target.lastIndexOf(':');
        return colon < 0 ? target : target.substring(0, colon);
    }
}
