package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proves who a call is from its {@code authorization: Bearer <token>} header: an API key
 * ({@link KeyTokens}) checked against its stored hash, or a token another verifier accepts (an
 * identity provider's signed JWT). Keys read from the store are kept {@link #cacheFor} (so a call
 * costs no database read), which is also how long a key revoked on another hub keeps working here;
 * on the hub that revokes it stops at once ({@link #forget}). A key's last use is written at most
 * once a minute.
 *
 * <p>Failures say what to send, never what was sent: one reason ({@code CREDENTIALS_INVALID}) for
 * an unknown key and a wrong secret alike, so the answer is no oracle for key ids.
 */
public final class Authenticator {
    /** The header that carries the credentials, gRPC metadata and HTTP alike. */
    public static final String HEADER = "authorization";
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    /** Another kind of bearer token (a JWT): empty when the token is not of its kind. */
    @FunctionalInterface
    public interface TokenVerifier {
        /**
         * @throws CommandCenterException UNAUTHENTICATED when the token is of its kind but not valid
         */
        Optional<Principal> verify(String token);
    }

    private record Cached(ApiKey key, Instant readAt) {
    }

    private final KeyStore keys;
    private final Clock clock;
    private final Duration cacheFor;
    private final List<TokenVerifier> others;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> touched = new ConcurrentHashMap<>();

    public Authenticator(KeyStore keys, Clock clock, Duration cacheFor, List<TokenVerifier> others) {
        this.keys = keys;
        this.clock = clock;
        this.cacheFor = cacheFor;
        this.others = List.copyOf(others);
    }

    /**
     * The principal of a call.
     *
     * @param authorization the header's value; {@code null} when absent
     * @throws CommandCenterException UNAUTHENTICATED: {@code CREDENTIALS_REQUIRED} (none sent),
     *         {@code CREDENTIALS_INVALID} (malformed, unknown or wrong), {@code KEY_EXPIRED},
     *         {@code KEY_REVOKED}, or a token verifier's reason
     */
    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw CommandCenterException.unauthenticated("CREDENTIALS_REQUIRED", "this call needs credentials: "
                    + "send the header 'authorization: Bearer <key>' (cc: --token or CC_TOKEN)");
        }
        String value = authorization.strip();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw invalid();
        }
        String token = value.substring(7).strip();
        Optional<KeyTokens.Parsed> parsed = KeyTokens.parse(token);
        if (parsed.isPresent()) {
            return byKey(parsed.get());
        }
        for (TokenVerifier verifier : others) {
            Optional<Principal> p = verifier.verify(token);
            if (p.isPresent()) {
                return p.get();
            }
        }
        throw invalid();
    }

    private Principal byKey(KeyTokens.Parsed parsed) {
        Instant now = clock.instant();
        ApiKey key = read(parsed.keyId(), now).orElseThrow(Authenticator::invalid);
        if (!KeyTokens.matches(parsed.secret(), key.secretHash())) {
            throw invalid();
        }
        if (key.revokedAt() != null) {
            throw CommandCenterException.unauthenticated("KEY_REVOKED", "key " + key.keyId() + " was revoked at "
                    + key.revokedAt());
        }
        if (!key.isActive(now)) {
            throw CommandCenterException.unauthenticated("KEY_EXPIRED", "key " + key.keyId() + " expired at "
                    + key.expiresAt());
        }
        touch(key.keyId(), now);
        return new Principal(key.name(), key.role(), key.project(), key.keyId());
    }

    private Optional<ApiKey> read(String keyId, Instant now) {
        Cached cached = cache.get(keyId);
        if (cached != null && now.isBefore(cached.readAt().plus(cacheFor))) {
            return Optional.of(cached.key());
        }
        Optional<ApiKey> key = keys.find(keyId);
        key.ifPresentOrElse(k -> cache.put(keyId, new Cached(k, now)), () -> cache.remove(keyId));
        return key;
    }

    private void touch(String keyId, Instant now) {
        Instant last = touched.get(keyId);
        if (last == null || !now.isBefore(last.plus(TOUCH_EVERY))) {
            touched.put(keyId, now);
            keys.touch(keyId, now);
        }
    }

    /** Drops what is remembered of a key: the next call reads it again (after a revocation). */
    public void forget(String keyId) {
        cache.remove(keyId);
    }

    private static CommandCenterException invalid() {
        return CommandCenterException.unauthenticated("CREDENTIALS_INVALID", "the credentials were not accepted: "
                + "send 'authorization: Bearer <key>' with a key from 'cc keys create' (or the admin key file)");
    }
}
