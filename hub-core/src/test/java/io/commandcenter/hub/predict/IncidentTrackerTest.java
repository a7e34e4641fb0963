package io.commandcenter.hub.predict;

import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.commandcenter.hub.predict.IncidentTracker.Decision.ONGOING;
import static io.commandcenter.hub.predict.IncidentTracker.Decision.QUIET;
import static io.commandcenter.hub.predict.IncidentTracker.Decision.RAISE;
import static org.assertj.core.api.Assertions.assertThat;

class IncidentTrackerTest {
    static final EntityKey API = new EntityKey(ProjectId.of("p"), "service", "api");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    final IncidentTracker tracker = new IncidentTracker(Duration.ofMinutes(10), 0.7, 3);

    List<IncidentTracker.Decision> feed(double... risks) {
        List<IncidentTracker.Decision> out = new ArrayList<>();
        for (int i = 0; i < risks.length; i++) {
            out.add(tracker.observe(API, "m", risks[i], 0.5, T0.plusSeconds(60L * i)));
        }
        return out;
    }

    @Test
    void anIncident_raisesOnce_howeverLongItLasts() {
        assertThat(feed(0.1, 0.2, 0.6, 0.9, 0.95, 0.8, 0.7)).containsExactly(QUIET, QUIET, RAISE, ONGOING, ONGOING,
                ONGOING, ONGOING);
    }

    @Test
    void aRiskHoveringAroundTheThreshold_doesNotFlap() {
        // dips to 0.45 (above 0.7 x 0.5) never count towards closing
        assertThat(feed(0.6, 0.45, 0.55, 0.45, 0.6)).containsExactly(RAISE, ONGOING, ONGOING, ONGOING, ONGOING);
    }

    @Test
    void anIncidentCloses_afterThreeScoresBelowTheLowWater_andANewOneRaisesAfterTheCooldown() {
        List<IncidentTracker.Decision> first = feed(0.9, 0.1, 0.1, 0.1);
        IncidentTracker.Decision soon = tracker.observe(API, "m", 0.9, 0.5, T0.plusSeconds(60L * 5));
        tracker.observe(API, "m", 0.1, 0.5, T0.plusSeconds(60L * 6));
        tracker.observe(API, "m", 0.1, 0.5, T0.plusSeconds(60L * 7));
        tracker.observe(API, "m", 0.1, 0.5, T0.plusSeconds(60L * 8));
        IncidentTracker.Decision later = tracker.observe(API, "m", 0.9, 0.5, T0.plusSeconds(60L * 11));

        assertThat(first).containsExactly(RAISE, ONGOING, ONGOING, QUIET);
        assertThat(soon).as("re-opened within the cool-down: the same trouble").isEqualTo(ONGOING);
        assertThat(later).as("a new incident after the cool-down").isEqualTo(RAISE);
    }

    @Test
    void aBelowRun_isResetByAScoreAboveTheLowWater() {
        assertThat(feed(0.9, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1)).containsExactly(RAISE, ONGOING, ONGOING, ONGOING, ONGOING,
                ONGOING, QUIET);
    }

    @Test
    void entitiesAndModels_areTrackedApart() {
        EntityKey db = new EntityKey(ProjectId.of("p"), "service", "db");

        assertThat(tracker.observe(API, "m", 0.9, 0.5, T0)).isEqualTo(RAISE);
        assertThat(tracker.observe(db, "m", 0.9, 0.5, T0)).isEqualTo(RAISE);
        assertThat(tracker.observe(API, "other", 0.9, 0.5, T0)).isEqualTo(RAISE);
    }

    @Test
    void retract_letsTheNextHighScoreRaiseAgain() {
        tracker.observe(API, "m", 0.9, 0.5, T0);

        tracker.retract(API, "m");

        assertThat(tracker.observe(API, "m", 0.9, 0.5, T0.plusSeconds(1))).isEqualTo(RAISE);
    }

    @Test
    void anOpenIncidentReleasedByTheBook_lingers_andTheNextHighScoreIsOngoing() {
        assertThat(tracker.observe(API, "m", 0.9, 0.5, T0)).isEqualTo(RAISE);

        tracker.release(API, "m", T0.plusSeconds(60));

        assertThat(tracker.lingering()).isEqualTo(1);
        assertThat(tracker.observe(API, "m", 0.9, 0.5, T0.plus(Duration.ofHours(1))))
                .as("still the open incident, however long since").isEqualTo(ONGOING);
        assertThat(tracker.lingering()).as("scored again: live").isZero();
    }

