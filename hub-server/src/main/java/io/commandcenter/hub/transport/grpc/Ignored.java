package io.commandcenter.hub.transport.grpc;

import io.grpc.stub.StreamObserver;

/** Swallows the requests of a client-streaming call the hub refused at its start (the refusal is already sent). */
public final class Ignored<Q> implements StreamObserver<Q> {
    @Override
    public void onNext(Q value) {
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onCompleted() {
    }
}
