package io.commandcenter.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;

/**
 * How {@code cc} reaches a hub that serves TLS ({@code CC_TLS=on} on the hub): the CA to trust
 * (a PEM file, for a hub whose certificate is not signed by a public CA) and, for a hub that asks
 * clients for certificates, a PKCS12 key store holding this client's.
 *
 * @param on       TLS at all ({@code --tls}, env {@code CC_TLS=on})
 * @param ca       PEM certificates to trust instead of the system's ({@code --tls-ca}, env {@code CC_TLS_CA})
 * @param keystore this client's key and certificate, PKCS12 ({@code --tls-keystore}, env
 *                 {@code CC_TLS_CLIENT_KEYSTORE}); its password from env {@code CC_TLS_CLIENT_KEYSTORE_PASSWORD}
 * @param password the key store's password
 */
public record ClientTls(boolean on, Optional<Path> ca, Optional<Path> keystore, String password) {
    public static final ClientTls OFF = new ClientTls(false, Optional.empty(), Optional.empty(), "");

    /**
     * The channel's credentials.
     *
     * @throws IllegalArgumentException naming the option whose file cannot be used
     */
    public ChannelCredentials credentials() {
        if (!on) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (ca.isPresent()) {
                b.trustManager(ca.get().toFile());
            }
            if (keystore.isPresent()) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keystore.get())) {
                    store.load(in, password.toCharArray());
                }
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, password.toCharArray());
                b.keyManager(keys.getKeyManagers());
            }
            return b.build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-ca / --tls-keystore: " + e.getMessage(), e);
        }
    }
}
