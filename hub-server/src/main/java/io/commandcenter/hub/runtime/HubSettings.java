package io.commandcenter.hub.runtime;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.project.ProjectId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a hub is configured with. In the server every value comes from MicroProfile Config
 * (so from {@code CC_*} environment variables, system properties or {@code microprofile-config});
 * tests and benchmarks build it directly. Defaults are the embedded, single-machine setup.
 *
 * @param hubId                  this hub's id, stamped on events ({@code cc.hub.id})
 * @param grpcHost               interface the gRPC server binds ({@code cc.grpc.host})
 * @param grpcPort               gRPC port, 0 for any free one ({@code cc.grpc.port})
 * @param maxInboundMessageBytes largest gRPC message accepted ({@code cc.grpc.max-message-bytes})
 * @param flowControlWindowBytes HTTP/2 window per stream ({@code cc.grpc.flow-control-window})
 * @param database               the database ({@code cc.db.url}, {@code cc.db.user}, {@code cc.db.password})
 * @param defaultProject         project of calls that name none ({@code cc.project})
 * @param ingestBatchSize        most records per commit ({@code cc.ingest.batch-size})
 * @param ingestWindow           most unsettled records per stream ({@code cc.ingest.window})
 * @param ingestMaxStreams       most concurrent ingest streams ({@code cc.ingest.max-streams})
 * @param maxFutureSkew          how far ahead of the hub's clock a record may be ({@code cc.ingest.max-future-skew})
 * @param eventBufferSize        undelivered events kept per subscriber ({@code cc.events.buffer-size})
 * @param maxSubscribers         most concurrent event subscribers ({@code cc.events.max-subscribers})
 * @param modelsDir              where model artifacts live ({@code cc.models.dir}; default {@code <data dir>/models})
 * @param predict                the predictive engine's tuning ({@code cc.predict.*})
 */
public record HubSettings(String hubId, String grpcHost, int grpcPort, int maxInboundMessageBytes,
                          int flowControlWindowBytes, DatabaseSettings database, ProjectId defaultProject, int ingestBatchSize, int ingestWindow,
                          int ingestMaxStreams, Duration maxFutureSkew, int eventBufferSize, int maxSubscribers,
                          Path modelsDir, PredictiveEngine.Settings predict) {

    public HubSettings {
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(grpcHost, "grpcHost");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(defaultProject, "defaultProject");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        Objects.requireNonNull(modelsDir, "modelsDir");
        Objects.requireNonNull(predict, "predict");
        requireRange("cc.grpc.port", grpcPort, 0, 65535);
        requireRange("cc.grpc.max-message-bytes", maxInboundMessageBytes, 1024, 64 << 20);
        requireRange("cc.grpc.flow-control-window", flowControlWindowBytes, 64 << 10, 64 << 20);
        requireRange("cc.ingest.batch-size", ingestBatchSize, 1, 100_000);
        requireRange("cc.ingest.window", ingestWindow, 1, 1_000_000);
        requireRange("cc.ingest.max-streams", ingestMaxStreams, 1, 100_000);
        requireRange("cc.events.buffer-size", eventBufferSize, 1, 1_000_000);
        requireRange("cc.events.max-subscribers", maxSubscribers, 1, 100_000);
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("cc.ingest.max-future-skew must not be negative");
        }
    }

    /** The embedded defaults, on a data directory and gRPC port. */
    public static HubSettings defaults(Path dataDir, int grpcPort) {
        return new HubSettings("hub-local", "0.0.0.0", grpcPort, 4 << 20, 256 << 10, DatabaseSettings.embedded(dataDir),
                ProjectId.of("default"), 1000, 2048, 64, Duration.ofMinutes(5), 4096, 256, dataDir.resolve("models"),
                PredictiveEngine.Settings.defaults());
    }

    public HubSettings withDatabase(DatabaseSettings newDatabase) {
        return new HubSettings(hubId, grpcHost, grpcPort, maxInboundMessageBytes, flowControlWindowBytes, newDatabase,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, predict);
    }

    public HubSettings withPredict(PredictiveEngine.Settings newPredict) {
        return new HubSettings(hubId, grpcHost, grpcPort, maxInboundMessageBytes, flowControlWindowBytes, database,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, newPredict);
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
