package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.hub.audit.grpc.AuditGrpcService;
import io.commandcenter.hub.events.EventStreams;
import io.commandcenter.hub.predict.grpc.PredictGrpcService;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.remediate.grpc.RemediateGrpcService;
import io.commandcenter.hub.runtime.HttpSettings;
import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.RestEndpoints;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.SampleListing;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Clock;

/**
 * Starts the hub when the application starts and stops it when the application stops. The hub
 * is built by hand ({@link Hub#start}); CDI only carries to the REST resources the pieces the hub
 * built for them ({@link RestEndpoints}), one producer each, so a resource injects exactly what it
 * uses (as a {@code Provider}, read per request) and never the hub. A hub whose database cannot be
 * reached at start is started again with backoff ({@link HubStarter}) until it can, not ready
 * meanwhile; a hub that fails to start for any other reason leaves the application running but not
 * ready, with the reason in the log and in {@code /health/ready}. A request to a hub not running
 * answers UNAVAILABLE ({@code HUB_NOT_STARTED}).
 */
@ApplicationScoped
public class HubLifecycle {
    private volatile HubStarter starter;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        begin(new HubStarter(() -> {
            org.eclipse.microprofile.config.Config config = ConfigProvider.getConfig(HubLifecycle.class.getClassLoader());
            HubSettings settings = ConfigSettings.read(config);
            return Hub.start(settings, io.commandcenter.hub.runtime.InferenceSettings.from(name -> config
                    .getOptionalValue(name, String.class).orElse("")), ConfigSettings.memory(config), Clock.systemUTC(),
                    ConfigSettings.tracing(config), true);
        }));
    }

    /** Starts the hub through {@code starting} (its first attempt on this thread; tests give their own). */
    void begin(HubStarter starting) {
        starter = starting;
        starting.begin();
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        stop();
    }

    @PreDestroy
    void stop() {
        HubStarter starting = starter;
        if (starting != null) {
            starting.close();
        }
    }

    @Produces
    @Dependent
    CallerResolver callerResolver() {
        return hub().endpoints().callers();
    }

    @Produces
    @Dependent
    RecordRules recordRules() {
        return hub().endpoints().rules();
    }

    @Produces
    @Dependent
    SampleListing sampleListing() {
        return hub().endpoints().samples();
    }

    @Produces
    @Dependent
    EventStreams eventStreams() {
        return hub().endpoints().events();
    }

    @Produces
    @Dependent
    PredictGrpcService predictApi() {
        return hub().endpoints().predict();
    }

    @Produces
    @Dependent
    RemediateGrpcService remediateApi() {
        return hub().endpoints().remediate();
    }

    @Produces
    @Dependent
    AuditGrpcService auditApi() {
        return hub().endpoints().audit();
    }

    @Produces
    @Dependent
    io.commandcenter.hub.predict.grpc.ModelRegistryGrpcService modelsApi() {
        return hub().endpoints().models();
    }

    @Produces
    @Dependent
    io.commandcenter.hub.memory.grpc.MemoryGrpcService memoryApi() {
        return hub().endpoints().memory();
    }

    @Produces
    @Dependent
    io.commandcenter.hub.metrics.grpc.StatsGrpcService statsApi() {
        return hub().endpoints().stats();
    }

    @Produces
    @Dependent
    HttpSettings httpSettings() {
        return hub().endpoints().http();
    }

    /**
     * The running hub (the health checks ask it whether it is ready).
     *
     * @throws io.commandcenter.common.error.CommandCenterException UNAVAILABLE ({@code HUB_NOT_STARTED}) when
     *         it is not running
     */
    public Hub hub() {
        HubStarter starting = starter;
        Hub running = starting == null ? null : starting.hub();
        if (running == null) {
            throw io.commandcenter.common.error.CommandCenterException.unavailable("HUB_NOT_STARTED",
                    "the hub is not running: " + notRunningReason(), null);
        }
        return running;
    }

    /** Whether the hub runs; {@code false} before start, while waiting for the database, after stop, or when it failed to start. */
    public boolean isRunning() {
        HubStarter starting = starter;
        return starting != null && starting.hub() != null;
    }

    /** Whether the hub was stopped (the application stops). */
    public boolean isStopped() {
        HubStarter starting = starter;
        return starting != null && starting.isStopped();
    }

    /** Why the hub failed to start for good; {@code null} when it did not fail. */
    public String startFailure() {
        HubStarter starting = starter;
        return starting == null ? null : starting.failure();
    }

    /**
     * Why the hub does not run: {@code starting}; {@code starting, waiting for the database (attempt n failed)}
     * while its database cannot be reached (attempt n is the last that failed, {@link #lastStartFailure} its
     * cause); the failure that ended its start; {@code stopped} once stopped; {@code running} when it runs.
     */
    public String notRunningReason() {
        HubStarter starting = starter;
        if (starting == null) {
            return "starting";
        }
        if (starting.hub() != null) {
            return "running";
        }
        if (starting.isStopped()) {
            return "stopped";
        }
        if (starting.failure() != null) {
            return starting.failure();
        }
        return lastStartFailure() == null ? "starting"
                : "starting, waiting for the database (attempt " + starting.lastFailed() + " failed)";
    }

    /** The last failed attempt's cause while the start waits for the database; {@code null} otherwise. */
    public String lastStartFailure() {
        HubStarter starting = starter;
        return starting == null || starting.hub() != null || starting.failure() != null || starting.isStopped()
                ? null : starting.lastCause();
    }
}
