package io.commandcenter.hub.remediate;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CrashMidBurst} on the embedded database: the run journal's batched commits, and the
 * attempts stored before their tasks are submitted, keep a burst exactly-once across a crash.
 */
class H2CrashMidBurstTest {
    @TempDir
    Path dir;

    @Test
    void aHubDyingMidBurst_runsNoActionTwice_noneWithoutAStoredRun_andEveryStoredRunEnds() {
        try (Database database = Database.open(DatabaseSettings.embedded(dir))) {
            CrashMidBurst.Seen seen = CrashMidBurst.run(new JpaRemediationStore(database), 300);

            assertThat(seen.unfinishedAtTheCut()).as(CrashMidBurst.describe().apply(seen)).isPositive();
            assertThat(seen.succeeded()).as(CrashMidBurst.describe().apply(seen)).isPositive();
        }
    }
}
