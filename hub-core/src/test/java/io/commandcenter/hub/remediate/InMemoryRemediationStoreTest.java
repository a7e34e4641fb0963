package io.commandcenter.hub.remediate;

import java.nio.file.Path;

class InMemoryRemediationStoreTest extends RemediationStoreContract {
    @Override
    protected RemediationStore open(Path dir) {
        return new InMemoryRemediationStore();
    }
}
