package io.commandcenter.scheduler.capacity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpikeAnticipatorTest {
    static final AnticipationRule RULE = new AnticipationRule(0.5, 60_000, 60_000, 900_000);

    @Test
    void predictionsReserveTheirExpectedNumberOfTasks_roundedUp() {
        SpikeAnticipator a = new SpikeAnticipator();
        a.signal(new LoadSignal("p1", "restart", 0.9, 0.9, 10_000));
        a.signal(new LoadSignal("p2", "restart", 0.8, 0.5, 10_000));

        assertThat(a.reserve("restart", 0, 10, RULE)).isEqualTo(2);
        assertThat(a.reserve("scale", 0, 10, RULE)).isZero();
    }

    @Test
    void aReservationNeverExceedsTheConfiguredFractionOfCapacity() {
        SpikeAnticipator a = new SpikeAnticipator();
        for (int i = 0; i < 10; i++) {
            a.signal(new LoadSignal("p" + i, "restart", 1, 1, 10_000));
        }

        assertThat(a.reserve("restart", 0, 6, RULE)).isEqualTo(3);
    }

    @Test
    void aWeakPrediction_holdsNoSlot() {
        SpikeAnticipator a = new SpikeAnticipator();
        a.signal(new LoadSignal("p1", "restart", 0.2, 0.2, 10_000));

        assertThat(a.reserve("restart", 0, 10, RULE)).isZero();
    }

    @Test
    void aPredictionStopsCounting_whenItsTaskArrives_orItsHorizonEnds() {
        SpikeAnticipator a = new SpikeAnticipator();
        a.signal(new LoadSignal("p1", "restart", 1, 1, 10_000));
        a.signal(new LoadSignal("p2", "restart", 1, 1, 5_000));

        a.arrival("restart", "p1", 1_000, RULE);

        assertThat(a.reserve("restart", 1_000, 10, RULE)).isEqualTo(1 + 1);
        assertThat(a.reserve("restart", 6_000, 10, RULE)).as("p2's horizon ended; p1 arrived (trend remains)")
                .isEqualTo(1);
    }

    @Test
    void aBurstOfRemediationArrivals_reservesForTheTrend_andTheReservationFadesWhenArrivalsSteady() {
        SpikeAnticipator a = new SpikeAnticipator();
        for (int i = 0; i < 20; i++) {
            a.arrival("restart", "burst-" + i, i * 1_000L, RULE);
        }

        int duringBurst = a.reserve("restart", 20_000, 100, RULE);
        int muchLater = a.reserve("restart", 20_000 + 3_600_000, 100, RULE);

        // fast average ≈ 20 arrivals decayed over one minute; slow ≈ the same over 15: ~+10 arrivals/min ahead
        assertThat(duringBurst).isBetween(8, 14);
        assertThat(muchLater).isZero();
    }
}
