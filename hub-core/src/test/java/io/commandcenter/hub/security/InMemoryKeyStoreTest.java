package io.commandcenter.hub.security;

import java.nio.file.Path;

class InMemoryKeyStoreTest extends KeyStoreContract {
    @Override
    protected KeyStore open(Path dir) {
        return new InMemoryKeyStore();
    }
}
