package io.commandcenter.hub.memory;

import io.commandcenter.models.explain.Factor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The vector an incident is remembered and found by, built the same way when a prediction is raised
 * and when its run is remembered, with no model and no randomness: "similar" means similar trouble
 * (which features were off and by how much, which metrics drove the risk and which way), not similar
 * words. {@value #DIMENSIONS} numbers in two halves of equal weight:
 * <ul>
 *   <li>the feature profile: each feature's value, squashed ({@code sign(x)·ln(1+|x|)}), hashed by
 *       name into one of {@value #HALF} buckets with a hashed sign (the hashing trick: any model's
 *       features fit, and two models sharing feature names share buckets);</li>
 *   <li>the factor profile: each top factor's contribution (log-odds), hashed by its feature (the
 *       detector: how it went wrong) and, at half weight each, by its metric (what went wrong) and by
 *       {@code feature[metric]}; which of a service's metrics leads the same trouble varies from one
 *       incident to the next, so the detector weighs most.</li>
 * </ul>
 * Each half is scaled to unit length, so neither drowns the other; the store normalises the whole.
 */
public final class IncidentVectors {
    public static final int DIMENSIONS = 64;
    static final int HALF = DIMENSIONS / 2;

    private IncidentVectors() {
    }

    public static float[] vector(Map<String, Double> features, List<Factor> factors) {
        float[] features32 = new float[HALF];
        features.forEach((name, value) -> {
            if (value != null && Double.isFinite(value)) {
                add(features32, "f:" + name, squash(value));
            }
        });
        float[] factors32 = new float[HALF];
        for (Factor f : factors) {
            if (Double.isFinite(f.contribution())) {
                // how it went wrong (the detector) weighs most: which of a service's metrics leads the
                // same trouble varies from one incident to the next
                add(factors32, "x:" + f.feature(), f.contribution());
                if (!f.metric().isEmpty()) {
                    add(factors32, "m:" + f.metric(), 0.5 * f.contribution());
                    add(factors32, "xm:" + f.label(), 0.5 * f.contribution());
                }
            }
        }
        float[] out = new float[DIMENSIONS];
        scaleInto(features32, out, 0);
        scaleInto(factors32, out, HALF);
        boolean empty = true;
        for (float x : out) {
            empty &= x == 0;
        }
        if (empty) {
            out[DIMENSIONS - 1] = 1; // nothing known: all such incidents are alike, and none is a zero vector
        }
        return out;
    }

    private static void add(float[] half, String key, double value) {
        int h = fnv1a(key);
        int bucket = Math.floorMod(h, HALF);
        double sign = ((h >>> 16) & 1) == 0 ? 1 : -1;
        half[bucket] += (float) (sign * value);
    }

    private static double squash(double x) {
        return Math.signum(x) * Math.log1p(Math.abs(x));
    }

    private static void scaleInto(float[] half, float[] out, int offset) {
        double norm = 0;
        for (float x : half) {
            norm += (double) x * x;
        }
        if (norm == 0 || !Double.isFinite(norm)) {
            return;
        }
        double s = Math.sqrt(norm);
        for (int i = 0; i < half.length; i++) {
            out[offset + i] = (float) (half[i] / s);
        }
    }

    /** FNV-1a over UTF-8: the same buckets on every JVM and release. */
    static int fnv1a(String key) {
        int h = 0x811c9dc5;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }
}
