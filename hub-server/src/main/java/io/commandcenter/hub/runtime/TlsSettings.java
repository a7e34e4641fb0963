package io.commandcenter.hub.runtime;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS for the hub's listeners: one PKCS12 key store (the server's key and certificate chain) serves
 * gRPC here and HTTPS in Liberty ({@code CC_TLS_KEYSTORE}, {@code CC_TLS_KEYSTORE_PASSWORD}, read by
 * the server configuration as well). Clients may be asked for certificates signed by a CA of one's
 * own — mutual TLS for agents.
 *
 * @param keystore   the PKCS12 file ({@code cc.tls.keystore})
 * @param password   its password ({@code cc.tls.keystore-password}); never logged
 * @param clientCa   PEM certificates of the CAs whose client certificates are accepted
 *                   ({@code cc.tls.client-ca}); empty: clients are not asked for one
 * @param clientAuth whether a client certificate is {@code required} or {@code optional} when
 *                   {@code clientCa} is set ({@code cc.tls.client-auth}; default required)
 */
public record TlsSettings(Path keystore, String password, Optional<Path> clientCa, ClientAuth clientAuth) {
    public enum ClientAuth {
        NONE,
        OPTIONAL,
        REQUIRED
    }

    public TlsSettings {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(clientCa, "clientCa");
        Objects.requireNonNull(clientAuth, "clientAuth");
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("cc.tls.keystore: cannot read " + keystore);
        }
        if (clientCa.isPresent() && !Files.isReadable(clientCa.get())) {
            throw new IllegalArgumentException("cc.tls.client-ca: cannot read " + clientCa.get());
        }
        if (clientCa.isEmpty() && clientAuth != ClientAuth.NONE) {
            throw new IllegalArgumentException("cc.tls.client-auth needs cc.tls.client-ca: the CA that signs the"
                    + " clients' certificates");
        }
    }

    /** A key store, no client certificates asked for. */
    public static TlsSettings of(Path keystore, String password) {
        return new TlsSettings(keystore, password, Optional.empty(), ClientAuth.NONE);
    }

    /** Asks clients for a certificate signed by one of {@code ca}'s CAs, {@code auth} how strictly. */
    public TlsSettings withClientCa(Path ca, ClientAuth auth) {
        return new TlsSettings(keystore, password, Optional.of(ca), auth);
    }

    /**
     * From configuration: empty unless {@code cc.tls} is {@code on}.
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public static Optional<TlsSettings> from(java.util.function.Function<String, String> property) {
        String on = value(property, "cc.tls", "off").toLowerCase(Locale.ROOT);
        if (on.equals("off")) {
            return Optional.empty();
        }
        if (!on.equals("on")) {
            throw new IllegalArgumentException("cc.tls must be on or off, got '" + on + "'");
        }
        String keystore = value(property, "cc.tls.keystore", "");
        if (keystore.isEmpty()) {
            throw new IllegalArgumentException("cc.tls=on needs cc.tls.keystore (CC_TLS_KEYSTORE): a PKCS12 file with"
                    + " the hub's key and certificate chain");
        }
        String ca = value(property, "cc.tls.client-ca", "");
        String auth = value(property, "cc.tls.client-auth", ca.isEmpty() ? "none" : "required")
                .toUpperCase(Locale.ROOT);
        try {
            return Optional.of(new TlsSettings(Path.of(keystore), value(property, "cc.tls.keystore-password", ""),
                    ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca)), ClientAuth.valueOf(auth)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("cc.tls") ? e.getMessage()
                    : "cc.tls.client-auth must be none, optional or required, got '" + auth.toLowerCase(Locale.ROOT)
                    + "'", e);
        }
    }

    /** The gRPC server's credentials: TLS from the key store (and client CAs), or plaintext without settings. */
    public static ServerCredentials grpcCredentials(Optional<TlsSettings> tls) {
        if (tls.isEmpty()) {
            return InsecureServerCredentials.create();
        }
        TlsSettings s = tls.get();
        try (InputStream in = Files.newInputStream(s.keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, s.password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, s.password.toCharArray());
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(keys.getKeyManagers());
            if (s.clientCa.isPresent()) {
                b.trustManager(s.clientCa.get().toFile()).clientAuth(s.clientAuth == ClientAuth.REQUIRED
                        ? TlsServerCredentials.ClientAuth.REQUIRE : TlsServerCredentials.ClientAuth.OPTIONAL);
            }
            return b.build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cc.tls.keystore: cannot load " + s.keystore + " as PKCS12 with the"
                    + " given password: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsSettings[keystore=" + keystore + ", clientCa=" + clientCa + ", clientAuth=" + clientAuth + "]";
    }

    private static String value(java.util.function.Function<String, String> property, String name, String fallback) {
        String v = property.apply(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }
}
