package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.hub.agents.AgentSettings;
import io.commandcenter.hub.demo.DemoSettings;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.persistence.RetentionSettings;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.learning.LearningSettings;
import io.commandcenter.models.train.loop.PromotionRule;
import io.commandcenter.hub.runtime.GrpcSettings;
import io.commandcenter.hub.runtime.HttpSettings;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.SecuritySettings;
import io.commandcenter.hub.runtime.StreamLimits;
import io.commandcenter.hub.runtime.TlsSettings;
import io.commandcenter.hub.security.AdminKeyFile;
import io.commandcenter.hub.security.jwt.JwtSettings;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import org.eclipse.microprofile.config.Config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads {@link HubSettings} from MicroProfile Config. Every setting has a property name
 * ({@code cc.grpc.port}) and so, by MicroProfile's mapping, an environment variable
 * ({@code CC_GRPC_PORT}); unset or empty means the default.
 */
final class ConfigSettings {
    private static final System.Logger LOG = System.getLogger(ConfigSettings.class.getName());

    private ConfigSettings() {
    }

    /** Where traces go: {@code cc.otel.endpoint} (empty: off), {@code cc.otel.delay} (PT5S). */
    static io.commandcenter.hub.tracing.TracingSettings tracing(Config config) {
        return new io.commandcenter.hub.tracing.TracingSettings(string(config, "cc.otel.endpoint", ""),
                duration(config, "cc.otel.delay", "PT5S"));
    }

