package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long calls (gRPC streams, REST event streams) open on this hub, by the key that opened them,
 * so that a key that stops working ends them too: a revocation ends its key's streams with
 * UNAUTHENTICATED {@code KEY_REVOKED} ({@link #revoked}), and {@link #expire} ends the streams of
 * keys past their expiry with {@code KEY_EXPIRED}. Streams opened with a token of another kind (an
 * identity provider's JWT; {@link #openToken}) are kept apart from the keys': no revocation reaches them,
 * whatever the token's subject, and {@link #expire} ends them at the token's expiry with
 * {@code TOKEN_EXPIRED}. A stream is ended once, by whichever comes first: its own end
 * ({@link Registration#close}) or its credentials'.
 */
public final class OpenStreams {
    /** Ends one open stream with the error given (a transport closes its call or its event sink). */
    @FunctionalInterface
    public interface Ending {
        void end(CommandCenterException why);
    }

    /** One open stream; closing it (when the stream ends on its own) forgets it. */
    public final class Registration implements AutoCloseable {
        /** The key's id, or the token's holder (for messages and logs only). */
        private final String keyId;
        /** Opened with a token ({@link #openToken}): not in {@link #byKey}, ended {@code TOKEN_EXPIRED}. */
        private final boolean token;
        private final Instant expiresAt;
        private final Ending ending;
        /** Set by the first end: a revocation and an expiry seen at once end the stream once. */
        private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

        private Registration(String keyId, boolean token, Instant expiresAt, Ending ending) {
            this.keyId = keyId;
            this.token = token;
            this.expiresAt = expiresAt;
            this.ending = ending;
        }

        @Override
        public void close() {
            if (token) {
                tokens.remove(this);
                return;
            }
            // inside the map's atomic update, so that an open of the same key never adds to a set
            // this removal has just dropped from the map
            byKey.computeIfPresent(keyId, (k, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }

        private CommandCenterException expired() {
            return token
                    ? CommandCenterException.unauthenticated("TOKEN_EXPIRED", "the token of " + keyId + " expired at "
                            + expiresAt + ": this stream ended; get a new token from the identity provider")
                    : CommandCenterException.unauthenticated("KEY_EXPIRED", "key " + keyId + " expired at "
                            + expiresAt + ": this stream ended");
        }
    }

    private final Map<String, Set<Registration>> byKey = new ConcurrentHashMap<>();
    /** Streams opened with tokens: apart from {@link #byKey}, so no key id (and no revocation) ever names them. */
    private final Set<Registration> tokens = ConcurrentHashMap.newKeySet();

    /**
     * Registers a stream opened with key {@code keyId}.
     *
     * @param expiresAt when the key stops working; {@code null}: never
     * @return close it when the stream ends on its own
     */
    public Registration open(String keyId, Instant expiresAt, Ending ending) {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(ending, "ending");
        Registration r = new Registration(keyId, false, expiresAt, ending);
        // added inside the atomic update: adding after computeIfAbsent returned could land in a set
        // that the close of another stream of this key had removed from the map meanwhile
        byKey.compute(keyId, (k, set) -> {
            Set<Registration> streams = set == null ? ConcurrentHashMap.newKeySet() : set;
            streams.add(r);
            return streams;
        });
        return r;
    }

    /**
     * Registers a stream opened with a token of another kind than a key (an identity provider's JWT), or
     * a {@code PUBLIC} streaming call's, whose anonymous principal ({@code none}) has no expiry. No
     * {@link #revoked} reaches it; {@link #expire} ends it at {@code expiresAt} with UNAUTHENTICATED
     * {@code TOKEN_EXPIRED}.
     *
     * @param holder    who holds the token (its issuer and subject), for messages and logs; never the token
     * @param expiresAt when the token stops being accepted; {@code null}: never
     * @return close it when the stream ends on its own
     */
    public Registration openToken(String holder, Instant expiresAt, Ending ending) {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ending, "ending");
        Registration r = new Registration(holder, true, expiresAt, ending);
        tokens.add(r);
        return r;
    }

    /**
     * Ends every stream of a revoked key with UNAUTHENTICATED {@code KEY_REVOKED}.
     *
     * @return how many were ended
     */
    public int revoked(String keyId) {
        Set<Registration> streams = byKey.remove(keyId);
        if (streams == null) {
            return 0;
        }
        CommandCenterException why = CommandCenterException.unauthenticated("KEY_REVOKED", "key " + keyId
                + " was revoked: this stream ended");
        return end(List.copyOf(streams), why);
    }

    /**
     * Ends every stream whose key expired at or before {@code now} with UNAUTHENTICATED {@code KEY_EXPIRED},
     * and every stream whose token expired then with {@code TOKEN_EXPIRED}.
     *
     * @return how many were ended
     */
    public int expire(Instant now) {
        List<Registration> expired = new ArrayList<>();
        for (Set<Registration> streams : byKey.values()) {
            expiredOf(streams, now, expired);
        }
        expiredOf(tokens, now, expired);
        int ended = 0;
        for (Registration r : expired) {
            r.close();
            ended += end(List.of(r), r.expired());
        }
        return ended;
    }

    private static void expiredOf(Set<Registration> streams, Instant now, List<Registration> into) {
        for (Registration r : streams) {
            if (r.expiresAt != null && !now.isBefore(r.expiresAt)) {
                into.add(r);
            }
        }
    }

    /** The keys that have a stream open now (never a token's holder). */
    public Set<String> keys() {
        return Set.copyOf(byKey.keySet());
    }

    /** How many streams are open now, keys' and tokens'. */
    public int size() {
        return byKey.values().stream().mapToInt(Set::size).sum() + tokens.size();
    }

    private static int end(List<Registration> streams, CommandCenterException why) {
        int ended = 0;
        for (Registration r : streams) {
            if (!r.ended.compareAndSet(false, true)) {
                continue; // ended already, by the other of a revocation and an expiry
            }
            ended++;
            try {
                r.ending.end(why);
            } catch (RuntimeException e) {
                System.getLogger(OpenStreams.class.getName()).log(System.Logger.Level.WARNING,
                        "a stream of key {0} could not be ended: {1}", r.keyId, e.getMessage());
            }
        }
        return ended;
    }
}
