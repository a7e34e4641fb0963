package io.commandcenter.common.error.grpc;

import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;

/** Answers a unary call: the response, or the error mapped by {@link GrpcErrors}. */
public final class Unary {
    private Unary() {
    }

    public static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
