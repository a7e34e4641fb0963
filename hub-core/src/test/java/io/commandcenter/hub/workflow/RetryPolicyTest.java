package io.commandcenter.hub.workflow;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {
    final RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, 0.2,
            Set.of("PERMISSION_DENIED"));

    /** A generator that always returns the same double. */
    static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    @Test
    void withoutJitter_theDelayDoublesEachAttempt_upToTheCap() {
        RandomGenerator middle = fixed(0.5);

        assertThat(java.util.stream.IntStream.rangeClosed(1, 7).mapToObj(a -> policy.delay(a, middle).toMillis()))
                .containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L);
    }

    @Test
    void jitter_spreadsTheDelayByItsFraction_eitherWay() {
        assertThat(policy.delay(3, fixed(0.0))).isEqualTo(Duration.ofMillis(3200));
        assertThat(policy.delay(3, fixed(0.999999999))).isBetween(Duration.ofMillis(4799), Duration.ofMillis(4800));
    }

    @Test
    void delays_stayWithinTheJitterBand_andNeverPassTheCap_forManySeeds() {
        SplittableRandom random = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 100; attempt++) {
            for (int i = 0; i < 50; i++) {
                Duration d = policy.delay(attempt, random);
                double base = Math.min(30_000, 1000 * Math.pow(2, attempt - 1));
                assertThat(d.toMillis()).isBetween((long) (base * 0.8) - 1, (long) Math.min(30_000, base * 1.2));
            }
        }
    }

    @Test
    void hugeAttemptNumbers_doNotOverflow() {
        assertThat(policy.delay(Integer.MAX_VALUE, new Random(1))).isLessThanOrEqualTo(Duration.ofSeconds(30))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(24));
    }

    @Test
    void retries_untilMaxAttempts_exceptForNonRetryableReasons() {
        assertThat(policy.retries(1, "UNAVAILABLE")).isTrue();
        assertThat(policy.retries(5, "UNAVAILABLE")).isTrue();
        assertThat(policy.retries(6, "UNAVAILABLE")).isFalse();
        assertThat(policy.retries(1, "PERMISSION_DENIED")).isFalse();
    }

    @Test
    void theDefault_triesOnce() {
        assertThat(RetryPolicy.defaults().retries(1, "UNAVAILABLE")).isFalse();
    }

    @Test
    void attemptsCountFromOne() {
        assertThatThrownBy(() -> policy.delay(0, new Random(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRetryBlock_isReadWithItsDefaults_andTheCapFollowsALongBackoff() {
        Workflow w = new WorkflowParser(CapabilityCatalog.builtIn()).parse("""
                name: w
                trigger: {on: prediction.created}
                nodes:
                  - id: a
                    agent: devops
                    action: restart
                    retry: {max_attempts: 4, backoff: 1m, jitter: 0, non_retryable: [NOT_FOUND]}
                    timeout: 500ms
                """);
        WorkflowNode a = w.node("a");

        assertThat(a.retry()).isEqualTo(new RetryPolicy(4, Duration.ofMinutes(1), Duration.ofMinutes(1), 2.0, 0.0,
                Set.of("NOT_FOUND")));
        assertThat(a.timeout()).isEqualTo(Duration.ofMillis(500));
    }
}