    static HubSettings read(Config config) {
        Path dataDir = Path.of(string(config, "cc.data.dir", "data")).toAbsolutePath().normalize();
        DatabaseSettings database = new DatabaseSettings(string(config, "cc.db.url", ""),
                string(config, "cc.db.user", ""), string(config, "cc.db.password", ""), dataDir,
                integer(config, "cc.db.pool-size", 8));
        String hubId = string(config, "cc.hub.id", defaultHubId());
        Function<String, String> property = name -> string(config, name, "");
        Optional<HazelcastSettings> cluster = "none".equalsIgnoreCase(string(config, "cc.hazelcast.mode", "embedded"))
                ? Optional.empty() : Optional.of(HazelcastSettings.from(hubId, property));
        RemediationEngine.Settings remediate = new RemediationEngine.Settings(
                integer(config, "cc.remediate.lanes", 4),
                duration(config, "cc.remediate.approval-sweep", "PT5S"),
                duration(config, "cc.remediate.outcome-window", "PT2M"),
                number(config, "cc.remediate.worse-margin", 0.05),
                duration(config, "cc.remediate.refresh", "PT5S"),
                integer(config, "cc.remediate.event-buffer", 65_536),
                duration(config, "cc.remediate.facts-max-age", "PT60S"),
                duration(config, "cc.remediate.lease-ttl", "PT30S"));
        AgentSettings agents = new AgentSettings(
                integer(config, "cc.agents.capacity", 4),
                duration(config, "cc.agents.timeout", "PT30S"),
                Optional.of(string(config, "cc.notifier.slack-webhook", "")).filter(u -> !u.isEmpty())
                        .map(u -> AgentSettings.url("cc.notifier.slack-webhook", u)),
                AgentSettings.urls("cc.notifier.webhooks", string(config, "cc.notifier.webhooks", "")),
                AgentSettings.urls("cc.devops.endpoints", string(config, "cc.devops.endpoints", "")),
                AgentSettings.commands("cc.devops.commands", string(config, "cc.devops.commands", "")));
        DemoSettings demo = new DemoSettings(
                string(config, "cc.demo", "false").equalsIgnoreCase("true"),
                duration(config, "cc.demo.tick", "PT1S"),
                integer(config, "cc.demo.first-fault", 80),
                integer(config, "cc.demo.fault-every", 150),
                integer(config, "cc.demo.seed", 42));
        String auth = string(config, "cc.auth", "on").toLowerCase(Locale.ROOT);
        if (!auth.equals("on") && !auth.equals("off")) {
            throw new IllegalArgumentException("cc.auth must be on or off, got '" + auth + "'");
        }
        String httpHost = string(config, "cc.http.host", "localhost");
        Optional<TlsSettings> tls = TlsSettings.from(property);
        if (tls.isPresent() && integer(config, "cc.http.port", 9080) != -1) {
            // Liberty reads CC_HTTP_PORT and CC_HTTPS_PORT itself; the hub refuses a half-encrypted start
            throw new IllegalArgumentException("cc.tls=on but REST would still be served over plain HTTP on port "
                    + integer(config, "cc.http.port", 9080) + ": set CC_HTTP_PORT=-1 and CC_HTTPS_PORT (bin/hub does"
                    + " both for CC_TLS=on)");
        }
        boolean httpLoopback = httpHost.equals("localhost") || httpHost.startsWith("127.") || httpHost.equals("::1");
        if (auth.equals("off") && !httpLoopback) {
            throw new IllegalArgumentException("cc.auth=off is allowed only when the hub listens on loopback alone,"
                    + " and cc.http.host (CC_HTTP_HOST) is " + httpHost);
        }
        if (tls.isEmpty() && !httpLoopback) {
            LOG.log(System.Logger.Level.WARNING, "REST and the console listen on {0} beyond this machine WITHOUT TLS:"
                    + " API keys typed into the console cross the network in clear. Set CC_TLS=on with"
                    + " CC_TLS_KEYSTORE (section 16 of the guide).", httpHost);
        }
        return new HubSettings(
                hubId,
                new GrpcSettings(
                        string(config, "cc.grpc.host", "127.0.0.1"),
                        integer(config, "cc.grpc.port", 50051),
                        integer(config, "cc.grpc.max-message-bytes", 4 << 20),
                        integer(config, "cc.grpc.flow-control-window", 256 << 10),
                        tls,
                        flag(config, "cc.grpc.predict-on-event-loop", false)),
                new HttpSettings(integer(config, "cc.http.max-body-bytes", HttpSettings.DEFAULT_MAX_BODY_BYTES),
                        auth.equals("off")),
                new StreamLimits(
                        integer(config, "cc.events.max-subscribers-per-project",
                                Math.max(1, integer(config, "cc.events.max-subscribers", 256) / 4)),
                        integer(config, "cc.ingest.max-streams-per-project",
                                Math.max(1, integer(config, "cc.ingest.max-streams", 64) / 4)),
                        duration(config, "cc.ingest.idle-timeout", "PT60S"),
                        duration(config, "cc.events.sse-heartbeat", "PT1S"),
                        integer(config, "cc.ingest.max-in-flight", StreamLimits.DEFAULT_INGEST_IN_FLIGHT),
                        duration(config, "cc.backtest.idle-timeout", "PT30S")),
                new SecuritySettings(auth.equals("on"), duration(config, "cc.auth.key-cache", "PT10S"),
                        Path.of(string(config, "cc.auth.admin-key-file",
                                dataDir.resolve(AdminKeyFile.FILE).toString())).toAbsolutePath().normalize(),
                        JwtSettings.from(property),
                        number(config, "cc.limits.calls-per-second", SecuritySettings.DEFAULT_CALLS_PER_SECOND),
                        integer(config, "cc.limits.burst", SecuritySettings.DEFAULT_BURST)),
                database,
                ProjectId.of(string(config, "cc.project", "default")),
                integer(config, "cc.ingest.batch-size", 1000),
                integer(config, "cc.ingest.window", 2048),
                integer(config, "cc.ingest.max-streams", 64),
                duration(config, "cc.ingest.max-future-skew", "PT5M"),
                integer(config, "cc.events.buffer-size", 4096),
                integer(config, "cc.events.max-subscribers", 256),
                Path.of(string(config, "cc.models.dir", dataDir.resolve("models").toString())).toAbsolutePath().normalize(),
                new PredictiveEngine.Settings(
                        !string(config, "cc.predict.enabled", "true").equalsIgnoreCase("false"),
                        integer(config, "cc.predict.buffer-size", 65_536),
                        integer(config, "cc.predict.batch-size", 512),
                        duration(config, "cc.predict.flush-interval", "PT0.1S"),
                        duration(config, "cc.predict.cooldown", "PT10M"),
                        integer(config, "cc.predict.max-entities", 100_000),
                        duration(config, "cc.predict.aggregate-window", "PT1M"),
                        duration(config, "cc.predict.champion-refresh", "PT10S")),
                SchedulerSettings.from(hubId, property),
                cluster, remediate, agents, demo,
                new LearningSettings(string(config, "cc.learning.schedule", "0 3 * * *"),
                        duration(config, "cc.learning.window", "P7D"),
                        duration(config, "cc.learning.row-every", "PT1M"),
                        integer(config, "cc.learning.synthetic-series", 60),
                        integer(config, "cc.learning.validation-series", 20),
                        new PromotionRule(number(config, "cc.learning.margin", 0.02),
                                number(config, "cc.learning.tolerance", 0.02),
                                integer(config, "cc.learning.min-incidents", 3)),
                        !string(config, "cc.learning.shadow", "true").equalsIgnoreCase("false"),
                        LearningSettings.parseShadowGate(string(config, "cc.learning.shadow-gate", "")),
                        duration(config, "cc.learning.shadow-retention", "P30D"),
                        duration(config, "cc.learning.stop-wait", "PT30S")),
                new RetentionSettings(age(config, "cc.retention.telemetry", "P30D"),
                        age(config, "cc.retention.model-runs", "P14D"),
                        age(config, "cc.retention.predictions", "P90D"),
                        age(config, "cc.retention.runs", "P90D"),
                        duration(config, "cc.retention.interval", "PT10M"),
                        integer(config, "cc.retention.batch", 5000)));
    }

