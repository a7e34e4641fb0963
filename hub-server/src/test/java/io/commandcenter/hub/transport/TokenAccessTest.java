package io.commandcenter.hub.transport;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.security.jwt.JwtSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.Records;
import io.commandcenter.hub.testing.Subscriptions;
import io.commandcenter.hub.testing.TestIdentityProvider;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.GetAutonomyRequest;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.SetAutonomyRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.commandcenter.hub.testing.TestIdentityProvider.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An assembled hub that accepts an identity provider's tokens beside its API keys: a token's role
 * and project hold on gRPC as a key's do, what the token's holder does is recorded under the
 * token's user name, and a bad token is refused.
 */
class TokenAccessTest {
    @TempDir
    static Path dir;
    static TestIdentityProvider idp;
    static Hub hub;
    static ManagedChannel channel;

    @BeforeAll
    static void start() {
        idp = new TestIdentityProvider();
        HubSettings defaults = HubSettings.defaults(dir, 0);
        // no clock skew: a token is refused, and its streams end, at its exp itself
        hub = Hub.start(defaults.withSecurity(defaults.security().withJwt(new JwtSettings(ISSUER,
                java.util.Set.of("commandcenter"), idp.jwksUri(), java.util.Set.of(com.nimbusds.jose.JWSAlgorithm.RS256),
                java.time.Duration.ZERO, java.time.Duration.ofMinutes(5), "groups", "cc_project"))), Clock.systemUTC());
        channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        hub.close();
        idp.close();
    }

    static RemediateServiceGrpc.RemediateServiceBlockingStub as(String token, String project) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return RemediateServiceGrpc.newBlockingStub(channel).withInterceptors(Credentials.bearer(token),
                MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static Status.Code code(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        return e == null ? Status.Code.OK : e.getStatus().getCode();
    }

    @Test
    void anOperatorsToken_decidesInItsProject_underItsName_andNowhereElse() {
        String ana = idp.token("ana", List.of("operator"), "shop");
        SetAutonomyRequest pause = SetAutonomyRequest.newBuilder().setPaused(true).setReason("deploy freeze").build();

        as(ana, "shop").setAutonomy(pause);

        assertThat(as(ana, "shop").getAutonomy(GetAutonomyRequest.getDefaultInstance()).getProject().getChangedBy())
                .isEqualTo("ana");
        assertThat(code(() -> as(ana, "bank").setAutonomy(pause))).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> as(ana, "shop").setAutonomy(pause.toBuilder().setGlobal(true).build())))
                .as("the kill switch of every project is an administrator's").isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void aViewersToken_reads_butDoesNotDecide() {
        String vi = idp.token("vi", List.of("viewer"), "*");

        assertThat(code(() -> as(vi, "bank").listWorkflows(ListWorkflowsRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.OK);
        assertThat(code(() -> as(vi, "bank").setAutonomy(SetAutonomyRequest.newBuilder().setPaused(true)
                .setReason("x").build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    /** Subscribes to the project's health events; the future completes with the error that ends the stream. */
    static CompletableFuture<Throwable> subscribe(String token, String project, BlockingQueue<SubscribeResponse> received) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-cc-project", Metadata.ASCII_STRING_MARSHALLER), project);
        return Subscriptions.healthEvents(EventServiceGrpc.newStub(channel).withInterceptors(Credentials.bearer(token),
                MetadataUtils.newAttachHeadersInterceptor(headers)), received);
    }

    @Test
    void aStreamOpenedWithAToken_endsTokenExpired_atTheTokensExpiry_andAKeysStreamRunsOn() throws Exception {
        // exp is in whole seconds; 10 s ahead leaves the first JWKS fetch and the stream's start time on a loaded
        // machine (checked below: a stream started after exp would prove nothing)
        Instant exp = Instant.now().plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String brief = idp.token("brief", List.of("viewer"), "tokens", b -> b.expirationTime(Date.from(exp)));
        BlockingQueue<SubscribeResponse> byToken = new LinkedBlockingQueue<>();
        BlockingQueue<SubscribeResponse> byKey = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> tokenEnded = subscribe(brief, "tokens", byToken);
        // the time the end reached this client, taken on the thread that delivers it
        CompletableFuture<Instant> tokenEndedAt = tokenEnded.thenApply(t -> Instant.now());
        CompletableFuture<Throwable> keyEnded = subscribe(Credentials.adminToken(hub), "tokens", byKey);
        assertThat(byToken.poll(15, TimeUnit.SECONDS)).as("the token's stream started").isNotNull();
        assertThat(Instant.now()).as("the token's stream started before the token's expiry").isBefore(exp);
        assertThat(byKey.poll(15, TimeUnit.SECONDS)).as("the key's stream started").isNotNull();

        Throwable ended = tokenEnded.get(30, TimeUnit.SECONDS);
        Instant endedAt = tokenEndedAt.get(1, TimeUnit.SECONDS);

        assertThat(Subscriptions.unauthenticatedReason(ended)).isEqualTo("TOKEN_EXPIRED");
        // the sweep runs once a second: the first one at or after exp ends it, and 3 s leave room for a loaded machine
        assertThat(endedAt).as("not before the token's expiry").isAfterOrEqualTo(exp)
                .as("by the first sweeps after the expiry").isBefore(exp.plusSeconds(3));
        assertThat(keyEnded).as("the key's stream runs on").isNotDone();
        Ingest.call(GrpcFixture.scoped(TelemetryServiceGrpc.newStub(channel), "tokens").withInterceptors(
                Credentials.bearer(Credentials.adminToken(hub))), List.of(Records.request(Records.sample("t-1", "web",
                Instant.now(), 10)))).get(15, TimeUnit.SECONDS);
        assertThat(byKey.poll(15, TimeUnit.SECONDS)).as("and is served").isNotNull();
    }

    @Test
    void badTokens_areUnauthenticated_andKeysStillWork() {
        String expired = idp.token("ana", List.of("admin"), "*", b -> b.expirationTime(Date.from(Instant.now()
                .minusSeconds(3600))));
        String foreign = TestIdentityProvider.sign(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(ISSUER)
                .subject("eve").audience("commandcenter").claim("groups", List.of("admin")).claim("cc_project", "*")
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build(), TestIdentityProvider.newKey());

        assertThat(code(() -> as(expired, "shop").listWorkflows(ListWorkflowsRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> as(foreign, "shop").listWorkflows(ListWorkflowsRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> as(Credentials.adminToken(hub), "shop").listWorkflows(
                ListWorkflowsRequest.getDefaultInstance()))).isEqualTo(Status.Code.OK);
    }
}
