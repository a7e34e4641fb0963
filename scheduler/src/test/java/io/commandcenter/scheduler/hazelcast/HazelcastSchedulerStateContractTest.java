package io.commandcenter.scheduler.hazelcast;

import io.commandcenter.scheduler.state.AbstractSchedulerStateContractTest;
import io.commandcenter.scheduler.testing.Backend;
import io.commandcenter.scheduler.testing.HazelcastBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class HazelcastSchedulerStateContractTest extends AbstractSchedulerStateContractTest {
    private static HazelcastBackend backend;

    @BeforeAll
    static void startCluster() {
        backend = new HazelcastBackend(2);
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
