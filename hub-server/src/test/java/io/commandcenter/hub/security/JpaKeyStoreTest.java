package io.commandcenter.hub.security;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.security.sql.JpaKeyStore;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's SQL key store: the key store's contract on H2 and on PostgreSQL, and the
 * authenticator's races with revocation ({@link AuthenticatorRaceTest}) on it.
 */
class JpaKeyStoreTest {
    private final List<Database> opened = new ArrayList<>();

    KeyStore open(DatabaseSettings settings) {
        Database database = Database.open(settings);
        opened.add(database);
        return new JpaKeyStore(database);
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(Database::close);
    }

    @Nested
    class ContractOnH2 extends KeyStoreContract {
        @Override
        protected KeyStore open(Path dir) {
            return JpaKeyStoreTest.this.open(Databases.h2(dir));
        }
    }

    @Nested
    class ContractOnPostgres extends KeyStoreContract {
        @Override
        protected KeyStore open(Path dir) {
            return JpaKeyStoreTest.this.open(Databases.postgres(dir));
        }
    }

    @Nested
    class RacesOnH2 extends AuthenticatorRaceTest {
        @Override
        protected KeyStore open(Path dir) {
            return JpaKeyStoreTest.this.open(Databases.h2(dir));
        }
    }
}
