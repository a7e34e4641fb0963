package io.commandcenter.cli.command;

import io.commandcenter.common.json.Json;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code cc status}: is the hub serving, and which services does it offer (by reflection)? */
@Command(name = "status", description = "Show the hub's health and list its services (gRPC health + reflection).")
public final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (HubConnection hub = cc.connect()) {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(hub.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            List<String> services = services(hub);
            if (json) {
                out.println("{\"hub\":" + Json.quote(hub.address()) + ",\"status\":" + Json.quote(health.getStatus().name())
                        + ",\"services\":[" + services.stream().map(Json::quote).collect(Collectors.joining(",")) + "]}");
            } else {
                out.printf("hub       %s%n", hub.address());
                out.printf("status    %s%n", health.getStatus());
                for (int i = 0; i < services.size(); i++) {
                    out.printf("%s%s%n", i == 0 ? "services  " : "          ", services.get(i));
                }
            }
            return health.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? 0 : 3;
        }
    }

    static List<String> services(HubConnection hub) throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> stream = ServerReflectionGrpc.newStub(hub.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        names.complete(value.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).sorted().toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        stream.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        stream.onCompleted();
        try {
            return names.get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
