package io.commandcenter.scheduler.state;

import io.commandcenter.scheduler.testing.Backend;
import io.commandcenter.scheduler.testing.MemoryBackend;
import io.commandcenter.scheduler.testing.MutableClock;

class InMemorySchedulerStateContractTest extends AbstractSchedulerStateContractTest {
    private static final MemoryBackend BACKEND = new MemoryBackend(new MutableClock());

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
