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

import java.lang.System.Logger.Level;
import java.time.Clock;

/**
 * Starts the hub when the application starts and stops it when the application stops. The hub
 * is built by hand ({@link Hub#start}); CDI only carries to the REST resources the pieces the hub
 * built for them ({@link RestEndpoints}), one producer each, so a resource injects exactly what it
 * uses (as a {@code Provider}, read per request) and never the hub. A hub that fails to start
 * leaves the application running but not ready, with the reason in the log and in
 * {@code /health/ready}; a request then answers UNAVAILABLE ({@code HUB_NOT_STARTED}).
 */
@ApplicationScoped
public class HubLifecycle {
    private static final System.Logger LOG = System.getLogger(HubLifecycle.class.getName());

    private volatile Hub hub;
    private volatile String startFailure;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        try {
            org.eclipse.microprofile.config.Config config = ConfigProvider.getConfig(HubLifecycle.class.getClassLoader());
            HubSettings settings = ConfigSettings.read(config);
            hub = Hub.start(settings, io.commandcenter.hub.runtime.InferenceSettings.from(name -> config
                    .getOptionalValue(name, String.class).orElse("")), ConfigSettings.memory(config), Clock.systemUTC(),
                    ConfigSettings.tracing(config), true);
        } catch (RuntimeException e) {
            startFailure = e.getMessage();
            LOG.log(Level.ERROR, "the hub could not start: " + e.getMessage(), e);
        }
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        stop();
    }

    @PreDestroy
    void stop() {
        Hub running = hub;
        hub = null;
        if (running != null) {
            running.close();
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
        Hub running = hub;
        if (running == null) {
            throw io.commandcenter.common.error.CommandCenterException.unavailable("HUB_NOT_STARTED",
                    "the hub is not running" + (startFailure == null ? "" : ": " + startFailure), null);
        }
        return running;
    }

    /** Whether the hub runs; {@code false} before start, after stop, or when it failed to start. */
    public boolean isRunning() {
        return hub != null;
    }

    /** Why the hub failed to start; {@code null} when it did not fail. */
    public String startFailure() {
        return startFailure;
    }
}
