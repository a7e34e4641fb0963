package io.commandcenter.benchmarks;

import io.commandcenter.hub.runtime.Hub;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The administrator key a benchmarked hub wrote on start, sent with every call (authentication is on). */
public final class HubCredentials {
    private HubCredentials() {
    }

    public static ClientInterceptor admin(Hub hub) {
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + Files.readString(hub.settings().security().adminKeyFile()).strip());
            return MetadataUtils.newAttachHeadersInterceptor(headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
