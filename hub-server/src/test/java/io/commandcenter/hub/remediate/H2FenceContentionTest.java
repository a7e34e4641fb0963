package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.testing.Databases;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fenced writes and adoptions at once on H2 (the hubs share the file's pool). */
class H2FenceContentionTest extends SqlFenceContentionContract {
    @Override
    protected DatabaseSettings database(Path dir, boolean holdsLocks) {
        DatabaseSettings h2 = Databases.h2(dir);
        if (!holdsLocks) {
            return h2; // the product's: a session gives up on a lock after 2 s, H2's default
        }
        // a test that holds a lock while it looks for its waiter must not race that
        return new DatabaseSettings(h2.jdbcUrl() + ";LOCK_TIMEOUT=30000", "", "", dir, h2.poolSize());
    }

    @Override
    protected boolean poolPerHub() {
        return false;
    }

    @Override
    protected String lockWaiters() {
        return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL"
                + " AND EXECUTING_STATEMENT LIKE ?";
    }

    @Test
    void anAdoptionWaitingForTheRunsRowPastH2sLockTimeout_failsWithStoreConflict_andStoresNothing() throws Exception {
        JpaRemediationStore a = hub();
        JpaRemediationStore b = hub();
        Pair p = createdByHubA(a, List.of("r-1")).get(0);
        try (Connection holding = connection()) {
            execute(holding, "SELECT run_id FROM remediation_run WHERE run_id = 'r-1' FOR UPDATE");

            // certainly not committed: Adoption takes it as not won, with nothing in doubt
            assertThatThrownBy(() -> b.adopt("r-1", "hub-a", "hub-b", TTL))
                    .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENTION);
                        assertThat(e.reason()).isEqualTo(RunStore.STORE_CONFLICT);
                        assertThat(e.getMessage()).contains("gave up waiting for a row lock")
                                .as("the driver's words (the statement) are not in the answer")
                                .doesNotContainIgnoringCase("remediation_run").doesNotContainIgnoringCase("timeout trying");
                        assertThat(Jpa.hasSqlState(e, Set.of("HYT00"))).as("H2's lock timeout").isTrue();
                    });
            holding.rollback();
        }
        assertThat(a.run("r-1")).as("still hub-a's").contains(p.created());
    }
}
