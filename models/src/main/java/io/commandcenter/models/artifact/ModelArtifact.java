package io.commandcenter.models.artifact;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/** An ONNX model with its sidecar, in memory. */
public record ModelArtifact(ModelMetadata metadata, byte[] onnx) {

    public ModelArtifact {
        Objects.requireNonNull(metadata, "metadata");
        onnx = onnx.clone();
        if (onnx.length == 0) {
            throw new IllegalArgumentException("empty ONNX model");
        }
    }

    @Override
    public byte[] onnx() {
        return onnx.clone();
    }

    /** SHA-256 (hex) of the ONNX bytes. */
    public String onnxSha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
