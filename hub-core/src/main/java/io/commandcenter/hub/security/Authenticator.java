package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Proves who a call is from its {@code authorization: Bearer <token>} header: an API key
 * ({@link KeyTokens}) checked against its stored hash, or a token another verifier accepts (an
 * identity provider's signed JWT). Keys read from the store are kept {@code cacheFor} (so a call
 * costs no database read), which is also the longest a key revoked on another hub keeps working here;
 * on the hub that revokes it stops at once ({@link #forget}). A key still in use when half its
 * {@code cacheFor} has passed is read again in the background while the cached one keeps answering,
 * so a busy key is never read on a call's thread; only a key not read for {@code cacheFor} is. A key's
 * last use is written at most once a minute, in the background. "The background" is the executor
 * given ({@code Runnable::run}, the calling thread, unless one is).
 *
 * <p>Failures say what to send, never what was sent: one reason ({@code CREDENTIALS_INVALID}) for
 * an unknown key and a wrong secret alike, so the answer is no oracle for key ids.
 */
public final class Authenticator {
    /** The header that carries the credentials, gRPC metadata and HTTP alike. */
    public static final String HEADER = "authorization";
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    /** How long a key must stay cached after a call starts for {@link #answersAtOnce} to vouch for it. */
    static final Duration AT_ONCE_MARGIN = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(Authenticator.class.getName());

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
    /** Keys being read again in the background (at most one read a key at a time). */
    private final java.util.Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final Executor background;

    /** Reads and last-use writes on the calling thread. */
    public Authenticator(KeyStore keys, Clock clock, Duration cacheFor, List<TokenVerifier> others) {
        this(keys, clock, cacheFor, others, Runnable::run);
    }

    /**
     * @param background runs the early re-reads of keys in use and the last-use writes (one thread is
     *                   enough: at most one re-read a key and one write a key a minute)
     */
    public Authenticator(KeyStore keys, Clock clock, Duration cacheFor, List<TokenVerifier> others,
                         Executor background) {
        this.keys = keys;
        this.clock = clock;
        this.cacheFor = cacheFor;
        this.others = List.copyOf(others);
        this.background = background;
    }

    /**
     * Whether {@link #authenticate} of this header would answer without reading or writing the store:
     * an API key read less than {@code cacheFor} minus {@link #AT_ONCE_MARGIN} ago. Tokens of other
     * kinds (their verifier may fetch keys), absent and malformed headers say no. Never waits.
     */
    public boolean answersAtOnce(String authorization) {
        String token = bearerToken(authorization);
        Optional<KeyTokens.Parsed> parsed = token == null ? Optional.empty() : KeyTokens.parse(token);
        if (parsed.isEmpty()) {
            return false;
        }
        Cached cached = cache.get(parsed.get().keyId());
        return cached != null && clock.instant().plus(AT_ONCE_MARGIN).isBefore(cached.readAt().plus(cacheFor));
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
        String token = bearerToken(authorization);
        if (token == null) {
            throw invalid();
        }
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

    /** The token of an {@code authorization: Bearer <token>} header; null when absent or of another form. */
    private static String bearerToken(String authorization) {
        String value = authorization == null ? "" : authorization.strip();
        return value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7) ? null
                : value.substring(7).strip();
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
            if (!now.isBefore(cached.readAt().plus(cacheFor.dividedBy(2))) && refreshing.add(keyId)) {
                background.execute(() -> refresh(keyId));
                cached = cache.get(keyId); // read already when the background is this thread
            }
            return Optional.ofNullable(cached).map(Cached::key);
        }
        return readNow(keyId, now);
    }

    private Optional<ApiKey> readNow(String keyId, Instant now) {
        Optional<ApiKey> key = keys.find(keyId);
        key.ifPresentOrElse(k -> cache.put(keyId, new Cached(k, now)), () -> cache.remove(keyId));
        return key;
    }

    /** Reads a key in use again before its cache ends; on failure the cached key answers until it ends. */
    private void refresh(String keyId) {
        try {
            readNow(keyId, clock.instant());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "key {0} could not be read again ({1}); the cached one answers"
                    + " until its cache ends", keyId, e.getMessage());
        } finally {
            refreshing.remove(keyId);
        }
    }

    private void touch(String keyId, Instant now) {
        Instant last = touched.get(keyId);
        if (last == null || !now.isBefore(last.plus(TOUCH_EVERY))) {
            touched.put(keyId, now);
            background.execute(() -> {
                try {
                    keys.touch(keyId, now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "the last use of key {0} could not be written: {1}",
                            keyId, e.getMessage());
                }
            });
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
