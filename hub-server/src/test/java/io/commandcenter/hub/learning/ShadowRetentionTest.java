package io.commandcenter.hub.learning;

import io.commandcenter.hub.learning.ShadowGates.Gate;
import io.commandcenter.hub.learning.ShadowGates.State;
import io.commandcenter.hub.learning.sql.JpaShadowGates;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.ShadowScoring;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cc.learning.shadow-retention}: old would-be predictions go, those a pending wait needs stay. */
class ShadowRetentionTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    static ShadowScoring.WouldBe wouldBe(String version, Instant at) {
        return new ShadowScoring.WouldBe(new EntityKey(SHOP, "service", "checkout"), "service_health", version, 0.9,
                0.5, at);
    }

    static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    @Test
    void prune_deletesWouldBePredictionsOlderThanTheRetention_butNoneAPendingWaitNeeds(@TempDir Path dir) {
        Database db = Database.open(Databases.h2(dir));
        try {
            JpaShadowGates store = new JpaShadowGates(db);
            ShadowGate gate = new ShadowGate(LearningSettings.defaults().withShadowRetention(Duration.ofDays(30)), store,
                    null, null, new ShadowScoring(10), null, null, Clock.fixed(NOW, ZoneOffset.UTC));
            // 2.2.1 was judged long ago; 2.2.2 has waited 35 days (a long period) and is still pending
            store.open(new Gate(SHOP, "service_health", "2.2.2", State.PENDING, daysAgo(35), NOW.plusSeconds(60), "ok",
                    "", null));
            store.saveWouldBe(SHOP, List.of(wouldBe("2.2.1", daysAgo(40)), wouldBe("2.2.1", daysAgo(1)),
                    wouldBe("2.2.2", daysAgo(34)), wouldBe("2.2.2", daysAgo(2))));

            assertThat(gate.prune(NOW)).as("only the 40-day-old row: the pending wait keeps its own").isEqualTo(1);
            assertThat(store.wouldBe(SHOP, "service_health", "2.2.1", Instant.EPOCH, NOW)).hasSize(1);
            assertThat(store.wouldBe(SHOP, "service_health", "2.2.2", Instant.EPOCH, NOW)).hasSize(2);

            store.decide(SHOP, "service_health", "2.2.2", State.REFUSED, "judged", NOW);
            assertThat(gate.prune(NOW)).as("judged: its rows past the retention go too").isEqualTo(1);
            assertThat(store.wouldBe(SHOP, "service_health", "2.2.2", Instant.EPOCH, NOW)).extracting(
                    ShadowScoring.WouldBe::observedAt).containsExactly(daysAgo(2));
        } finally {
            db.close();
        }
    }

    @Test
    void theRetentionMustBePositive() {
        assertThat(LearningSettings.defaults().shadowRetention()).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> LearningSettings.defaults().withShadowRetention(Duration.ZERO))
                .hasMessageContaining("cc.learning.shadow-retention must be positive");
    }
}
