package io.commandcenter.cli;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

import java.util.concurrent.TimeUnit;

/** One channel to a hub, and stubs scoped to the chosen project. */
public final class HubConnection implements AutoCloseable {
    private final String address;
    private final String project;
    private final ManagedChannel channel;

    private HubConnection(String address, String project, ManagedChannel channel) {
        this.address = address;
        this.project = project;
        this.channel = channel;
    }

    /**
     * @param address {@code host:port}
     * @param project the project, or {@code null}/empty for the hub's default
     * @throws IllegalArgumentException when the address is not host:port
     */
    public static HubConnection open(String address, String project) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("--hub must be host:port, got '" + address + "'");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--hub must be host:port, got '" + address + "'");
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.substring(0, colon), port).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        return new HubConnection(address, project == null || project.isBlank() ? null : project, channel);
    }

    public String address() {
        return address;
    }

    /** The project named with --project, or {@code null} for the hub's default. */
    public String project() {
        return project;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** A stub carrying the project header (when one was named). */
    public <S extends AbstractStub<S>> S scoped(S stub) {
        if (project == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
