package io.commandcenter.hub.runtime;

import io.commandcenter.hub.agents.AgentSettings;
import io.commandcenter.hub.demo.DemoSettings;
import io.commandcenter.hub.learning.LearningSettings;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.persistence.RetentionSettings;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a hub is configured with. In the server every value comes from MicroProfile Config
 * (so from {@code CC_*} environment variables, system properties or {@code microprofile-config});
 * tests and benchmarks build it directly. Defaults are the embedded, single-machine setup.
 *
 * @param hubId                  this hub's id, stamped on events ({@code cc.hub.id})
 * @param grpc                   the gRPC server ({@code cc.grpc.*})
 * @param http                   what the hub enforces on HTTP ({@code cc.http.*})
 * @param limits                 projects' shares of the long-lived calls, idle timeouts
 * @param security               who may call ({@code cc.auth.*})
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
 * @param scheduler              the mesh scheduler ({@code cc.scheduler.*})
 * @param hazelcast              how the hub joins the scheduler's cluster ({@code cc.hazelcast.*}); empty:
 *                               alone, state in memory ({@code cc.hazelcast.mode=none})
 * @param remediate              the workflow engine's tuning ({@code cc.remediate.*})
 * @param agents                 what the built-in agents reach ({@code cc.agents.*}, {@code cc.devops.*},
 *                               {@code cc.notifier.*})
 * @param demo                   the live demo ({@code cc.demo}, {@code cc.demo.*})
 * @param learning               the learning loop ({@code cc.learning.*})
 * @param retention              how long telemetry, model runs, predictions and runs are kept ({@code cc.retention.*})
 */
