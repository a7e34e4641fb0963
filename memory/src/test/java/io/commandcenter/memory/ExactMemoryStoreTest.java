package io.commandcenter.memory;

class ExactMemoryStoreTest extends AbstractMemoryStoreTest {
    @Override
    protected MemoryStore newStore() {
        return new ExactMemoryStore(DIMS);
    }
}
