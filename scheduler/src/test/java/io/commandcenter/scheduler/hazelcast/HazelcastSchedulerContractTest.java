package io.commandcenter.scheduler.hazelcast;

import io.commandcenter.scheduler.AbstractSchedulerContractTest;
import io.commandcenter.scheduler.testing.Backend;
import io.commandcenter.scheduler.testing.HazelcastBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The scheduler contract over a two-member Hazelcast cluster on loopback, one hub per member. */
class HazelcastSchedulerContractTest extends AbstractSchedulerContractTest {
    private static HazelcastBackend backend;

    @BeforeAll
    static void startCluster() {
        backend = new HazelcastBackend(2, CLOCK); // members apply operations by the hubs' hand clock
    }

    @AfterAll
    static void stopCluster() {
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    protected Backend backend() {
        return backend;
    }
}
