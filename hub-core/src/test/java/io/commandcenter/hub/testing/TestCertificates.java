package io.commandcenter.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key material made with the JDK's own {@code keytool}, as an operator would: a hub's key store
 * (PKCS12, CN=localhost, for localhost and 127.0.0.1) with its certificate in PEM for clients to
 * trust, and a CA of one's own (PEM) with a client's key store whose certificate it signed. All
 * valid for two days, in {@code dir}, password {@link #PASSWORD}.
 */
public record TestCertificates(Path hubKeystore, Path hubCertificate, Path clientCa, Path clientKeystore,
                               Path strangerKeystore) {
    public static final String PASSWORD = "test-password";

    public static TestCertificates make(Path dir) {
        Path hub = dir.resolve("hub.p12");
        Path hubPem = dir.resolve("hub.pem");
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        Path agent = dir.resolve("agent.p12");
        Path csr = dir.resolve("agent.csr");
        Path signed = dir.resolve("agent.crt");
        Path stranger = dir.resolve("stranger.p12");
        keytool("-genkeypair", "-alias", "hub", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", s(hub),
                "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "hub", "-keystore", s(hub), "-storepass", PASSWORD, "-file", s(hubPem));
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=cc-test-ca",
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", s(ca), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", s(ca), "-storepass", PASSWORD, "-file", s(caPem));
        keytool("-genkeypair", "-alias", "agent", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=agent-1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", s(agent), "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "agent", "-keystore", s(agent), "-storepass", PASSWORD, "-file", s(csr));
        keytool("-gencert", "-alias", "ca", "-keystore", s(ca), "-storepass", PASSWORD, "-infile", s(csr),
                "-outfile", s(signed), "-rfc", "-validity", "2", "-ext", "eku=clientAuth");
        keytool("-importcert", "-alias", "ca", "-file", s(caPem), "-keystore", s(agent), "-storepass", PASSWORD,
                "-noprompt");
        keytool("-importcert", "-alias", "agent", "-file", s(signed), "-keystore", s(agent), "-storepass", PASSWORD);
        keytool("-genkeypair", "-alias", "stranger", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=stranger", "-validity", "2", "-storetype", "PKCS12", "-keystore", s(stranger), "-storepass",
                PASSWORD);
        return new TestCertificates(hub, hubPem, caPem, agent, stranger);
    }

    private static String s(Path p) {
        return p.toAbsolutePath().toString();
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
