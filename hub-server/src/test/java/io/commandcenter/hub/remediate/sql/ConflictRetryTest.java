package io.commandcenter.hub.remediate.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the SQL remediation store does with a transaction the database rolled back to break a
 * deadlock or a serialization conflict: it does it again, and after {@link JpaRemediationStore#CONFLICT_ATTEMPTS}
 * such tries reports CONTENTION ({@code STORE_CONFLICT}) naming what was not stored. (The real
 * deadlocks: {@code PostgresFenceContentionTest}.)
 */
class ConflictRetryTest {
    private final AtomicInteger tries = new AtomicInteger();
    private final AtomicInteger counted = new AtomicInteger();

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
    void aDeadlockVictimAndASerializationFailure_areDoneAgain_untilStored() {
        assertThat(JpaRemediationStore.againOnConflict("the adoption of run r-1", failingFirst(1, "40P01"),
                counted::incrementAndGet)).isEqualTo("stored");
        assertThat(JpaRemediationStore.againOnConflict("a write", failingFirst(2, "40001"),
                counted::incrementAndGet)).isEqualTo("stored");
        assertThat(tries.get()).isEqualTo(5);
        assertThat(counted.get()).isEqualTo(3);
    }

    @Test
    void aTransactionRolledBackOnEveryTry_isReportedAsContention_namingWhatWasNotStored() {
        assertThatThrownBy(() -> JpaRemediationStore.againOnConflict("the adoption of run r-1 from hub hub-a by hub"
                + " hub-b", failingFirst(Integer.MAX_VALUE, "40P01"), counted::incrementAndGet))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONTENTION);
                    assertThat(e.reason()).isEqualTo("STORE_CONFLICT");
                    assertThat(e.getMessage()).contains("the adoption of run r-1 from hub hub-a by hub hub-b")
                            .contains("3 times").contains("nothing of it is stored");
                });
        assertThat(tries.get()).isEqualTo(JpaRemediationStore.CONFLICT_ATTEMPTS);
        assertThat(counted.get()).isEqualTo(JpaRemediationStore.CONFLICT_ATTEMPTS);
    }

    @Test
    void anyOtherFailure_isNotDoneAgain() {
        CommandCenterException unique = failed("23505");
        assertThatThrownBy(() -> JpaRemediationStore.againOnConflict("a write", () -> {
            tries.incrementAndGet();
            throw unique;
        }, counted::incrementAndGet)).isSameAs(unique);
        assertThat(tries.get()).isEqualTo(1);
        assertThat(counted.get()).isZero();
    }
}