    /** The hub's memory ({@code cc.memory.*}, guide section 20). */
    static io.commandcenter.hub.runtime.MemorySettings memory(Config config) {
        Path dataDir = Path.of(string(config, "cc.data.dir", "data")).toAbsolutePath().normalize();
        String url = string(config, "cc.memory.mem0.url", "");
        return new io.commandcenter.hub.runtime.MemorySettings(string(config, "cc.memory.backend", "embedded"),
                Path.of(string(config, "cc.memory.dir", dataDir.resolve("memory").toString())).toAbsolutePath().normalize(),
                number(config, "cc.memory.min-similarity", 0.6), integer(config, "cc.memory.writer-queue", 10_000),
                url.isEmpty() ? Optional.empty() : Optional.of(java.net.URI.create(url)),
                string(config, "cc.memory.mem0.api-key", ""), duration(config, "cc.memory.mem0.timeout", "PT5S"),
                duration(config, "cc.memory.mem0.search-budget", "PT30S"),
                duration(config, "cc.memory.advice-timeout", "PT2S"));
    }

    private static String string(Config config, String name, String fallback) {
        return config.getOptionalValue(name, String.class).map(String::strip).filter(s -> !s.isEmpty())
                .orElse(fallback);
    }

    private static Duration duration(Config config, String name, String fallback) {
        String value = string(config, name, fallback).toUpperCase(Locale.ROOT);
        try {
            return Duration.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT5M, got '" + value + "'", e);
        }
    }

    /** A retention age: an ISO-8601 duration, or {@code 0} (keep forever). */
    private static Duration age(Config config, String name, String fallback) {
        return string(config, name, fallback).equals("0") ? Duration.ZERO : duration(config, name, fallback);
    }

    private static double number(Config config, String name, double fallback) {
        String value = string(config, name, "");
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
        }
    }

    private static boolean flag(Config config, String name, boolean fallback) {
        String value = string(config, name, "").toLowerCase(Locale.ROOT);
        return switch (value) {
            case "" -> fallback;
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    private static int integer(Config config, String name, int fallback) {
        String value = string(config, name, "");
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
        }
    }

    private static String defaultHubId() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "hub";
        }
    }
}
