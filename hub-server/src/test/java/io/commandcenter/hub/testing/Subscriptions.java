package io.commandcenter.hub.testing;

import com.google.rpc.ErrorInfo;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.SubscribeRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Event streams over gRPC for tests, and how they ended. */
public final class Subscriptions {
    private Subscriptions() {
    }

    /**
     * Subscribes {@code stub} (with its credentials and project) to {@code hub.health.*}: what arrives goes to
     * {@code received}; the future completes with the error that ends the stream (null when it completes).
     */
    public static CompletableFuture<Throwable> healthEvents(EventServiceGrpc.EventServiceStub stub,
                                                            BlockingQueue<SubscribeResponse> received) {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        stub.subscribe(SubscribeRequest.newBuilder().setPattern("hub.health.*").build(), new StreamObserver<>() {
            @Override
            public void onNext(SubscribeResponse value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
        return ended;
    }

    /** The reason ({@code ErrorInfo}) of a call ended UNAUTHENTICATED; fails the test for any other end. */
    public static String unauthenticatedReason(Throwable ended) {
        assertThat(ended).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) ended).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        return StatusProto.fromThrowable(ended).getDetailsList().stream().filter(a -> a.is(ErrorInfo.class))
                .map(a -> {
                    try {
                        return a.unpack(ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }).findFirst().orElseThrow();
    }
}
