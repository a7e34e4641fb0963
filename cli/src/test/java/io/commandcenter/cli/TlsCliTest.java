package io.commandcenter.cli;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import io.commandcenter.hub.runtime.TlsSettings;
import io.commandcenter.hub.testing.TestCertificates;
import io.commandcenter.proto.v1.ListWorkflowsRequest;
import io.commandcenter.proto.v1.RemediateServiceGrpc;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code cc} against a hub that serves TLS only, and with client certificates required. */
class TlsCliTest {
    @TempDir
    Path dir;

    Hub start(TlsSettings tls) {
        HubSettings defaults = HubSettings.defaults(dir.resolve("data"), 0);
        return Hub.start(defaults.withGrpc(defaults.grpc().withTls(tls)), Clock.systemUTC());
    }

    static int cc(StringWriter err, String... args) {
        return Cc.run(args, new BufferedReader(new StringReader("")), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
    }

    @Test
    void ccTrustingTheHubsCertificate_talksTls_plaintextGetsNothing() throws Exception {
        TestCertificates certs = TestCertificates.make(Files.createDirectories(dir.resolve("keys")));
        try (Hub hub = start(TlsSettings.of(certs.hubKeystore(), TestCertificates.PASSWORD))) {
            String token = Files.readString(dir.resolve("data/admin.key")).strip();
            String address = "localhost:" + hub.grpcPort();
            StringWriter tlsErr = new StringWriter();
            StringWriter plainErr = new StringWriter();

            int tls = cc(tlsErr, "--hub", address, "--token", token, "--tls-ca", certs.hubCertificate().toString(),
                    "workflows", "list");
            int plain = cc(plainErr, "--hub", address, "--token", token, "workflows", "list");

            assertThat(tls).as(tlsErr::toString).isZero();
            assertThat(plain).isNotZero();
            assertThat(plainErr.toString()).contains("UNAVAILABLE");
        }
    }

    @Test
    void aHubAskingForClientCertificates_servesTheClientWhoseCertificateItsCaSigned() throws Exception {
        TestCertificates certs = TestCertificates.make(Files.createDirectories(dir.resolve("keys")));
        try (Hub hub = start(TlsSettings.of(certs.hubKeystore(), TestCertificates.PASSWORD)
                .withClientCa(certs.clientCa(), TlsSettings.ClientAuth.REQUIRED))) {
            String token = Files.readString(dir.resolve("data/admin.key")).strip();
            String address = "localhost:" + hub.grpcPort();
            ClientTls withCertificate = new ClientTls(true, Optional.of(certs.hubCertificate()),
                    Optional.of(certs.clientKeystore()), TestCertificates.PASSWORD);
            ClientTls without = new ClientTls(true, Optional.of(certs.hubCertificate()), Optional.empty(), "");

            try (HubConnection ok = HubConnection.open(address, null, null, token, withCertificate);
                 HubConnection refused = HubConnection.open(address, null, null, token, without)) {
                assertThat(RemediateServiceGrpc.newBlockingStub(ok.channel()).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .listWorkflows(ListWorkflowsRequest.getDefaultInstance())).isNotNull();
                assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> RemediateServiceGrpc
                        .newBlockingStub(refused.channel()).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .listWorkflows(ListWorkflowsRequest.getDefaultInstance()))).isNotNull();
            }
            assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new ClientTls(true,
                    Optional.empty(), Optional.of(certs.clientKeystore()), "wrong").credentials()).getMessage())
                    .contains("--tls-keystore").doesNotContain("wrong");
        }
    }
}
