package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>A read in flight when the key is forgotten never brings it back: each key has a generation,
 * raised by {@link #forget}, and a read installs what it found only if the generation is the one it
 * saw before it asked the store (compare-and-set, under the cache's lock for that key). A background
 * re-read that loses drops what it read (the next call reads the key itself); a call's own read
 * that loses reads again, so the call answers from a read that began after the revocation. A cached
 * key's time counts from before its read began, so a key revoked elsewhere is never trusted longer
 * than {@code cacheFor} after the revocation.
 *
 * <p>Failures say what to send, never what was sent: one reason ({@code CREDENTIALS_INVALID}) for
 * an unknown key and a wrong secret alike, so the answer is no oracle for key ids. An id the store
 * does not know is remembered as unknown for {@link #UNKNOWN_FOR} (at most {@link #MAX_UNKNOWN} ids),
 * so a flood of calls with one made-up id costs one read, not one a call.
 *
 * <p>Streams opened with a key ({@link #openStream}) end when the key stops working: at once when it
 * is revoked here ({@link #forget}); when a read of the key (a call's, a background re-read, or
 * {@link #readAgain}'s re-read of keys with open streams once their cache ends) finds it revoked or gone,
 * which is how a revocation on another hub reaches this one's streams, within {@code cacheFor} and a
 * sweep; and at its expiry, at the first {@link #endExpired} after it. Streams opened with a token of
 * another kind end at the token's expiry ({@link Principal#expiresAt}), at the first {@link #endExpired} after it.
 */
public final class Authenticator {
    /** The header that carries the credentials, gRPC metadata and HTTP alike. */
    public static final String HEADER = "authorization";
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    /** How long a key must stay cached after a call starts for {@link #answersAtOnce} to vouch for it. */
    static final Duration AT_ONCE_MARGIN = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(Authenticator.class.getName());
    /** How long an id the store does not know is answered as unknown without asking it again. */
    static final Duration UNKNOWN_FOR = Duration.ofSeconds(10);
    /** Most unknown ids remembered; past that those whose time has passed are dropped, and if that is not enough, all. */
    static final int MAX_UNKNOWN = 10_000;

    /** Another kind of bearer token (a JWT): empty when the token is not of its kind. */
    @FunctionalInterface
    public interface TokenVerifier {
        /**
         * @throws CommandCenterException UNAUTHENTICATED when the token is of its kind but not valid
         */
        Optional<Principal> verify(String token);
    }

    /**
     * What is known of a key: its last read ({@code key} null once forgotten) and its generation,
     * raised each time it is forgotten. Never removed once forgotten, so a generation never goes back
     * (absent is generation 0); only keys found in the store or revoked here have one.
     *
     * @param readAt when its read began (null with no key)
     */
    private record Cached(ApiKey key, Instant readAt, long generation) {
        boolean trustedAt(Instant now, Duration cacheFor) {
            return key != null && now.isBefore(readAt.plus(cacheFor));
        }
    }

    private final KeyStore keys;
    private final Clock clock;
    private final Duration cacheFor;
    private final List<TokenVerifier> others;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> touched = new ConcurrentHashMap<>();
    /** Keys being read again in the background (at most one read a key at a time). */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final Executor background;
    /** Ids the store did not know, until when they are answered as unknown without reading it. */
    private final Map<String, Instant> unknown = new ConcurrentHashMap<>();
    private final OpenStreams streams = new OpenStreams();

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
        return cached != null && cached.trustedAt(clock.instant().plus(AT_ONCE_MARGIN), cacheFor);
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
        return new Principal(key.name(), key.role(), key.project(), key.keyId(), key.expiresAt());
    }

    private Optional<ApiKey> read(String keyId, Instant now) {
        Instant unknownUntil = unknown.get(keyId);
        if (unknownUntil != null && now.isBefore(unknownUntil)) {
            return Optional.empty();
        }
        Cached cached = cache.get(keyId);
        if (cached != null && cached.trustedAt(now, cacheFor)) {
            if (!now.isBefore(cached.readAt().plus(cacheFor.dividedBy(2))) && refreshing.add(keyId)) {
                background.execute(() -> refresh(keyId));
                cached = cache.get(keyId); // read already when the background is this thread
            }
            if (cached != null && cached.trustedAt(now, cacheFor)) {
                return Optional.of(cached.key());
            }
        }
        return readNow(keyId, now);
    }

    /**
     * Reads a key on the calling thread; read again when it was forgotten meanwhile (what was read may
     * predate its revocation). Each retry follows a {@link #forget}, which follows a revocation, so it ends.
     */
    private Optional<ApiKey> readNow(String keyId, Instant now) {
        while (true) {
            long generation = generation(keyId);
            Optional<ApiKey> key = keys.find(keyId);
            if (install(keyId, generation, key, now)) {
                learned(keyId, key, now);
                return key;
            }
        }
    }

    /** Reads a key in use again before its cache ends; on failure the cached key answers until it ends. */
    private void refresh(String keyId) {
        try {
            Instant readAt = clock.instant();
            long generation = generation(keyId);
            Optional<ApiKey> key = keys.find(keyId);
            if (install(keyId, generation, key, readAt)) { // dropped when forgotten: the next call reads
                learned(keyId, key, readAt);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "key {0} could not be read again ({1}); the cached one answers"
                    + " until its cache ends", keyId, e.getMessage());
        } finally {
            refreshing.remove(keyId);
        }
    }

    /**
     * What a read of the store taught: an id it does not know is remembered as unknown for a while;
     * a key revoked (on another hub) or gone ends the streams it opened here.
     */
    private void learned(String keyId, Optional<ApiKey> key, Instant readAt) {
        if (key.isEmpty()) {
            if (unknown.size() >= MAX_UNKNOWN) {
                pruneUnknown(readAt);
            }
            unknown.put(keyId, readAt.plus(UNKNOWN_FOR));
        }
        if (key.isEmpty() || key.get().revokedAt() != null) {
            streams.revoked(keyId);
        }
    }

    /** Drops the unknown ids whose time has passed, and when that is not enough, every one. */
    private void pruneUnknown(Instant now) {
        unknown.values().removeIf(until -> !now.isBefore(until));
        if (unknown.size() >= MAX_UNKNOWN) {
            unknown.clear();
        }
    }

    private long generation(String keyId) {
        Cached cached = cache.get(keyId);
        return cached == null ? 0 : cached.generation();
    }

    /**
     * Caches a read that began at {@code readAt} with the key at {@code generation}, unless the key was
     * forgotten since; an unknown key leaves nothing behind (unless it was forgotten once).
     *
     * @return false when it was forgotten since, and the read was dropped
     */
    private boolean install(String keyId, long generation, Optional<ApiKey> read, Instant readAt) {
        boolean[] installed = {false};
        cache.compute(keyId, (id, cached) -> {
            if ((cached == null ? 0 : cached.generation()) != generation) {
                return cached;
            }
            installed[0] = true;
            return read.isPresent() ? new Cached(read.get(), readAt, generation)
                    : generation == 0 ? null : new Cached(null, null, generation);
        });
        return installed[0];
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

    /**
     * Drops what is remembered of a key, and any read of it in flight: the next call reads it again
     * (after a revocation, once it is committed).
     */
    public void forget(String keyId) {
        cache.compute(keyId, (id, cached) -> new Cached(null, null, (cached == null ? 0 : cached.generation()) + 1));
        streams.revoked(keyId);
    }

    /** A key was just created here: its id is no longer unknown. */
    void created(String keyId) {
        unknown.remove(keyId);
    }

    /**
     * Registers a long call (a stream) of {@code who}, to be ended when its credentials stop working: a key's
     * stream when the key is revoked ({@code KEY_REVOKED}) or expires ({@code KEY_EXPIRED}); the stream of a
     * token of another kind (an identity provider's JWT) at {@link Principal#expiresAt} ({@code TOKEN_EXPIRED},
     * at the first {@link #endExpired} from then on). A token's stream is registered apart from the keys', so
     * no key's revocation ever ends it, whatever its subject. A {@code PUBLIC} streaming call (gRPC health
     * {@code Watch}, server reflection) carries the anonymous principal ({@code none}, no expiry): it is
     * registered like a token that never expires. With authentication off no stream reaches this method.
     *
     * @return close it when the stream ends on its own
     * @throws CommandCenterException UNAUTHENTICATED {@code KEY_REVOKED} when the key was revoked since
     *         the call was authenticated
     */
    public OpenStreams.Registration openStream(Principal who, OpenStreams.Ending ending) {
        if (!KeyTokens.isKeyId(who.keyId())) {
            return streams.openToken(who.keyId(), who.expiresAt(), ending);
        }
        OpenStreams.Registration registration = streams.open(who.keyId(), who.expiresAt(), ending);
        // registered first, checked after: a revocation either is seen here or finds the registration
        Cached now = cache.get(who.keyId());
        if (now != null && (now.key() == null ? now.generation() > 0 : now.key().revokedAt() != null)) {
            registration.close();
            throw CommandCenterException.unauthenticated("KEY_REVOKED", "key " + who.keyId() + " was revoked");
        }
        return registration;
    }

    /** {@link #endExpired} then {@link #readAgain}. */
    public void sweep() {
        endExpired();
        readAgain();
    }

    /**
     * Ends the streams of keys past their expiry ({@code KEY_EXPIRED}) and of tokens past theirs
     * ({@code TOKEN_EXPIRED}). Reads nothing: run it every second or so, apart from {@link #readAgain}, so a
     * slow or failing store does not delay it.
     */
    public void endExpired() {
        streams.expire(clock.instant());
    }

    /**
     * Reads again, in one read of the store ({@link KeyStore#find(java.util.Collection)}), each key with
     * a stream open whose cache has ended, so a revocation on another hub ends its streams here
     * ({@code KEY_REVOKED}). Run it every second or so; a read that fails is logged and tried at the next.
     */
    public void readAgain() {
        Instant now = clock.instant();
        Map<String, Long> due = new HashMap<>();
        for (String keyId : streams.keys()) {
            Cached cached = cache.get(keyId);
            if (KeyTokens.isKeyId(keyId) && (cached == null || !cached.trustedAt(now, cacheFor))) {
                due.put(keyId, cached == null ? 0 : cached.generation());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        Map<String, ApiKey> found;
        try {
            found = keys.find(due.keySet());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} keys with open streams could not be read again ({1}); tried"
                    + " again at the next sweep", due.size(), e.getMessage());
            return;
        }
        due.forEach((keyId, generation) -> {
            Optional<ApiKey> key = Optional.ofNullable(found.get(keyId));
            // a key forgotten meanwhile was revoked here, which ended its streams already
            if (install(keyId, generation, key, now)) {
                learned(keyId, key, now);
            }
        });
    }

    /** The open streams of this hub, by key. */
    public OpenStreams openStreams() {
        return streams;
    }

    /** The key a call at {@code now} would be answered from without reading the store; empty when none. */
    Optional<ApiKey> cachedAt(String keyId, Instant now) {
        Cached cached = cache.get(keyId);
        return cached != null && cached.trustedAt(now, cacheFor) ? Optional.of(cached.key()) : Optional.empty();
    }

    private static CommandCenterException invalid() {
        return CommandCenterException.unauthenticated("CREDENTIALS_INVALID", "the credentials were not accepted: "
                + "send 'authorization: Bearer <key>' with a key from 'cc keys create' (or the admin key file)");
    }
}
