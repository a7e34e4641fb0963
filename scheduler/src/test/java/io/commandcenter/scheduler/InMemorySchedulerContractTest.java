package io.commandcenter.scheduler;

import io.commandcenter.scheduler.testing.Backend;
import io.commandcenter.scheduler.testing.MemoryBackend;

/** The scheduler contract over the in-memory state (with every operation and pool through its codec). */
class InMemorySchedulerContractTest extends AbstractSchedulerContractTest {
    private static final MemoryBackend BACKEND = new MemoryBackend(CLOCK);

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
