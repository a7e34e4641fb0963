package io.commandcenter.hub.security;

import io.commandcenter.hub.audit.InMemoryAuditLedger;
import io.commandcenter.hub.audit.MemoryAuditSpool;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.commandcenter.hub.security.AuthenticatorTest.reason;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read of a key in flight when the key is revoked (on this hub: it is forgotten) must not bring
 * it back into the cache, whether the read is the background's early re-read or a call's own; a
 * read of another key at the same time is cached as ever. Each read is held in a real store
 * ({@link HeldReads}) between reading the key and returning it, while the test revokes: no timing.
 * The store is in memory here; hub-server runs the same tests on the hub's SQL store ({@code JpaKeyStoreTest}).
 */
class AuthenticatorRaceTest {
    static final Duration CACHE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    final ExecutorService background = Executors.newSingleThreadExecutor();
    final ExecutorService caller = Executors.newSingleThreadExecutor();
    final Principal admin = new Principal("root", Role.ADMIN, null, "boot");
    KeyStore underlying;
    HeldReads store;
    Authenticator auth;
    Keys keys;

    /** The store the keys live in (a new, empty one). */
    protected KeyStore open(Path dir) {
        return new InMemoryKeyStore();
    }

    protected void close(KeyStore store) {
    }

    @BeforeEach
    void start() {
        underlying = open(dir);
        store = new HeldReads(underlying);
        auth = new Authenticator(store, clock, CACHE, List.of(), background);
        keys = new Keys(store, auth, new SecureRandom(), clock,
                MemoryAuditSpool.trail(new InMemoryAuditLedger(), clock, "hub-1"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        store.release();
        caller.shutdownNow();
        background.shutdownNow();
        background.awaitTermination(30, TimeUnit.SECONDS);
        close(underlying);
    }

    /** Waits until everything handed to the background so far has run (one thread: in order). */
    void drainBackground() throws Exception {
        background.submit(() -> { }).get(30, TimeUnit.SECONDS);
    }

    /** Reads {@code token}'s key into the cache, then moves to half the cache, where a call re-reads it in the background. */
    String cachedAndHalfway(Keys.Created created) throws Exception {
        String header = "Bearer " + created.token();
        auth.authenticate(header);
        drainBackground(); // its last-use write
        clock.advance(CACHE.dividedBy(2).plusSeconds(1));
        return header;
    }

    /** The key cached for a call now that would authenticate (not revoked, not expired); none is the safe answer. */
    boolean cachesAValidKey(Keys.Created created) {
        Instant now = clock.instant();
        return auth.cachedAt(created.key().keyId(), now).filter(k -> k.isActive(now)).isPresent();
    }

    @Test
    void aBackgroundReReadInFlightWhenTheKeyIsRevokedHere_doesNotCacheItAgain() throws Exception {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        String header = cachedAndHalfway(created);
        store.holdNextRead(created.key().keyId());
        auth.authenticate(header); // answered from the cache; the re-read goes to the background and is held
        store.awaitHeld(); // it has read the key, not revoked yet

        keys.revoke(created.key().keyId(), admin);
        store.release();
        drainBackground();

        assertThat(cachesAValidKey(created)).as("the stale read was dropped").isFalse();
        assertThat(reason(() -> auth.authenticate(header))).isEqualTo("KEY_REVOKED");
        assertThat(cachesAValidKey(created)).isFalse();
    }

    @Test
    void aCallsOwnReadInFlightWhenTheKeyIsRevokedHere_readsAgain_andIsRefused() throws Exception {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        String header = "Bearer " + created.token();
        store.holdNextRead(created.key().keyId());
        CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> reason(() -> auth.authenticate(header)),
                caller);
        store.awaitHeld(); // the call has read the key (not cached before), not revoked yet
        int reads = store.reads.get();

        keys.revoke(created.key().keyId(), admin);
        store.release();

        assertThat(call.get(30, TimeUnit.SECONDS)).as("the call in flight answers from a read after the revocation")
                .isEqualTo("KEY_REVOKED");
        assertThat(store.reads.get() - reads).as("the revocation's read and the call's second").isEqualTo(2);
        assertThat(cachesAValidKey(created)).isFalse();
        assertThat(reason(() -> auth.authenticate(header))).isEqualTo("KEY_REVOKED");
    }

    @Test
    void anotherKeysBackgroundReReadInFlightWhenAKeyIsRevoked_isCached() throws Exception {
        Keys.Created revoked = keys.create(null, Role.VIEWER, "gone", null, admin);
        Keys.Created other = keys.create(null, Role.VIEWER, "other", null, admin);
        auth.authenticate("Bearer " + revoked.token());
        String header = cachedAndHalfway(other);
        store.holdNextRead(other.key().keyId());
        auth.authenticate(header);
        store.awaitHeld();

        keys.revoke(revoked.key().keyId(), admin);
        store.release();
        drainBackground();
        clock.advance(CACHE.dividedBy(2).minusSeconds(1)); // the first read's cache ends now: the re-read answers
        int reads = store.reads.get();

        assertThat(auth.answersAtOnce(header)).isTrue();
        assertThat(auth.authenticate(header).name()).isEqualTo("other");
        assertThat(store.reads.get()).as("answered from the re-read").isEqualTo(reads);
        assertThat(reason(() -> auth.authenticate("Bearer " + revoked.token()))).isEqualTo("KEY_REVOKED");
    }

    @Test
    void anotherKeysCallReadInFlightWhenAKeyIsRevoked_isCached() throws Exception {
        Keys.Created revoked = keys.create(null, Role.VIEWER, "gone", null, admin);
        Keys.Created other = keys.create(null, Role.VIEWER, "other", null, admin);
        String header = "Bearer " + other.token();
        store.holdNextRead(other.key().keyId());
        CompletableFuture<Principal> call = CompletableFuture.supplyAsync(() -> auth.authenticate(header), caller);
        store.awaitHeld();
        int reads = store.reads.get();

        keys.revoke(revoked.key().keyId(), admin);
        store.release();

        assertThat(call.get(30, TimeUnit.SECONDS).name()).isEqualTo("other");
        assertThat(store.reads.get() - reads).as("the revocation's read only: no second read of the other key")
                .isEqualTo(1);
        assertThat(auth.answersAtOnce(header)).isTrue();
        assertThat(auth.authenticate(header).name()).isEqualTo("other");
        assertThat(store.reads.get() - reads).isEqualTo(1);
    }

    @Test
    void aKeyRevokedOnAnotherHubWhileThisHubReReadsIt_stopsHereWithinTheCacheOfTheRevocation() throws Exception {
        Keys.Created created = keys.create(null, Role.VIEWER, "v", null, admin);
        Authenticator revokingHub = new Authenticator(underlying, clock, CACHE, List.of());
        Keys elsewhere = new Keys(underlying, revokingHub, new SecureRandom(), clock,
                MemoryAuditSpool.trail(new InMemoryAuditLedger(), clock, "hub-2"));
        String header = cachedAndHalfway(created);
        store.holdNextRead(created.key().keyId());
        auth.authenticate(header);
        store.awaitHeld(); // this hub's re-read has the key as it was

        clock.advance(Duration.ofSeconds(1));
        Instant revokedAt = clock.instant();
        elsewhere.revoke(created.key().keyId(), admin); // this hub is not told
        clock.advance(Duration.ofSeconds(2)); // a slow read: it returns after the revocation
        store.release();
        drainBackground();

        clock.set(revokedAt.plus(CACHE));
        assertThat(reason(() -> auth.authenticate(header))).as("cached from a read that began before the"
                + " revocation, so trusted until less than the cache after it").isEqualTo("KEY_REVOKED");
    }
}
