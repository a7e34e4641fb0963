package io.commandcenter.hub.transport;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.security.jwt.JwtSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.TestIdentityProvider;
import io.commandcenter.proto.v1.GetAutonomyRequest;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.commandcenter.proto.v1.SetAutonomyRequest;
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
        hub = Hub.start(defaults.withSecurity(defaults.security().withJwt(JwtSettings.of(ISSUER, idp.jwksUri(),
                "commandcenter"))), Clock.systemUTC());
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
