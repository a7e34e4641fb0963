package io.commandcenter.hub.testing;

import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** One {@code Ingest} client stream, as tests need it: send everything, half-close, await the outcome. */
public final class Ingest {
    private Ingest() {
    }

    /** Sends the requests on one stream; the future completes with the answer or the error status. */
    public static CompletableFuture<IngestResponse> call(TelemetryServiceGrpc.TelemetryServiceStub stub,
                                                         List<IngestRequest> requests) {
        CompletableFuture<IngestResponse> result = new CompletableFuture<>();
        StreamObserver<IngestRequest> stream = stub.ingest(new StreamObserver<>() {
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

    /** The status a failed call ended with. */
    public static StatusRuntimeException failure(CompletableFuture<?> call) {
        return (StatusRuntimeException) call.handle((v, t) -> t instanceof CompletionException ? t.getCause() : t)
                .join();
    }
}
