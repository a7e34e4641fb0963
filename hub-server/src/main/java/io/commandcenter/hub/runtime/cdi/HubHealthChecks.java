package io.commandcenter.hub.runtime.cdi;

import io.commandcenter.hub.runtime.Hub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health: {@code /health/ready} is UP once the hub serves gRPC and its database
 * answers (DOWN before, with the reason: {@code starting}, {@code starting, waiting for the database
 * (attempt n failed)} and that attempt's failure, why the start failed, or {@code stopped}); {@code /health/live}
 * is UP while the ingest writer is alive and not stuck, and while the hub starts.
 */
@ApplicationScoped
public class HubHealthChecks {
    @Inject
    HubLifecycle lifecycle;

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("hub");
            if (!lifecycle.isRunning()) {
                response.down().withData("reason", lifecycle.notRunningReason());
                String cause = lifecycle.lastStartFailure();
                return (cause == null ? response : response.withData("lastFailure", cause)).build();
            }
            Hub hub = lifecycle.hub();
            return response.status(hub.isReady())
                    .withData("hubId", hub.settings().hubId())
                    .withData("grpcPort", hub.grpcPort())
                    .withData("database", hub.database().vendor().name())
                    .withData("defaultProject", hub.settings().defaultProject().value())
                    .build();
        };
    }

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("ingest");
            if (!lifecycle.isRunning()) {
                // not started yet, waiting for its database (the hub tries again by itself), or failed to
                // start: restarting the process will not help a bad config, and a live check must not flap
                // while the server starts
                return response.up().withData("state", lifecycle.startFailure() != null ? "failed"
                        : lifecycle.isStopped() ? "stopped" : "starting").build();
            }
            Hub hub = lifecycle.hub();
            return response.status(hub.isLive())
                    .withData("stored", hub.pipeline().storedCount())
                    .withData("duplicates", hub.pipeline().duplicateCount())
                    .withData("queued", hub.pipeline().queued())
                    .withData("failedBatches", hub.pipeline().failedBatchCount())
                    .withData("subscribers", hub.bus().subscriberCount())
                    .withData("predictRecords", hub.engine().stats().recordsSeen())
                    .withData("predictRuns", hub.engine().stats().runs())
                    .withData("predictionsRaised", hub.engine().stats().raised())
                    .withData("predictDropped", hub.engine().stats().dropped())
                    .withData("runChainsRefused", hub.remediation().chainsRefused())
                    .build();
        };
    }
}
