package io.commandcenter.hub.runtime;

import io.commandcenter.hub.audit.grpc.AuditGrpcService;
import io.commandcenter.hub.memory.grpc.MemoryGrpcService;
import io.commandcenter.hub.events.EventStreams;
import io.commandcenter.hub.predict.grpc.ModelRegistryGrpcService;
import io.commandcenter.hub.predict.grpc.PredictGrpcService;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.remediate.grpc.RemediateGrpcService;
import io.commandcenter.hub.telemetry.RecordRules;
import io.commandcenter.hub.telemetry.SampleListing;

import java.util.Objects;

/**
 * What the REST layer is handed, each piece once, by the hub that built it ({@link Hub#start}):
 * CDI produces each as a bean ({@code HubLifecycle}), so a resource injects exactly what it uses and
 * never the hub.
 *
 * @param callers   who is calling (the same resolver the gRPC interceptor uses)
 * @param rules     the validation rules of ingest, for query arguments that name entities
 * @param samples   health-sample listing
 * @param events    live event streams (SSE)
 * @param predict   the predict API at the protobuf level (REST mirrors it)
 * @param remediate the remediation API at the protobuf level (REST mirrors it)
 * @param audit     the audit ledger's API at the protobuf level (REST mirrors it)
 * @param models    the model registry's API at the protobuf level (REST mirrors {@code TrainModel})
 * @param memory    the memory's API at the protobuf level (REST mirrors it)
 * @param http      the limits REST enforces (request bodies)
 * @param stats     the stats API ({@code cc stats}; REST mirrors it)
 */
public record RestEndpoints(CallerResolver callers, RecordRules rules, SampleListing samples, EventStreams events,
                            PredictGrpcService predict, RemediateGrpcService remediate, AuditGrpcService audit,
                            MemoryGrpcService memory, HttpSettings http, ModelRegistryGrpcService models,
                            io.commandcenter.hub.metrics.grpc.StatsGrpcService stats) {
    public RestEndpoints {
        Objects.requireNonNull(callers, "callers");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(samples, "samples");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(predict, "predict");
        Objects.requireNonNull(remediate, "remediate");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(stats, "stats");
    }
}
