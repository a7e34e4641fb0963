package io.commandcenter.liberty;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and tokens this run of the integration tests sent to a hub, so {@link LogSecretsIT}
 * can say that none of them reached a log. Every test that makes or uses a credential adds it.
 */
final class UsedSecrets {
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private UsedSecrets() {
    }

    /** Remembers {@code credential} (a bare key or token, or a {@code Bearer} header value); returns it. */
    static String add(String credential) {
        SECRETS.add(credential.startsWith("Bearer ") ? credential.substring(7) : credential);
        return credential;
    }

    static Set<String> all() {
        return Set.copyOf(SECRETS);
    }
}
