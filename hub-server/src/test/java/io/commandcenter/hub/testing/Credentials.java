package io.commandcenter.hub.testing;

import io.commandcenter.hub.runtime.Hub;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Credentials for tests that call an assembled hub: the administrator key it wrote on start. */
public final class Credentials {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private Credentials() {
    }

    /** The hub's administrator token (every project). */
    public static String adminToken(Hub hub) {
        try {
            return Files.readString(hub.settings().security().adminKeyFile()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code token} as the bearer credentials of every call. */
    public static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Sends the hub's administrator key with every call. */
    public static ClientInterceptor admin(Hub hub) {
        return bearer(adminToken(hub));
    }
}
