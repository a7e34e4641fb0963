package io.commandcenter.models.train.loop;

import ai.onnx.proto.OnnxMl;
import io.commandcenter.models.scoring.LinearScorer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A linear model's logit read back from its ONNX bytes: the warm start's starting point ({@link FineTune}). */
public final class OnnxLogit {

    private OnnxLogit() {
    }

    /**
     * The positive class's logit of a Tribuo-exported linear ONNX model ({@code Gemm(input, W, B)} then softmax over
     * two outputs): {@code w = W[:, pos] − W[:, neg]}, {@code b = B[pos] − B[neg]}, in the input's column order.
     */
    public static LinearScorer read(byte[] onnx, int positiveIndex) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(onnx);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model", e);
        }
        OnnxMl.GraphProto g = model.getGraph();
        OnnxMl.NodeProto gemm = g.getNodeList().stream().filter(n -> n.getOpType().equals("Gemm")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a linear model: no Gemm node"));
        for (OnnxMl.AttributeProto a : gemm.getAttributeList()) {
            boolean neutral = switch (a.getName()) {
                case "alpha", "beta" -> a.getF() == 1f;
                case "transA" -> a.getI() == 0;
                case "transB" -> true;
                default -> false;
            };
            if (!neutral) {
                throw new IllegalArgumentException("unsupported Gemm attribute " + a.getName());
            }
        }
        boolean transB = gemm.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() == 1);
        OnnxMl.TensorProto w = initializer(g, gemm.getInput(1));
        OnnxMl.TensorProto b = initializer(g, gemm.getInput(2));
        float[] wv = floats(w);
        float[] bv = floats(b);
        if (w.getDimsCount() != 2 || bv.length != 2) {
            throw new IllegalArgumentException("not a two-class linear model");
        }
        int f = (int) (transB ? w.getDims(1) : w.getDims(0));
        int outs = (int) (transB ? w.getDims(0) : w.getDims(1));
        if (outs != 2 || positiveIndex < 0 || positiveIndex > 1) {
            throw new IllegalArgumentException("not a two-class linear model");
        }
        int neg = 1 - positiveIndex;
        double[] d = new double[f];
        for (int j = 0; j < f; j++) {
            d[j] = transB ? (double) wv[positiveIndex * f + j] - wv[neg * f + j]
                    : (double) wv[j * 2 + positiveIndex] - wv[j * 2 + neg];
        }
        return new LinearScorer(d, (double) bv[positiveIndex] - bv[neg]);
    }

    private static OnnxMl.TensorProto initializer(OnnxMl.GraphProto g, String name) {
        return g.getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no initializer " + name));
    }

    private static float[] floats(OnnxMl.TensorProto t) {
        if (t.getFloatDataCount() > 0) {
            float[] out = new float[t.getFloatDataCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
            return out;
        }
        ByteBuffer bb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bb.remaining() / 4];
        bb.asFloatBuffer().get(out);
        return out;
    }
}
