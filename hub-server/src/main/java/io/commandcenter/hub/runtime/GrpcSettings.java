package io.commandcenter.hub.runtime;

import java.util.Objects;
import java.util.Optional;

/**
 * The hub's gRPC server.
 *
 * @param host                   interface it binds ({@code cc.grpc.host}; loopback unless told otherwise)
 * @param port                   port, 0 for any free one ({@code cc.grpc.port})
 * @param maxInboundMessageBytes largest message accepted ({@code cc.grpc.max-message-bytes})
 * @param flowControlWindowBytes HTTP/2 window per stream ({@code cc.grpc.flow-control-window})
 * @param tls                    TLS ({@code cc.tls=on} and {@code cc.tls.*}); empty: plaintext
 * @param predictOnEventLoop     whether a {@code Predict} that cannot wait runs on the transport's event loop
 *                               ({@code cc.grpc.predict-on-event-loop}, off by default: it spends less CPU a call
 *                               but measured no higher rate and a higher p99 on 2 cores, see docs/benchmarks.md)
 */
public record GrpcSettings(String host, int port, int maxInboundMessageBytes, int flowControlWindowBytes,
                           Optional<TlsSettings> tls, boolean predictOnEventLoop) {
    public GrpcSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        HubSettings.requireRange("cc.grpc.port", port, 0, 65535);
        HubSettings.requireRange("cc.grpc.max-message-bytes", maxInboundMessageBytes, 1024, 64 << 20);
        HubSettings.requireRange("cc.grpc.flow-control-window", flowControlWindowBytes, 64 << 10, 64 << 20);
    }

    /** Loopback, the given port, 4 MiB messages, 256 KiB windows. */
    public static GrpcSettings loopback(int port) {
        return new GrpcSettings("127.0.0.1", port, 4 << 20, 256 << 10, Optional.empty(), false);
    }

    public GrpcSettings withHost(String value) {
        return new GrpcSettings(value, port, maxInboundMessageBytes, flowControlWindowBytes, tls, predictOnEventLoop);
    }

    public GrpcSettings withTls(TlsSettings value) {
        return new GrpcSettings(host, port, maxInboundMessageBytes, flowControlWindowBytes, Optional.of(value),
                predictOnEventLoop);
    }

    public GrpcSettings withPredictOnEventLoop(boolean value) {
        return new GrpcSettings(host, port, maxInboundMessageBytes, flowControlWindowBytes, tls, value);
    }
}
