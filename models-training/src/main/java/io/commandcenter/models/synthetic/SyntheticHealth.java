package io.commandcenter.models.synthetic;

import io.commandcenter.models.features.HealthSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generator of labelled {@link HealthSample} streams (one a minute) for the service_health model, seeded.
 *
 * <p>Normal: requests ~ Poisson(λ·(1 + 0.5 sin(day))) with λ 20–2000 a minute, base error rate 0.1–2 %,
 * latency p50 log-normal around 20–200 ms (σ 0.1), p95 = 2–3 × p50, p99 = 1.3–2 × p95, always up.
 * Faults (labelled span), 1–3 per stream after a 15 % warm-up: latency creep (× 2–6 over 20–200 rows),
 * error burst (5–60 % errors for 3–60 rows), outage (down, no traffic, 2–20 rows), saturation (latency
 * × 3, p99 × 5, requests flattened at their mean, 20–120 rows) and memory leak (latency × 1.5–3 over
 * 60–300 rows, then a restart: 1–3 rows down).
 */
public final class SyntheticHealth {

    /** A stream and its labels (same length). */
    public record Stream(List<HealthSample> samples, boolean[] labels) {
    }

    private final SplittableRandom rnd;

    public SyntheticHealth(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    public Stream stream(String entity, int rows) {
        double lambda = 20 * Math.pow(100, rnd.nextDouble());
        double errBase = 0.001 + 0.019 * rnd.nextDouble();
        double p50 = 20 * Math.pow(10, rnd.nextDouble());
        double r95 = 2 + rnd.nextDouble();
        double r99 = 1.3 + 0.7 * rnd.nextDouble();
        double[] latFactor = new double[rows];
        double[] errRate = new double[rows];
        boolean[] down = new boolean[rows];
        boolean[] flat = new boolean[rows];
        double[] p99Extra = new double[rows];
        boolean[] labels = new boolean[rows];
        java.util.Arrays.fill(latFactor, 1.0);
        java.util.Arrays.fill(errRate, errBase);
        java.util.Arrays.fill(p99Extra, 1.0);
        int faults = 1 + rnd.nextInt(3);
        int warm = Math.max(200, rows * 15 / 100);
        for (int f = 0, tries = 0; f < faults && tries < 50; tries++) {
            int kind = rnd.nextInt(5);
            int len = switch (kind) {
                case 0 -> 20 + rnd.nextInt(181);
                case 1 -> 3 + rnd.nextInt(58);
                case 2 -> 2 + rnd.nextInt(19);
                case 3 -> 20 + rnd.nextInt(101);
                default -> 60 + rnd.nextInt(241);
            };
            int at = warm + rnd.nextInt(Math.max(1, rows - warm - len - 10));
            boolean free = true;
            for (int i = Math.max(0, at - 60); i < Math.min(rows, at + len + 60); i++) {
                free &= !labels[i];
            }
            if (!free) {
                continue;
            }
            f++;
            double mag = rnd.nextDouble();
            for (int i = at; i < Math.min(rows, at + len); i++) {
                double prog = (i - at + 1.0) / len;
                labels[i] = true;
                switch (kind) {
                    case 0 -> latFactor[i] = 1 + (1 + 4 * mag) * prog;
                    case 1 -> errRate[i] = 0.05 + 0.55 * mag;
                    case 2 -> down[i] = true;
                    case 3 -> {
                        latFactor[i] = 3;
                        p99Extra[i] = 5.0 / 3;
                        flat[i] = true;
                    }
                    default -> {
                        latFactor[i] = 1 + (0.5 + 1.5 * mag) * prog;
                        if (i >= at + len - 2) {
                            down[i] = true;
                        }
                    }
                }
            }
        }
        List<HealthSample> out = new ArrayList<>(rows);
        long t = 1_700_000_000_000L + rnd.nextInt(1_000_000) * 60_000L;
        for (int i = 0; i < rows; i++) {
            double season = 1 + 0.5 * Math.sin(2 * Math.PI * i / 1440);
            long requests = down[i] ? 0 : flat[i] ? Math.round(lambda) : poisson(lambda * season);
            long errors = requests == 0 ? 0 : Math.min(requests, binomial(requests, errRate[i]));
            double l50 = down[i] ? 0 : p50 * latFactor[i] * Math.exp(0.1 * rnd.nextGaussian());
            double l95 = l50 * r95 * Math.exp(0.05 * rnd.nextGaussian());
            double l99 = l95 * r99 * p99Extra[i] * Math.exp(0.05 * rnd.nextGaussian());
            out.add(new HealthSample(entity, t + i * 60_000L, l50, l95, l99, requests, errors, !down[i], Map.of()));
        }
        return new Stream(out, labels);
    }

    private long poisson(double lambda) {
        if (lambda > 30) {
            return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rnd.nextGaussian()));
        }
        double l = Math.exp(-lambda);
        long k = 0;
        double p = 1;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private long binomial(long n, double p) {
        double mean = n * p;
        if (n > 50) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean * (1 - p)) * rnd.nextGaussian()));
        }
        long k = 0;
        for (long i = 0; i < n; i++) {
            if (rnd.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }
}
