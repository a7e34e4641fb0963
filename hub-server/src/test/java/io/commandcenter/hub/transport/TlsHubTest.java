package io.commandcenter.hub.transport;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.TlsSettings;
import io.commandcenter.hub.testing.Credentials;
import io.commandcenter.hub.testing.TestCertificates;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The hub's gRPC server with TLS from a PKCS12 key store made by keytool: a client that trusts the
 * hub's certificate is served, a plaintext one is not; with client certificates required, only a
 * client whose certificate the configured CA signed gets in.
 */
class TlsHubTest {
    @TempDir
    static Path keys;
    static TestCertificates certs;
    @TempDir
    Path dir;
    Hub hub;
    final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void makeKeys() {
        certs = TestCertificates.make(keys);
    }

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        if (hub != null) {
            hub.close();
        }
    }

    void start(TlsSettings tls) {
        HubSettings defaults = HubSettings.defaults(dir, 0);
        hub = Hub.start(defaults.withGrpc(defaults.grpc().withTls(tls)), Clock.systemUTC());
    }

    static ChannelCredentials trusting(Path keystore) throws Exception {
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(certs.hubCertificate().toFile());
        if (keystore != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, TestCertificates.PASSWORD.toCharArray());
            }
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, TestCertificates.PASSWORD.toCharArray());
            b.keyManager(f.getKeyManagers());
        }
        return b.build();
    }

    Status.Code listWorkflows(ChannelCredentials credentials) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", hub.grpcPort(), credentials).build();
        channels.add(channel);
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> RemediateServiceGrpc
                .newBlockingStub(channel).withInterceptors(Credentials.admin(hub)).withDeadlineAfter(20, TimeUnit.SECONDS)
                .listWorkflows(ListWorkflowsRequest.getDefaultInstance()));
        return e == null ? Status.Code.OK : e.getStatus().getCode();
    }

    @Test
    void aTlsHub_servesAClientThatTrustsItsCertificate_andNoPlaintextClient() throws Exception {
        start(TlsSettings.of(certs.hubKeystore(), TestCertificates.PASSWORD));

        assertThat(listWorkflows(trusting(null))).isEqualTo(Status.Code.OK);
        assertThat(listWorkflows(InsecureChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(listWorkflows(TlsChannelCredentials.create())).as("a client trusting only the system's CAs")
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void withClientCertificatesRequired_onlyAClientTheCaSigned_getsIn() throws Exception {
        start(TlsSettings.of(certs.hubKeystore(), TestCertificates.PASSWORD)
                .withClientCa(certs.clientCa(), TlsSettings.ClientAuth.REQUIRED));

        assertThat(listWorkflows(trusting(certs.clientKeystore()))).isEqualTo(Status.Code.OK);
        assertThat(listWorkflows(trusting(null))).as("no certificate").isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(listWorkflows(trusting(certs.strangerKeystore()))).as("a certificate the CA did not sign")
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void tlsSettings_refuseWhatCannotWork_namingTheKey() {
        java.util.function.Function<Map<String, String>, String> error = m -> catchThrowableOfType(
                IllegalArgumentException.class, () -> TlsSettings.grpcCredentials(TlsSettings.from(m::get)))
                .getMessage();

        assertThat(TlsSettings.from(Map.<String, String>of()::get)).isEmpty();
        assertThat(error.apply(Map.of("cc.tls", "on"))).contains("cc.tls.keystore");
        assertThat(error.apply(Map.of("cc.tls", "maybe"))).contains("cc.tls must be on or off");
        assertThat(error.apply(Map.of("cc.tls", "on", "cc.tls.keystore", keys.resolve("none.p12").toString())))
                .contains("cc.tls.keystore");
        assertThat(error.apply(Map.of("cc.tls", "on", "cc.tls.keystore", certs.hubKeystore().toString(),
                "cc.tls.keystore-password", "wrong"))).contains("cc.tls.keystore").doesNotContain("wrong");
        assertThat(error.apply(Map.of("cc.tls", "on", "cc.tls.keystore", certs.hubKeystore().toString(),
                "cc.tls.client-auth", "required"))).contains("cc.tls.client-ca");
        assertThat(error.apply(Map.of("cc.tls", "on", "cc.tls.keystore", certs.hubKeystore().toString(),
                "cc.tls.client-ca", certs.clientCa().toString(), "cc.tls.client-auth", "sometimes")))
                .contains("cc.tls.client-auth");
    }
}
