package io.commandcenter.cli;

import io.commandcenter.cli.ServerNormal.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ServerNormalTest {

    /** {@code normal} rows labelled normal, then one incident row; column 0 is {@code c0(i)}, column 1 constant 5. */
    private static float[] rows(int normal, java.util.function.IntToDoubleFunction c0, float incident0) {
        float[] x = new float[(normal + 1) * 2];
        for (int i = 0; i < normal; i++) {
            x[2 * i] = (float) c0.applyAsDouble(i);
            x[2 * i + 1] = 5;
        }
        x[2 * normal] = incident0;
        x[2 * normal + 1] = 100;
        return x;
    }

    /** {@code rows × columns} standard normal values, seeded. */
    private static float[] gaussian(int rows, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static boolean[] labels(int normal) {
        boolean[] y = new boolean[normal + 1];
        y[normal] = true;
        return y;
    }

    private static ServerNormal[] fit(List<float[]> x, List<boolean[]> y, int columns) {
        return ServerNormal.fit(x, y, columns, new int[x.size()], y.stream().mapToInt(l -> l.length).toArray(), 7);
    }

    @Test
    void maxz_isTheLargestRobustZ_andAColumnConstantInEveryNormalRowIsLeftOut() {
        float[] x = rows(600, i -> i, 899.5f);
        ServerNormal m = fit(List.of(x), List.of(labels(600)), 2)[0];

        // column 0: median 299.5, MAD 150, so 899.5 is 4 MADs out; column 1 (5 in every normal row, 100 here) is left out
        assertThat(m.novelty(Kind.MAXZ, x, 600)).isCloseTo(4.0, within(1e-9));
        assertThat(m.novelty(Kind.MAXZ, x, 299)).isCloseTo(0.5 / 150, within(1e-9));
    }

    @Test
    void aServerWhoseNormalRowsDoNotVary_isScaledByAShareOfThePooledMad() {
        float[] flat = rows(600, i -> 1, 2);
        float[] wide = rows(2000, i -> i, 0);
        ServerNormal m = fit(List.of(flat, wide), List.of(labels(600), labels(2000)), 2)[0];

        double[] pooled = IntStream.range(0, 2600).mapToDouble(i -> i < 600 ? 1 : i - 600).toArray();
        double floor = ServerNormal.EPS * ServerNormal.mad(pooled, ServerNormal.median(pooled));
        assertThat(floor).isPositive();
        assertThat(m.novelty(Kind.MAXZ, flat, 600)).isCloseTo(1 / floor, within(1e-6));
    }

    @Test
    void knn_isTheDistanceToTheTenthNearestNormalRow_neverTheRowItself() {
        int n = 700;
        float[] x = gaussian(n + 1, 3, 3);
        x[3 * n] = 6;
        ServerNormal m = fit(List.of(x), List.of(labels(n)), 3)[0];

        double[][] z = robustZ(x, n, 3);
        for (int row : new int[] {n, 0, 345}) {
            double[] d = IntStream.range(0, n).filter(i -> i != row)
                    .mapToDouble(i -> Math.sqrt(IntStream.range(0, 3).mapToDouble(j -> Math.pow(z[row][j] - z[i][j], 2)).sum()))
                    .sorted().toArray();
            assertThat(m.novelty(Kind.KNN, x, row)).isCloseTo(d[ServerNormal.K - 1], within(1e-9));
        }
        assertThat(m.novelty(Kind.KNN, x, n)).isGreaterThan(m.novelty(Kind.KNN, x, 0));
    }

    @Test
    void theTerm_isTheNoveltyOnTheServersOwnNormalScale() {
        float[] x = rows(600, i -> i, 899.5f);
        ServerNormal m = fit(List.of(x), List.of(labels(600)), 2)[0];

        double[] d = IntStream.range(0, 600).mapToDouble(i -> m.novelty(Kind.MAXZ, x, i)).toArray();
        double median = ServerNormal.median(d);
        assertThat(m.term(Kind.MAXZ, x, 600)).isCloseTo((4.0 - median) / ServerNormal.mad(d, median), within(1e-9));
    }

    @Test
    void aServerWithFewerThan500NormalRows_getsNoModel() {
        float[] few = rows(499, i -> i, 0);
        float[] enough = rows(500, i -> i, 0);
        ServerNormal[] models = fit(List.of(few, enough), List.of(labels(499), labels(500)), 2);

        assertThat(models[0]).isNull();
        assertThat(models[1]).isNotNull();
    }

    @Test
    void theSameRowsAndSeed_giveTheSameModel() {
        int n = 6000;
        float[] x = gaussian(n + 1, 2, 5);
        double a = fit(List.of(x), List.of(labels(n)), 2)[0].term(Kind.KNN, x, n);
        double b = fit(List.of(x), List.of(labels(n)), 2)[0].term(Kind.KNN, x, n);

        assertThat(a).isEqualTo(b);
    }

    /** Each normal row's (and the incident row's) robust z's, computed here from the normal rows' medians and MADs. */
    private static double[][] robustZ(float[] x, int normal, int columns) {
        double[][] z = new double[normal + 1][columns];
        for (int j = 0; j < columns; j++) {
            int c = j;
            double[] v = IntStream.range(0, normal).mapToDouble(i -> x[i * columns + c]).toArray();
            double median = ServerNormal.median(v);
            double mad = ServerNormal.mad(v, median);
            for (int i = 0; i <= normal; i++) {
                z[i][j] = (x[i * columns + j] - median) / mad;
            }
        }
        return z;
    }

    @Test
    void medianAndMad_ofEvenAndOddCounts() {
        assertThat(ServerNormal.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(ServerNormal.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(ServerNormal.mad(new double[] {1, 2, 3, 4, 100}, 3)).isEqualTo(1);
    }
}
