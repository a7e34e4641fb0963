package io.commandcenter.hub.testing;

import io.commandcenter.proto.v1.IngestRequest;
import io.commandcenter.proto.v1.IngestResponse;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** One {@code Ingest} client stream, as tests need it: send everything, half-close, await the outcome. */
public final class Ingest {
    private Ingest() {
    }

    /** Sends the requests on one stream; the future completes with the answer or the error status. */
    public static CompletableFuture<IngestResponse> call(TelemetryServiceGrpc.TelemetryServiceStub stub,
                                                         List<IngestRequest> requests) {
        CompletableFuture<IngestResponse> result = new CompletableFuture<>();
        StreamObserver<IngestRequest> stream = stub.ingest(new Answer(result));
        requests.forEach(stream::onNext);
        stream.onCompleted();
        return result;
    }

    /**
     * Sends the requests on one stream as a well-behaved client does, only while the transport is ready, and
     * half-closes after the last; {@code sent} counts what was handed to the transport, {@code started} gets the
     * call before anything is sent.
     */
    public static CompletableFuture<IngestResponse> flowControlled(TelemetryServiceGrpc.TelemetryServiceStub stub,
            List<IngestRequest> requests, AtomicInteger sent, Consumer<ClientCallStreamObserver<IngestRequest>> started) {
        CompletableFuture<IngestResponse> result = new CompletableFuture<>();
        int total = requests.size();
        stub.ingest(new Answer(result) {
            @Override
            public void beforeStart(ClientCallStreamObserver<IngestRequest> call) {
                started.accept(call);
                call.setOnReadyHandler(() -> {
                    while (call.isReady() && sent.get() < total) {
                        call.onNext(requests.get(sent.getAndIncrement()));
                    }
                    if (sent.get() == total && !result.isDone()) {
                        sent.incrementAndGet();
                        call.onCompleted();
                    }
                });
            }
        });
        return result;
    }

    /** Completes a future with the call's answer or its error status. */
    private static class Answer implements ClientResponseObserver<IngestRequest, IngestResponse> {
        private final CompletableFuture<IngestResponse> result;

        Answer(CompletableFuture<IngestResponse> result) {
            this.result = result;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<IngestRequest> call) {
        }

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
    }

    /** The status a failed call ended with. */
    public static StatusRuntimeException failure(CompletableFuture<?> call) {
        return (StatusRuntimeException) call.handle((v, t) -> t instanceof CompletionException ? t.getCause() : t)
                .join();
    }
}
