package io.commandcenter.hub.transport;

import io.commandcenter.hub.security.Permission;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static io.commandcenter.hub.security.Permission.ADMINISTER;
import static io.commandcenter.hub.security.Permission.DECIDE;
import static io.commandcenter.hub.security.Permission.INGEST;
import static io.commandcenter.hub.security.Permission.PUBLIC;
import static io.commandcenter.hub.security.Permission.READ;
import static io.commandcenter.hub.security.Permission.RUN_AGENT;

/**
 * The one table of what every operation needs, keyed by gRPC method ({@code package.Service/Method}).
 * The gRPC interceptor looks a call's method up here; every REST endpoint names the RPC it mirrors
 * ({@code @Mirrors}) and the HTTP filter looks that up, so a permission is written once for both.
 * An operation missing from the table is refused (tests hold the table to the contracts and to
 * every REST endpoint; the guide prints it).
 */
public final class AccessTable {
    private static final Map<String, Permission> TABLE = build();

    private AccessTable() {
    }

    private static Map<String, Permission> build() {
        Map<String, Permission> t = new LinkedHashMap<>();
        String v1 = "commandcenter.v1.";
        put(t, v1 + "TelemetryService", Map.of("Ingest", INGEST, "IngestStream", INGEST, "ListHealthSamples", READ));
        put(t, v1 + "EventService", Map.of("Subscribe", READ));
        put(t, v1 + "PredictService", Map.of("Predict", READ, "ListPredictions", READ, "GetPrediction", READ,
                "Backtest", READ, "ListModelRuns", READ, "GetModelRun", READ,
                "LabelPrediction", DECIDE, "DeclareIncident", DECIDE, "ExportFeedback", READ));
        put(t, v1 + "ModelRegistryService", Map.of("ListModels", READ, "GetModel", READ,
                "RegisterModel", ADMINISTER, "PromoteModel", ADMINISTER, "RollbackModel", ADMINISTER,
                "TrainModel", ADMINISTER));
        Map<String, Permission> remediate = new LinkedHashMap<>();
        remediate.put("ListWorkflows", READ);
        remediate.put("GetWorkflow", READ);
        remediate.put("PutWorkflow", ADMINISTER);
        remediate.put("DryRunWorkflow", READ);
        remediate.put("TriggerWorkflow", DECIDE);
        remediate.put("GetWorkflowRun", READ);
        remediate.put("ListWorkflowRuns", READ);
        remediate.put("CancelWorkflowRun", DECIDE);
        remediate.put("ListApprovals", READ);
        remediate.put("GetApproval", READ);
        remediate.put("Approve", DECIDE);
        remediate.put("Reject", DECIDE);
        remediate.put("SetAutonomy", DECIDE); // the global switch needs ADMINISTER of every project (checked in the service)
        remediate.put("GetAutonomy", READ);
        remediate.put("ListPredictionActions", READ);
        put(t, v1 + "RemediateService", remediate);
        put(t, v1 + "ScheduleService", Map.of("SubmitTask", DECIDE, "GetTask", READ, "ListTasks", READ,
                "CancelTask", DECIDE, "ListAssignments", READ, "WatchAssignments", READ, "ListAgents", READ,
                "ConnectAgent", RUN_AGENT));
        put(t, v1 + "KeyService", Map.of("CreateKey", ADMINISTER, "ListKeys", ADMINISTER, "RevokeKey", ADMINISTER,
                "WhoAmI", READ));
        // listing every project's entries and verifying the chain need an administrator of every project (the service checks)
        put(t, v1 + "AuditService", Map.of("ListAuditEntries", READ, "VerifyAuditLedger", ADMINISTER));
        put(t, v1 + "MemoryService", Map.of("AddMemory", INGEST, "SearchMemory", READ, "GetMemory", READ,
                "ListMemories", READ, "DeleteMemory", DECIDE));
        put(t, v1 + "StatsService", Map.of("GetStats", READ));
        // the Open Inference Protocol (KServe v2): liveness and readiness are public as on any inference server
        put(t, "inference.GRPCInferenceService", Map.of("ServerLive", PUBLIC, "ServerReady", PUBLIC,
                "ServerMetadata", READ, "ModelReady", READ, "ModelMetadata", READ, "ModelInfer", READ));
        put(t, "grpc.health.v1.Health", Map.of("Check", PUBLIC, "Watch", PUBLIC));
        put(t, "grpc.reflection.v1.ServerReflection", Map.of("ServerReflectionInfo", PUBLIC));
        put(t, "grpc.reflection.v1alpha.ServerReflection", Map.of("ServerReflectionInfo", PUBLIC));
        return Collections.unmodifiableMap(t);
    }

    private static void put(Map<String, Permission> table, String service, Map<String, Permission> methods) {
        methods.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> table.put(service + "/" + e.getKey(), e.getValue()));
    }

    /** What an operation needs; empty for an operation the table does not know (refuse it). */
    public static Optional<Permission> of(String fullMethodName) {
        return Optional.ofNullable(TABLE.get(fullMethodName));
    }

    /** Every operation and what it needs, in the table's order. */
    public static Map<String, Permission> all() {
        return TABLE;
    }
}
