package io.commandcenter.hub.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A call of any method with the request as raw bytes, whatever its type (a malformed one, or an
 * empty one): sends them as the one request, half-closes, and returns the first response or how
 * the call ended. A stream that answered is cancelled after its first response.
 */
public final class RawCall {
    private RawCall() {
    }

    /**
     * How a call went: OK with the first response, or the status it ended with and its trailers.
     */
    public record Answer(Status status, Metadata trailers, byte[] response) {
        public Status.Code code() {
            return status.getCode();
        }
    }

    /** Passes bytes as they are. */
    public enum Raw implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Sends {@code request} to {@code method} with {@code headers}; waits at most 30 s. */
    public static Answer send(Channel channel, String method, byte[] request, Metadata headers) throws Exception {
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(method)
                .setRequestMarshaller(Raw.INSTANCE).setResponseMarshaller(Raw.INSTANCE).build();
        CompletableFuture<Answer> ended = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call = channel.newCall(descriptor, CallOptions.DEFAULT.withDeadlineAfter(30,
                TimeUnit.SECONDS));
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                ended.complete(new Answer(Status.OK, new Metadata(), message));
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                ended.complete(new Answer(status, trailers, null));
            }
        }, headers);
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        try {
            return ended.get(40, TimeUnit.SECONDS);
        } finally {
            call.cancel("done", null);
        }
    }
}
