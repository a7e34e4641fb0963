package io.commandcenter.hub.runtime;

import io.commandcenter.hub.persistence.RetentionSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hub runs retention passes on its own thread ({@code cc-retention}) every {@code cc.retention.interval}, counts
 * what they delete in {@code /metrics}, and stops them when it closes (guide 8.2).
 */
class HubRetentionTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theHubDeletesOldTelemetryOnItsTimer_countsIt_andStopsThePassesWhenItCloses(@TempDir Path dir)
            throws Exception {
        HubSettings settings = HubSettings.defaults(dir, 0)
                .withRetention(RetentionSettings.defaults().withInterval(Duration.ofMillis(100)));
        Hub hub = Hub.start(settings, Clock.systemUTC());
        try {
            Instant old = Instant.now().minus(Duration.ofDays(31));
            try (Connection c = hub.database().dataSource().getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO health_sample (project_id, record_id,"
                         + " service, sample_time, received_at) VALUES ('default', ?, 'checkout', ?, ?)")) {
                for (String id : new String[] {"old", "new"}) {
                    Instant at = id.equals("old") ? old : Instant.now();
                    insert.setString(1, id);
                    insert.setObject(2, at.atOffset(ZoneOffset.UTC));
                    insert.setObject(3, at.atOffset(ZoneOffset.UTC));
                    insert.executeUpdate();
                }
                c.commit();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> samples(hub) == 1);
            assertThat(hub.metrics().registry().scrape())
                    .contains("cc_retention_deleted_rows_total{table=\"health_sample\"} 1");
        } finally {
            hub.close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).as("no retention thread outlives its hub")
                .noneMatch(t -> t.getName().equals("cc-retention") && t.isAlive());
    }

    private static int samples(Hub hub) throws Exception {
        try (Connection c = hub.database().dataSource().getConnection();
             ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM health_sample")) {
            r.next();
            int n = r.getInt(1);
            c.rollback();
            return n;
        }
    }
}
