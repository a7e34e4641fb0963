package io.commandcenter.hub.remediate.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the SQL remediation store does with a transaction the database rolled back to break a
 * deadlock or a serialization conflict: it does it again after a short random pause, up to the tries
 * allowed (an adoption {@link JpaRemediationStore#CONFLICT_ATTEMPTS}, a fenced write one), then
 * reports CONTENTION ({@code STORE_CONFLICT}) naming what was not stored. (The real deadlocks:
 * {@code PostgresFenceContentionTest}.)
 */
class ConflictRetryTest {
    private final AtomicInteger tries = new AtomicInteger();
    private final AtomicInteger counted = new AtomicInteger();
    private final List<Long> pauses = new ArrayList<>();
    private final AtomicInteger described = new AtomicInteger();

    /** What the transaction is, counting each time it is described. */
    private Supplier<String> what(String description) {
        return () -> {
            described.incrementAndGet();
            return description;
        };
    }

    /** A failure as {@code Jpa.write} reports it, caused by a database error with {@code sqlState}. */
    private static CommandCenterException failed(String sqlState) {
        return CommandCenterException.unavailable("STORE_UNAVAILABLE", "database write failed",
                new SQLException("the database said no", sqlState));
    }

    /** A transaction that fails with {@code sqlState} on its first {@code failures} tries, then answers "stored". */
    private Supplier<String> failingFirst(int failures, String sqlState) {
        AtomicInteger mine = new AtomicInteger();
        return () -> {
            tries.incrementAndGet();
            if (mine.incrementAndGet() <= failures) {
                throw failed(sqlState);
            }
            return "stored";
        };
    }

    @Test
    void aDeadlockVictimAndASerializationFailure_areDoneAgainAfterARandomPause_untilStored() {
        assertThat(JpaRemediationStore.againOnConflict(what("the adoption of run r-1"), 3, failingFirst(1, "40P01"),
                counted::incrementAndGet, pauses::add)).isEqualTo("stored");
        assertThat(JpaRemediationStore.againOnConflict(what("an adoption"), 3, failingFirst(2, "40001"),
                counted::incrementAndGet, pauses::add)).isEqualTo("stored");
        assertThat(tries.get()).isEqualTo(5);
        assertThat(counted.get()).isEqualTo(3);
        // before the 2nd try: [10, 50) ms; before the 3rd: twice that
        assertThat(pauses).hasSize(3);
        assertThat(pauses.get(0)).isBetween(10L, 49L);
        assertThat(pauses.get(1)).isBetween(10L, 49L);
        assertThat(pauses.get(2)).isBetween(20L, 98L);
    }

    @Test
    void aTransactionRolledBackOnEveryTry_isReportedAsContention_namingWhatWasNotStored() {
        assertThatThrownBy(() -> JpaRemediationStore.againOnConflict(what("the adoption of run r-1 from hub hub-a by"
                + " hub hub-b"), JpaRemediationStore.CONFLICT_ATTEMPTS, failingFirst(Integer.MAX_VALUE, "40P01"),
                counted::incrementAndGet, pauses::add))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONTENTION);
                    assertThat(e.reason()).isEqualTo("STORE_CONFLICT");
                    assertThat(e.getMessage()).contains("the adoption of run r-1 from hub hub-a by hub hub-b")
                            .contains("3 times").contains("nothing of it is stored");
                });
        assertThat(tries.get()).isEqualTo(JpaRemediationStore.CONFLICT_ATTEMPTS);
        assertThat(counted.get()).isEqualTo(JpaRemediationStore.CONFLICT_ATTEMPTS);
        assertThat(pauses).as("none after the last try").hasSize(JpaRemediationStore.CONFLICT_ATTEMPTS - 1);
    }

    @Test
    void aFencedWriteRolledBack_isReportedAtOnce_forItsCallerToCheckItsRunsAndTryAgain() {
        assertThatThrownBy(() -> JpaRemediationStore.againOnConflict(what("a write of 0 new run(s) and 1 run"
                + " state(s) [r-1]"), 1, failingFirst(1, "40P01"), counted::incrementAndGet, pauses::add))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("STORE_CONFLICT");
                    assertThat(e.getMessage()).contains("[r-1]").contains("once");
                });
        assertThat(tries.get()).as("not done again by the store").isEqualTo(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aTransactionStoredAtTheFirstTry_isNeverDescribed() {
        assertThat(JpaRemediationStore.againOnConflict(what("a write"), 1, failingFirst(0, "40P01"),
                counted::incrementAndGet, pauses::add)).isEqualTo("stored");
        assertThat(described.get()).isZero();
    }

    @Test
    void anyOtherFailure_isNotDoneAgain() {
        CommandCenterException unique = failed("23505");
        assertThatThrownBy(() -> JpaRemediationStore.againOnConflict(what("a write"), 3, () -> {
            tries.incrementAndGet();
            throw unique;
        }, counted::incrementAndGet, pauses::add)).isSameAs(unique);
        assertThat(tries.get()).isEqualTo(1);
        assertThat(counted.get()).isZero();
        assertThat(described.get()).isZero();
    }
}
