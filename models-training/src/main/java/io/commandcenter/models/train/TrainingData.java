package io.commandcenter.models.train;

import io.commandcenter.models.features.FeatureSchema;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A labelled, weighted feature matrix: {@code x} is row-major {@code rows × schema.size()}.
 */
public record TrainingData(FeatureSchema schema, float[] x, boolean[] y, float[] weights) {

    public TrainingData {
        Objects.requireNonNull(schema, "schema");
        if (x.length != y.length * schema.size() || weights.length != y.length) {
            throw new IllegalArgumentException("x must be rows × features and weights one per row");
        }
    }

    public int rows() {
        return y.length;
    }

    public long positives() {
        long p = 0;
        for (boolean b : y) {
            if (b) {
                p++;
            }
        }
        return p;
    }

    /** SHA-256 (hex) of the feature names, matrix, labels and weights: the sidecar's data hash. */
    public String sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(String.join(",", schema.names()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ByteBuffer buf = ByteBuffer.allocate(4 * 4096);
            for (int i = 0; i < x.length; i++) {
                if (!buf.hasRemaining()) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(x[i]);
            }
            md.update(buf.array(), 0, buf.position());
            for (int i = 0; i < y.length; i++) {
                md.update((byte) (y[i] ? 1 : 0));
                md.update(ByteBuffer.allocate(4).putFloat(weights[i]).array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
