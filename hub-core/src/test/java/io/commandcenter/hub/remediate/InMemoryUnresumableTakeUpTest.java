package io.commandcenter.hub.remediate;

import java.nio.file.Path;

/** {@link UnresumableTakeUpContract} on the in-memory store. */
class InMemoryUnresumableTakeUpTest extends UnresumableTakeUpContract {
    private InMemoryRemediationStore store;

    @Override
    protected RemediationStore open(Path dir) {
        store = new InMemoryRemediationStore();
        return store;
    }

    @Override
    protected void ownedBy(String runId, String hub) {
        store.ownedBy(runId, hub);
    }
}
