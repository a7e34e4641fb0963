package io.commandcenter.hub.learning.sql;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.ShadowScoring.WouldBe;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code shadow_prediction} on H2 and PostgreSQL: each would-be prediction stored once, and its retention. */
class JpaShadowGatesTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00.123456Z");

    static WouldBe wouldBe(String entity, Instant at, double risk) {
        return new WouldBe(new EntityKey(SHOP, "service", entity), "service_health", "2.2.1", risk, 0.5, at);
    }

    static Database open(String kind, Path dir) {
        return Database.open("postgres".equals(kind) ? Databases.postgres(dir) : Databases.h2(dir));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void hubsStoringTheSameWouldBePrediction_storeOneRow(String kind, @TempDir Path dir) {
        Database db = open(kind, dir);
        try {
            JpaShadowGates hubA = new JpaShadowGates(db);
            JpaShadowGates hubB = new JpaShadowGates(db);
            hubA.saveWouldBe(SHOP, List.of(wouldBe("checkout", T0, 0.9)));
            // hub B scored the same sample and one more entity: its batch keeps the new row
            hubB.saveWouldBe(SHOP, List.of(wouldBe("checkout", T0, 0.9), wouldBe("cart", T0, 0.8)));
            hubA.saveWouldBe(SHOP, List.of(wouldBe("checkout", T0.plusSeconds(60), 0.7)));
            List<WouldBe> rows = hubA.wouldBe(SHOP, "service_health", "2.2.1", T0, T0.plusSeconds(3600));
            assertThat(rows).extracting(w -> w.entity().id() + "@" + w.observedAt())
                    .containsExactlyInAnyOrder("checkout@" + T0, "cart@" + T0, "checkout@" + T0.plusSeconds(60));
            assertThat(JpaShadowGates.id(SHOP, wouldBe("checkout", T0, 0.9)))
                    .isEqualTo(JpaShadowGates.id(SHOP, wouldBe("checkout", T0, 0.1)))
                    .isNotEqualTo(JpaShadowGates.id(SHOP, wouldBe("checkout", T0.plusNanos(1000), 0.9)))
                    .isNotEqualTo(JpaShadowGates.id(ProjectId.of("lab"), wouldBe("checkout", T0, 0.9)));
        } finally {
            db.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void deleteWouldBe_deletesOnlyRowsObservedBeforeTheCut(String kind, @TempDir Path dir) {
        Database db = open(kind, dir);
        try {
            JpaShadowGates store = new JpaShadowGates(db);
            store.saveWouldBe(SHOP, List.of(wouldBe("a", T0.minusSeconds(7200), 0.9), wouldBe("b", T0.minusSeconds(1), 0.9),
                    wouldBe("c", T0, 0.9), wouldBe("d", T0.plusSeconds(60), 0.9)));
            assertThat(store.deleteWouldBe(T0)).isEqualTo(2);
            assertThat(store.wouldBe(SHOP, "service_health", "2.2.1", Instant.EPOCH, T0.plusSeconds(3600)))
                    .extracting(w -> w.entity().id()).containsExactly("c", "d");
            assertThat(store.deleteWouldBe(T0)).isZero();
        } finally {
            db.close();
        }
    }
}
