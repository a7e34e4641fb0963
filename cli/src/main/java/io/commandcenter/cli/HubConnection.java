package io.commandcenter.cli;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** One channel to a hub, and stubs scoped to the chosen project and carrying who acts. */
public final class HubConnection implements AutoCloseable {
    /** The header naming the project of a call. */
    static final Metadata.Key<String> PROJECT_HEADER = Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER);
    /** The header declaring who acts: the hub records it on approvals, rejections, cancels and revisions. */
    static final Metadata.Key<String> USER_HEADER = Metadata.Key.of("x-cc-user", Metadata.ASCII_STRING_MARSHALLER);
    /** The header carrying the API key. */
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    /** What the hub accepts in {@code x-cc-user}: a login or an e-mail address, at most 64 characters. */
    public static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

    private final String address;
    private final String project;
    private final String user;
    private final ManagedChannel channel;

    private HubConnection(String address, String project, String user, ManagedChannel channel) {
        this.address = address;
        this.project = project;
        this.user = user;
        this.channel = channel;
    }

    /**
     * @param address {@code host:port}
     * @param project the project, or {@code null}/empty for the hub's default
     * @throws IllegalArgumentException when the address is not host:port
     */
    public static HubConnection open(String address, String project) {
        return open(address, project, null, null);
    }

    /**
     * @param address {@code host:port}
     * @param project the project, or {@code null}/empty for the hub's default
     * @param user    who acts (sent as {@code x-cc-user}), or {@code null} to send nobody; a value
     *                that is not a login ({@link #USER}) is not sent
     * @param token   the API key every call carries ({@code authorization: Bearer}), or {@code null}
     * @throws IllegalArgumentException when the address is not host:port
     */
    public static HubConnection open(String address, String project, String user, String token) {
        return open(address, project, user, token, ClientTls.OFF);
    }

    /**
     * @param tls TLS to the hub, or {@link ClientTls#OFF} for plaintext
     * @see #open(String, String, String, String)
     */
    public static HubConnection open(String address, String project, String user, String token, ClientTls tls) {
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
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.substring(0, colon), port,
                        tls.credentials()).maxInboundMessageSize(16 << 20);
        if (token != null && !token.isBlank()) {
            Metadata credentials = new Metadata();
            credentials.put(AUTHORIZATION, "Bearer " + token.strip());
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(credentials));
        }
        ManagedChannel channel = builder.build();
        return new HubConnection(address, project == null || project.isBlank() ? null : project,
                user == null || !USER.matcher(user.strip()).matches() ? null : user.strip(), channel);
    }

    public String address() {
        return address;
    }

    /** The project named with --project, or {@code null} for the hub's default. */
    public String project() {
        return project;
    }

    /** Who the calls say acts ({@code x-cc-user}), or {@code null} when they name nobody. */
    public String user() {
        return user;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** A stub carrying the project header (when one was named) and the user header (when there is a user). */
    public <S extends AbstractStub<S>> S scoped(S stub) {
        if (project == null && user == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        if (project != null) {
            headers.put(PROJECT_HEADER, project);
        }
        if (user != null) {
            headers.put(USER_HEADER, user);
        }
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /**
     * The user the calls declare: {@code --user} when given (refused when it is not a login), else
     * the environment's {@code USER} when it is a login, else nobody.
     *
     * @return the login, or {@code null}
     * @throws IllegalArgumentException when {@code explicit} is given but is not a login
     */
    public static String user(String explicit, String environment) {
        if (explicit != null) {
            String value = explicit.strip();
            if (!USER.matcher(value).matches()) {
                throw new IllegalArgumentException("--user must be a login or e-mail address of at most 64 characters"
                        + " (letters, digits, . _ @ + -, starting with a letter or digit); got '" + explicit + "'");
            }
            return value;
        }
        if (environment == null || !USER.matcher(environment.strip()).matches()) {
            return null;
        }
        return environment.strip();
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
