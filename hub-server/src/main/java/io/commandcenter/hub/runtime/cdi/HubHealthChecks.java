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
 * answers; {@code /health/live} is UP while the ingest writer is alive and not stuck.
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
                return response.down().withData("reason", lifecycle.startFailure() == null ? "starting"
                        : lifecycle.startFailure()).build();
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
                // not started yet, or failed to start: restarting the process will not help a bad config,
                // but a live check must not flap while the server starts
                return response.up().withData("state", lifecycle.startFailure() == null ? "starting" : "failed")
                        .build();
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
