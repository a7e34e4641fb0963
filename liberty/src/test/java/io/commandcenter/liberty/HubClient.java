package io.commandcenter.liberty;

import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.TelemetryRecord;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A black-box client of the deployed hub: its gRPC port and its HTTP port. */
final class HubClient implements AutoCloseable {
    static final int GRPC_PORT = Integer.getInteger("it.grpc.port", 15051);
    static final int HTTP_PORT = Integer.getInteger("it.http.port", 19080);

    static final AdminKey ADMIN = AdminKey.ofItServer();

    final ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", GRPC_PORT).usePlaintext()
            .intercept(ADMIN.interceptor()).build();

    /** A request to the hub with the administrator key. */
    static HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", ADMIN.header());
    }
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    static <S extends AbstractStub<S>> S scoped(S stub, String project) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static IngestRequest sample(String id, String service, Instant time, double latency) {
        return IngestRequest.newBuilder().setRecord(TelemetryRecord.newBuilder().setHealthSample(
                HealthSample.newBuilder().setRecordId(id).setService(service)
                        .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(time.getEpochSecond())
                                .setNanos(time.getNano()))
                        .setLatencyMs(latency).setErrorRate(0.0))).build();
    }

    CompletableFuture<IngestResponse> ingest(String project, List<IngestRequest> requests) {
        CompletableFuture<IngestResponse> result = new CompletableFuture<>();
        StreamObserver<IngestRequest> stream = scoped(TelemetryServiceGrpc.newStub(channel), project)
                .ingest(new StreamObserver<>() {
                    @Override
                    public void onNext(IngestResponse value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.forEach(stream::onNext);
        stream.onCompleted();
        return result;
    }

    /** Where the application is deployed, e.g. {@code http://localhost:19080/hub-server/}; health is at the root. */
    URI base = URI.create("http://localhost:" + HTTP_PORT + "/");

    /** A GET; paths under {@code /api} are resolved against the application's context root. */
    HttpResponse<String> get(String pathAndQuery, String project) throws Exception {
        URI uri = pathAndQuery.startsWith("/api") ? base.resolve(pathAndQuery.substring(1))
                : URI.create("http://localhost:" + HTTP_PORT + pathAndQuery);
        HttpRequest.Builder request = authorized(uri).timeout(Duration.ofSeconds(30));
        if (project != null) {
            request.header("X-CC-Project", project);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
