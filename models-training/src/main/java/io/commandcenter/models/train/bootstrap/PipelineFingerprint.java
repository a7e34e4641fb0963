package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.features.HealthSample;
import io.commandcenter.models.features.TelemetryFeatureExtractor;
import io.commandcenter.models.features.TelemetryFeatures;
import io.commandcenter.models.features.compliance.AuditRecord;
import io.commandcenter.models.features.compliance.ComplianceFeatures;
import io.commandcenter.models.features.workflow.WorkflowFeatures;
import io.commandcenter.models.features.workflow.WorkflowRunRecord;
import io.commandcenter.models.synthetic.LabelledSeries;
import io.commandcenter.models.synthetic.SyntheticCompliance;
import io.commandcenter.models.synthetic.SyntheticHealth;
import io.commandcenter.models.synthetic.SyntheticTelemetry;
import io.commandcenter.models.synthetic.SyntheticWorkflows;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of the vectors a pipeline produces for fixed, seeded probe inputs. Stored in a model's
 * sidecar provenance ({@code pipeline_fingerprint}) at training; a test recomputes it, so changing the
 * feature code without retraining the shipped models (training/serving skew) fails the build.
 */
public final class PipelineFingerprint {

    private PipelineFingerprint() {
    }

    public static String of(String pipeline) {
        return switch (pipeline) {
            case TelemetryFeatures.PIPELINE_VERSION -> telemetry();
            case ComplianceFeatures.PIPELINE_VERSION -> compliance();
            case WorkflowFeatures.PIPELINE_VERSION -> workflow();
            default -> throw new IllegalArgumentException("unknown pipeline " + pipeline);
        };
    }

    static String telemetry() {
        MessageDigest md = sha();
        int nf = TelemetryFeatures.SCHEMA.size();
        float[] v = new float[nf];
        LabelledSeries s = new SyntheticTelemetry(42).series("probe", 1500, 3, 2);
        TelemetryFeatureExtractor ex = new TelemetryFeatureExtractor(s.axis());
        String[] names = s.metrics().toArray(String[]::new);
        double[] row = new double[names.length];
        for (int i = 0; i < s.rows(); i++) {
            System.arraycopy(s.values(), i * names.length, row, 0, names.length);
            ex.update(s.times()[i], names, row);
            ex.copyFeatures(v, 0);
            digest(md, v);
        }
        TelemetryFeatureExtractor hx = new TelemetryFeatureExtractor(s.axis());
        for (HealthSample h : new SyntheticHealth(42).stream("probe", 800).samples()) {
            hx.update(h);
            hx.copyFeatures(v, 0);
            digest(md, v);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String compliance() {
        MessageDigest md = sha();
        ComplianceFeatures f = new ComplianceFeatures();
        for (AuditRecord r : new SyntheticCompliance(42).entity("probe", 500)) {
            f.update(r);
            digest(md, f.vector(r.timeMillis()));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String workflow() {
        MessageDigest md = sha();
        WorkflowFeatures f = new WorkflowFeatures();
        for (WorkflowRunRecord r : new SyntheticWorkflows(42).workflow("probe", 500)) {
            f.update(r);
            digest(md, f.vector(r.timeMillis()));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void digest(MessageDigest md, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length);
        for (float x : v) {
            b.putFloat(x);
        }
        md.update(b.array());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
