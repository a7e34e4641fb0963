package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RiskFeedTest {
    static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    static final EntityKey CHECKOUT = new EntityKey(ProjectId.of("shop"), EntityKey.SERVICE, "checkout");
    static final EntityKey PAYMENTS = new EntityKey(ProjectId.of("shop"), EntityKey.SERVICE, "payments");

    final RiskFeed feed = new RiskFeed(0.05, Duration.ofSeconds(10), 100);

    @Test
    void theFirstScoreOfAnEntity_isPublished_smallMovesAreNot() {
        assertThat(feed.due(CHECKOUT, "m", 0.10, 0.38, T0)).isTrue();
        assertThat(feed.due(CHECKOUT, "m", 0.12, 0.38, T0.plusSeconds(1))).isFalse();
        assertThat(feed.due(CHECKOUT, "m", 0.149, 0.38, T0.plusSeconds(2))).isFalse();
        assertThat(feed.due(PAYMENTS, "m", 0.10, 0.38, T0.plusSeconds(2))).as("another entity").isTrue();
    }

    @Test
    void aMoveOfAStepFromTheLastPublished_isPublished_evenInSmallIncrements() {
        feed.due(CHECKOUT, "m", 0.10, 0.38, T0);
        feed.due(CHECKOUT, "m", 0.13, 0.38, T0.plusSeconds(1));

        assertThat(feed.due(CHECKOUT, "m", 0.16, 0.38, T0.plusSeconds(2))).as("0.06 above the last published").isTrue();
        assertThat(feed.due(CHECKOUT, "m", 0.12, 0.38, T0.plusSeconds(3))).as("0.04 below it").isFalse();
    }

    @Test
    void crossingTheThreshold_isPublishedWhateverTheStep() {
        feed.due(CHECKOUT, "m", 0.36, 0.38, T0);

        assertThat(feed.due(CHECKOUT, "m", 0.38, 0.38, T0.plusSeconds(1))).isTrue();
        assertThat(feed.due(CHECKOUT, "m", 0.37, 0.38, T0.plusSeconds(2))).as("and back").isTrue();
    }

    @Test
    void aSteadyEntity_isPublishedOncePerHeartbeat() {
        feed.due(CHECKOUT, "m", 0.10, 0.38, T0);

        assertThat(feed.due(CHECKOUT, "m", 0.10, 0.38, T0.plusMillis(9_999))).isFalse();
        assertThat(feed.due(CHECKOUT, "m", 0.10, 0.38, T0.plusSeconds(10))).isTrue();
        assertThat(feed.due(CHECKOUT, "m", 0.10, 0.38, T0.plusSeconds(15))).isFalse();
    }

    @Test
    void memoryIsBounded_theLeastRecentlyScoredIsForgotten_andPublishedAgain() {
        RiskFeed small = new RiskFeed(0.05, Duration.ofSeconds(10), 1);
        small.due(CHECKOUT, "m", 0.10, 0.38, T0);
        small.due(PAYMENTS, "m", 0.10, 0.38, T0);

        assertThat(small.size()).isEqualTo(1);
        assertThat(small.due(CHECKOUT, "m", 0.10, 0.38, T0.plusSeconds(1))).isTrue();
    }

    @Test
    void badSettings_areRefused() {
        assertThatThrownBy(() -> new RiskFeed(0, Duration.ofSeconds(1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RiskFeed(0.1, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RiskFeed(0.1, Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoModelsOfOneEntity_areComparedEachWithItsOwnLastScore() {
        assertThat(feed.due(CHECKOUT, "service_health", 0.10, 0.38, T0)).isTrue();
        assertThat(feed.due(CHECKOUT, "compliance_risk", 0.90, 0.38, T0.plusSeconds(1))).as("first of its model").isTrue();

        assertThat(feed.due(CHECKOUT, "service_health", 0.11, 0.38, T0.plusSeconds(2)))
                .as("0.01 from the last health score, not 0.79 from the compliance one").isFalse();
        assertThat(feed.due(CHECKOUT, "compliance_risk", 0.91, 0.38, T0.plusSeconds(3))).isFalse();
    }
}
