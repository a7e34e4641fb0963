package io.commandcenter.hub.security;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class OpenStreamsTest {
    static final String KEY = "00000000000000aa";

    /**
     * One thread opens and closes streams of a key without pause, another opens one of the same key and
     * revokes the key, again and again: each revocation must end the stream just opened. A stream added to
     * the key's set after the other thread's close dropped that set from the map was missed.
     */
    @Test
    void aStreamOpenedWhileAnotherOfTheSameKeyCloses_isEndedByItsRevocation() throws Exception {
        OpenStreams streams = new OpenStreams();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> churn = pool.submit(() -> {
                go.await();
                while (!stop.get()) {
                    streams.open(KEY, null, why -> { }).close();
                }
                return null;
            });
            Future<Integer> missed = pool.submit(() -> {
                go.await();
                int misses = 0;
                for (int i = 0; i < 200_000; i++) {
                    AtomicBoolean ended = new AtomicBoolean();
                    streams.open(KEY, null, why -> ended.set(true));
                    streams.revoked(KEY);
                    if (!ended.get()) {
                        misses++;
                    }
                }
                stop.set(true);
                return misses;
            });
            go.countDown();

            assertThat(missed.get(60, TimeUnit.SECONDS)).as("streams the revocation did not end").isZero();
            churn.get(10, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedStream_isNotEnded_andItsKeyIsForgottenWithItsLastStream() {
        OpenStreams streams = new OpenStreams();
        List<String> ended = new ArrayList<>();
        OpenStreams.Registration a = streams.open(KEY, null, why -> ended.add("a"));
        streams.open(KEY, Instant.parse("2026-12-01T09:00:00Z"), why -> ended.add("b:" + why.reason()));

        a.close();
        assertThat(streams.keys()).containsExactly(KEY);

        assertThat(streams.expire(Instant.parse("2026-12-01T09:00:00Z"))).isEqualTo(1);
        assertThat(ended).containsExactly("b:KEY_EXPIRED");
        assertThat(streams.keys()).isEmpty();
        assertThat(streams.revoked(KEY)).isZero();
    }
    @Test
    void aTokensStream_endsTokenExpired_atItsExpiry_andNoRevocationReachesIt() {
        OpenStreams streams = new OpenStreams();
        List<String> ended = new ArrayList<>();
        Instant expiry = Instant.parse("2026-12-01T09:05:00Z");
        // a holder named like a key id: registered apart from the keys all the same
        OpenStreams.Registration token = streams.openToken(KEY, expiry, why -> ended.add("token:" + why.reason()));
        streams.open(KEY, expiry, why -> ended.add("key:" + why.reason()));

        assertThat(streams.revoked(KEY)).isEqualTo(1);
        assertThat(ended).containsExactly("key:KEY_REVOKED");
        assertThat(streams.keys()).as("a token's holder is never listed as a key").isEmpty();
        assertThat(streams.size()).isEqualTo(1);

        assertThat(streams.expire(expiry.minusNanos(1))).isZero();
        assertThat(streams.expire(expiry)).isEqualTo(1);
        assertThat(ended).containsExactly("key:KEY_REVOKED", "token:TOKEN_EXPIRED");
        assertThat(streams.size()).isZero();
        token.close(); // ended already: closing it again changes nothing
        assertThat(streams.expire(expiry.plusSeconds(60))).isZero();
    }

    @Test
    void aTokensStreamThatEndedOnItsOwn_isNotEndedAtItsExpiry_andOneWithoutExpiryStays() {
        OpenStreams streams = new OpenStreams();
        List<String> ended = new ArrayList<>();
        Instant expiry = Instant.parse("2026-12-01T09:05:00Z");
        streams.openToken("jwt:ana", expiry, why -> ended.add("ana")).close();
        streams.openToken("none", null, why -> ended.add("none"));

        assertThat(streams.expire(expiry.plusSeconds(3600))).isZero();
        assertThat(ended).isEmpty();
        assertThat(streams.size()).isEqualTo(1);
    }
}