    @Test
    void aClosedIncidentReleasedWithinTheCooldown_keepsItsCooldown() {
        assertThat(feed(0.9, 0.1, 0.1, 0.1)).containsExactly(RAISE, ONGOING, ONGOING, QUIET);

        tracker.release(API, "m", T0.plusSeconds(240));

        assertThat(tracker.observe(API, "m", 0.9, 0.5, T0.plusSeconds(300))).as("within 10 min of the raise").isEqualTo(ONGOING);
    }

    @Test
    void aClosedStateOutOfItsCooldown_goesAtRelease_andALingeringOneAtTheSweepAfterItsCooldown() {
        EntityKey db = new EntityKey(ProjectId.of("p"), "service", "db");
        tracker.observe(API, "m", 0.1, 0.5, T0);
        tracker.observe(db, "m", 0.9, 0.5, T0);
        for (int i = 1; i <= 3; i++) {
            tracker.observe(db, "m", 0.1, 0.5, T0.plusSeconds(i));
        }

        tracker.release(API, "m", T0.plusSeconds(10));
        tracker.release(db, "m", T0.plusSeconds(10));
        assertThat(tracker.size()).as("the quiet one went, the one in its cooldown lingers").isEqualTo(1);

        tracker.sweep(T0.plus(Duration.ofMinutes(9)));
        assertThat(tracker.size()).isEqualTo(1);
        tracker.sweep(T0.plus(Duration.ofMinutes(11)));
        assertThat(tracker.size()).isZero();
        assertThat(tracker.observe(db, "m", 0.9, 0.5, T0.plus(Duration.ofMinutes(12)))).isEqualTo(RAISE);
    }

    @Test
    void lingeringStates_areCapped_theOldestClosedGoFirst() {
        IncidentTracker small = new IncidentTracker(Duration.ofMinutes(10), 0.7, 1, 2);
        EntityKey a = new EntityKey(ProjectId.of("p"), "service", "a");
        EntityKey b = new EntityKey(ProjectId.of("p"), "service", "b");
        EntityKey c = new EntityKey(ProjectId.of("p"), "service", "c");
        small.observe(a, "m", 0.9, 0.5, T0); // open
        small.observe(b, "m", 0.9, 0.5, T0);
        small.observe(b, "m", 0.1, 0.5, T0.plusSeconds(1)); // closed, in its cooldown
        small.observe(c, "m", 0.9, 0.5, T0); // open

        small.release(a, "m", T0.plusSeconds(2));
        small.release(b, "m", T0.plusSeconds(2));
        small.release(c, "m", T0.plusSeconds(2));

        assertThat(small.lingering()).isEqualTo(2);
        assertThat(small.isOpen(a, "m")).isTrue();
        assertThat(small.isOpen(c, "m")).isTrue();
        assertThat(small.observe(b, "m", 0.9, 0.5, T0.plusSeconds(3))).as("b's state went first").isEqualTo(RAISE);
    }

    /**
     * Entities that stop sending inside an incident linger open until the cap takes them; once the cap is full of
     * them, each further release drops the oldest at once. Before, every release over the cap scanned the lingering
     * states for a closed one: 100,000 open ones made each eviction of the engine a 100,000-step scan (10^10 steps
     * here, minutes; now well under a second).
     */
    @Test
    void aCapFullOfOpenLingeringStates_dropsTheOldestAtOnce_withoutAScanARelease() {
        int cap = 100_000;
        IncidentTracker churn = new IncidentTracker(Duration.ofMinutes(10), 0.7, 3, cap);
        List<EntityKey> keys = new ArrayList<>();
        for (int i = 0; i < 2 * cap; i++) {
            keys.add(new EntityKey(ProjectId.of("p"), "pod", "pod-" + i));
        }
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (EntityKey key : keys) {
                assertThat(churn.observe(key, "m", 0.9, 0.5, T0)).isEqualTo(RAISE);
                churn.release(key, "m", T0.plusSeconds(1));
            }
        });
        assertThat(churn.lingering()).isEqualTo(cap);
        assertThat(churn.size()).isEqualTo(cap);
        assertThat(churn.isOpen(keys.get(cap - 1), "m")).as("the oldest went").isFalse();
        assertThat(churn.isOpen(keys.get(cap), "m")).as("the newest stay, open").isTrue();
        assertThat(churn.isOpen(keys.get(2 * cap - 1), "m")).isTrue();
    }
}
