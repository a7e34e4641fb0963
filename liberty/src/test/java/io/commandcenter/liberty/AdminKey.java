package io.commandcenter.liberty;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The administrator key a hub under test wrote in its data directory on its first start (as any
 * user's {@code cc} finds it), read when the first call needs it: the hub may start after the
 * client is built.
 */
final class AdminKey {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Path file;
    private volatile String token;

    AdminKey(Path file) {
        this.file = file;
    }

    /** The key of the integration-test server (its data directory comes from the build). */
    static AdminKey ofItServer() {
        return new AdminKey(Path.of(System.getProperty("it.data.dir", "target/it-data")).resolve("admin.key"));
    }

    String token() {
        String t = token;
        if (t == null) {
            try {
                t = Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("the hub wrote no admin key at " + file, e);
            }
            token = t;
        }
        return t;
    }

    /** {@code Bearer <key>}, the value of the {@code Authorization} header. */
    String header() {
        return "Bearer " + token();
    }

    /** Sends the key with every gRPC call. */
    ClientInterceptor interceptor() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(AUTHORIZATION, header());
                        super.start(listener, headers);
                    }
                };
            }
        };
    }
}