public record HubSettings(String hubId, GrpcSettings grpc, HttpSettings http, StreamLimits limits,
                          SecuritySettings security, DatabaseSettings database,
                          ProjectId defaultProject, int ingestBatchSize, int ingestWindow,
                          int ingestMaxStreams, Duration maxFutureSkew, int eventBufferSize, int maxSubscribers,
                          Path modelsDir, PredictiveEngine.Settings predict, SchedulerSettings scheduler,
                          Optional<HazelcastSettings> hazelcast, RemediationEngine.Settings remediate,
                          AgentSettings agents, DemoSettings demo, LearningSettings learning,
                          RetentionSettings retention) {

    public HubSettings {
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(grpc, "grpc");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(defaultProject, "defaultProject");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        Objects.requireNonNull(modelsDir, "modelsDir");
        Objects.requireNonNull(predict, "predict");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(hazelcast, "hazelcast");
        Objects.requireNonNull(remediate, "remediate");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(demo, "demo");
        Objects.requireNonNull(learning, "learning");
        Objects.requireNonNull(retention, "retention");
        retention.requireCovers(learning.window());
        requireRange("cc.ingest.batch-size", ingestBatchSize, 1, 100_000);
        requireRange("cc.ingest.window", ingestWindow, 1, 1_000_000);
        requireRange("cc.ingest.max-streams", ingestMaxStreams, 1, 100_000);
        requireRange("cc.events.buffer-size", eventBufferSize, 1, 1_000_000);
        requireRange("cc.events.max-subscribers", maxSubscribers, 1, 100_000);
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("cc.ingest.max-future-skew must not be negative");
        }
    }

    /**
     * The embedded defaults, on a data directory and gRPC port, with the scheduler's state in memory
     * (one process; the server's configuration embeds a Hazelcast member instead) and no demo.
     */
    public static HubSettings defaults(Path dataDir, int grpcPort) {
        return new HubSettings("hub-local", GrpcSettings.loopback(grpcPort), HttpSettings.defaults(), StreamLimits.defaults(),
                SecuritySettings.defaults(dataDir),
                DatabaseSettings.embedded(dataDir),
                ProjectId.of("default"), 1000, 2048, 64, Duration.ofMinutes(5), 4096, 256, dataDir.resolve("models"),
                PredictiveEngine.Settings.defaults(), SchedulerSettings.defaults("hub-local"), Optional.empty(),
                RemediationEngine.Settings.defaults(), AgentSettings.defaults(), DemoSettings.off(),
                LearningSettings.defaults(), RetentionSettings.defaults());
    }

    /** Another hub id; give the scheduler the same one ({@link #withScheduler}). */
    public HubSettings withHubId(String value) {
        return new HubSettings(value, grpc, http, limits, security, database,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, predict, scheduler, hazelcast, remediate, agents, demo, learning, retention);
    }

    public HubSettings withDatabase(DatabaseSettings value) {
        return new HubSettings(hubId, grpc, http, limits, security, value,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, predict, scheduler, hazelcast, remediate, agents, demo, learning, retention);
    }

    public HubSettings withPredict(PredictiveEngine.Settings value) {
        return new HubSettings(hubId, grpc, http, limits, security, database,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, value, scheduler, hazelcast, remediate, agents, demo, learning, retention);
    }

    public HubSettings withScheduler(SchedulerSettings value, Optional<HazelcastSettings> cluster) {
        return new HubSettings(hubId, grpc, http, limits, security, database,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, predict, value, cluster, remediate, agents, demo, learning, retention);
    }

    public HubSettings withRemediate(RemediationEngine.Settings value) {
        return new HubSettings(hubId, grpc, http, limits, security, database,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, predict, scheduler, hazelcast, value, agents, demo, learning, retention);
    }

    public HubSettings withAgents(AgentSettings value) {
        return new HubSettings(hubId, grpc, http, limits, security, database,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, predict, scheduler, hazelcast, remediate, value, demo, learning, retention);
    }

    public HubSettings withDemo(DemoSettings value) {
        return new HubSettings(hubId, grpc, http, limits, security, database,
                defaultProject, ingestBatchSize, ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize,
                maxSubscribers, modelsDir, predict, scheduler, hazelcast, remediate, agents, value, learning, retention);
    }

    /** The same with other security settings. */
    public HubSettings withSecurity(SecuritySettings value) {
        return new HubSettings(hubId, grpc, http, limits, value, database, defaultProject, ingestBatchSize, ingestWindow,
                ingestMaxStreams, maxFutureSkew, eventBufferSize, maxSubscribers, modelsDir, predict, scheduler,
                hazelcast, remediate, agents, demo, learning, retention);
    }

    /** The same with another gRPC server setup. */
    public HubSettings withGrpc(GrpcSettings value) {
        return new HubSettings(hubId, value, http, limits, security, database, defaultProject, ingestBatchSize, ingestWindow,
                ingestMaxStreams, maxFutureSkew, eventBufferSize, maxSubscribers, modelsDir, predict, scheduler,
                hazelcast, remediate, agents, demo, learning, retention);
    }

    /** The same with other project shares and idle timeouts. */
    public HubSettings withLimits(StreamLimits value) {
        return new HubSettings(hubId, grpc, http, value, security, database, defaultProject, ingestBatchSize,
                ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize, maxSubscribers, modelsDir, predict,
                scheduler, hazelcast, remediate, agents, demo, learning, retention);
    }

    /** The same with other HTTP limits. */
    public HubSettings withHttp(HttpSettings value) {
        return new HubSettings(hubId, grpc, value, limits, security, database, defaultProject, ingestBatchSize, ingestWindow,
                ingestMaxStreams, maxFutureSkew, eventBufferSize, maxSubscribers, modelsDir, predict, scheduler,
                hazelcast, remediate, agents, demo, learning, retention);
    }

    /** The same with another learning loop setup. */
    public HubSettings withLearning(LearningSettings value) {
        return new HubSettings(hubId, grpc, http, limits, security, database, defaultProject, ingestBatchSize,
                ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize, maxSubscribers, modelsDir, predict,
                scheduler, hazelcast, remediate, agents, demo, value, retention);
    }

    /** The same with other retention ages, interval or batch. */
    public HubSettings withRetention(RetentionSettings value) {
        return new HubSettings(hubId, grpc, http, limits, security, database, defaultProject, ingestBatchSize,
                ingestWindow, ingestMaxStreams, maxFutureSkew, eventBufferSize, maxSubscribers, modelsDir, predict,
                scheduler, hazelcast, remediate, agents, demo, learning, value);
    }

    static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
