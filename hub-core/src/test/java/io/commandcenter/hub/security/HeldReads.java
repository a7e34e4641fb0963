package io.commandcenter.hub.security;

import io.commandcenter.hub.project.ProjectId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real key store with one read held in flight when a test says: the next read of a key, once
 * {@linkplain #holdNextRead armed}, reads the key, then waits until {@link #release} before it
 * returns what it read. So a test can change the key (revoke it) between a read and its use.
 */
final class HeldReads implements KeyStore {
    private static final long WAIT_SECONDS = 30;
    private final KeyStore store;
    private final AtomicReference<String> held = new AtomicReference<>();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    /** Reads of any key, held or not. */
    final AtomicInteger reads = new AtomicInteger();

    HeldReads(KeyStore store) {
        this.store = store;
    }

    /** The next read of {@code keyId} (one only) waits, having read, until {@link #release}. */
    void holdNextRead(String keyId) {
        held.set(keyId);
    }

    /** Waits until the held read has read the key and is waiting. */
    void awaitHeld() throws InterruptedException {
        if (!entered.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("no read of " + held.get() + " began");
        }
    }

    void release() {
        released.countDown();
    }

    @Override
    public Optional<ApiKey> find(String keyId) {
        reads.incrementAndGet();
        Optional<ApiKey> read = store.find(keyId);
        String holding = held.get();
        if (keyId.equals(holding) && held.compareAndSet(holding, null)) { // the same string: once only
            entered.countDown();
            try {
                if (!released.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the held read of " + keyId + " was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return read;
    }

    @Override
    public void insert(ApiKey key) {
        store.insert(key);
    }

    @Override
    public List<ApiKey> list(ProjectId project) {
        return store.list(project);
    }

    @Override
    public boolean revoke(String keyId, Instant at) {
        return store.revoke(keyId, at);
    }

    @Override
    public void touch(String keyId, Instant at) {
        store.touch(keyId, at);
    }
}
