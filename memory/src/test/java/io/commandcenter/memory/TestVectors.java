package io.commandcenter.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded test data shaped like incident profiles: a few dozen kinds of trouble (cluster centres),
 * each memory a noisy copy of one.
 */
public final class TestVectors {
    private final SplittableRandom random;
    private final float[][] centres;
    private final int dims;

    public TestVectors(long seed, int dims, int clusters) {
        this.random = new SplittableRandom(seed);
        this.dims = dims;
        this.centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = gaussian(1.0);
        }
    }

    public float[] gaussian(double scale) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) (nextGaussian() * scale);
        }
        return v;
    }

    /** A noisy copy of a random centre. */
    public float[] next() {
        float[] c = centres[random.nextInt(centres.length)];
        float[] v = gaussian(0.35);
        for (int i = 0; i < dims; i++) {
            v[i] += c[i];
        }
        return v;
    }

    private double nextGaussian() {
        double u = random.nextDouble(), w = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * w);
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public List<Memory> memories(String project, int n, Instant start) {
        List<Memory> out = new ArrayList<>();
        String[] actions = {"restart", "scale", "notify"};
        String[] outcomes = {"recovered", "not_recovered", "worse", ""};
        for (int i = 0; i < n; i++) {
            out.add(Memory.builder().id("m-" + i).project(project).entity("service/s" + (i % 7))
                    .kind(i % 5 == 0 ? "agent.note" : "remediation").at(start.plusSeconds(i * 60L))
                    .vector(next()).action(actions[i % 3]).outcome(outcomes[i % 4])
                    .text("memory " + i).metadata(Map.of("n", Integer.toString(i))).build());
        }
        return out;
    }
}
