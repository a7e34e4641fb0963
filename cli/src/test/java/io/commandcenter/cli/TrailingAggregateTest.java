package io.commandcenter.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrailingAggregateTest {

    private static final double[] Z = {1, 3, -2, 5, 0, 4};

    @Test
    void theTrailingMean_averagesTheLastWRows_andFewerAtTheStart() {
        assertThat(TrailingAggregate.mean(3).apply(Z)).containsExactly(new double[]{1, 2, 2.0 / 3, 2, 1, 3}, within(1e-12));
    }

    @Test
    void theTrailingMax_isTheLargestOfTheLastWRows() {
        assertThat(TrailingAggregate.max(2).apply(Z)).containsExactly(1, 3, 3, 5, 5, 4);
        assertThat(TrailingAggregate.max(3).apply(Z)).containsExactly(1, 3, 3, 5, 5, 5);
    }

    @Test
    void theEwma_halvesARowsWeightEveryHalfLifeRows_startingAtTheFirstRow() {
        double[] step = {0, 1, 1, 1, 1};
        double[] e = TrailingAggregate.ewma(2).apply(step);
        // from 0 toward 1: after h = 2 rows of 1 the remaining gap is 1/2, after 4 rows 1/4
        assertThat(e[0]).isEqualTo(0);
        assertThat(1 - e[2]).isCloseTo(0.5, within(1e-12));
        assertThat(1 - e[4]).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void noneAndAWindowOfOne_leaveTheLogOddsAsTheyAre() {
        assertThat(TrailingAggregate.NONE.apply(Z)).containsExactly(Z);
        assertThat(TrailingAggregate.mean(1).apply(Z)).containsExactly(Z);
        assertThat(TrailingAggregate.max(1).apply(Z)).containsExactly(Z);
    }

    @Test
    void everyAggregate_isCausal_aRowsValueDoesNotChangeWithLaterRows() {
        Random random = new Random(7);
        double[] z = random.doubles(200, -5, 5).toArray();
        for (TrailingAggregate a : TemporalAggregationStudy.CANDIDATES) {
            double[] whole = a.apply(z);
            double[] changed = z.clone();
            for (int i = 120; i < changed.length; i++) {
                changed[i] = random.nextDouble() * 20 - 10;
            }
            assertThat(Arrays.copyOf(a.apply(changed), 120)).as(a.name()).containsExactly(Arrays.copyOf(whole, 120));
            assertThat(Arrays.copyOf(a.apply(Arrays.copyOf(z, 120)), 120)).as(a.name())
                    .containsExactly(Arrays.copyOf(whole, 120));
        }
    }

    @Test
    void theMaxWithItsDeque_equalsTheBruteForceMax() {
        double[] z = new Random(11).doubles(500, -3, 3).toArray();
        for (int w : new int[]{3, 5, 10, 20}) {
            double[] fast = TrailingAggregate.max(w).apply(z);
            for (int t = 0; t < z.length; t++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = Math.max(0, t - w + 1); i <= t; i++) {
                    m = Math.max(m, z[i]);
                }
                assertThat(fast[t]).as("w %d row %d", w, t).isEqualTo(m);
            }
        }
    }

    @Test
    void aWindowBelowOne_orAHalfLifeNotAboveZero_isRefused() {
        assertThatThrownBy(() -> TrailingAggregate.mean(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrailingAggregate.ewma(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrailingAggregate.ewma(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ties_goToNone_thenToTheCandidateListedFirst() {
        TrailingAggregate[] order = TemporalAggregationStudy.CANDIDATES;
        assertThat(order[0]).isEqualTo(TrailingAggregate.NONE);
        for (int i = 1; i + 1 < order.length; i++) {
            assertThat(order[i].effectiveRows()).as(order[i].name()).isLessThanOrEqualTo(order[i + 1].effectiveRows());
        }
        double[] aucs = new double[order.length];
        Arrays.fill(aucs, 0.8);
        assertThat(TemporalAggregationStudy.choose(aucs)).isZero();
        aucs[3] = 0.8 + TemporalAggregationStudy.TIE / 2;
        assertThat(TemporalAggregationStudy.choose(aucs)).isZero();
        aucs[3] = 0.81;
        aucs[5] = 0.81;
        assertThat(TemporalAggregationStudy.choose(aucs)).isEqualTo(3);
    }
}
