package io.commandcenter.memory;

/** Vector arithmetic the stores share. */
public final class Vectors {
    private Vectors() {
    }

    /** A unit-length copy; the caller has checked the norm is finite and not zero. */
    public static float[] unit(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    public static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** Cosine similarity of two unit vectors, clamped to [-1, 1] against rounding. */
    public static double cosine(float[] unitA, float[] unitB) {
        return Math.max(-1, Math.min(1, dot(unitA, unitB)));
    }
}
