package io.commandcenter.models.synthetic;

import io.commandcenter.models.features.compliance.AuditRecord;
import io.commandcenter.models.features.compliance.ComplianceFeatures;
import io.commandcenter.models.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generator of audit/compliance histories for the compliance_risk model, seeded.
 *
 * <p>Each entity has 5–30 controls with a difficulty {@code d_c ~ N(0, 1)} and a severity (1–4, mostly
 * low), and a latent hygiene {@code h_t}: AR(1) (φ = 0.98 per audit) around {@code h0 ~ N(2, 0.7)}, hit by
 * degradation episodes (1 % of audits) that lower it by 1.5–3.5 and recover at the AR rate. Audits come
 * every 2–24 h on a random control and fail with probability {@code σ(d_c - h_t + N(0, 0.3))}.
 *
 * <p>Label of the vector after an audit: a severity ≥ 3 failure among the entity's next
 * {@value #HORIZON_AUDITS} audits — "this entity is about to fail a serious control".
 */
public final class SyntheticCompliance {

    public static final int HORIZON_AUDITS = 5;

    private final SplittableRandom rnd;

    public SyntheticCompliance(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** Audit history of one entity. */
    public List<AuditRecord> entity(String name, int audits) {
        int k = 5 + rnd.nextInt(26);
        double[] difficulty = new double[k];
        int[] severity = new int[k];
        for (int c = 0; c < k; c++) {
            difficulty[c] = rnd.nextGaussian();
            double u = rnd.nextDouble();
            severity[c] = u < 0.45 ? 1 : u < 0.75 ? 2 : u < 0.93 ? 3 : 4;
        }
        double h0 = 2 + 0.7 * rnd.nextGaussian();
        double h = h0;
        long t = 1_700_000_000_000L;
        List<AuditRecord> out = new ArrayList<>(audits);
        for (int i = 0; i < audits; i++) {
            h = h0 + 0.98 * (h - h0) + 0.1 * rnd.nextGaussian();
            if (rnd.nextDouble() < 0.01) {
                h -= 1.5 + 2 * rnd.nextDouble();
            }
            t += (2 + rnd.nextInt(23)) * 3_600_000L;
            int c = rnd.nextInt(k);
            double p = 1 / (1 + Math.exp(-(difficulty[c] - h + 0.3 * rnd.nextGaussian())));
            out.add(new AuditRecord(name, t, "control-" + c, rnd.nextDouble() >= p, severity[c]));
        }
        return out;
    }

    /** Replays {@code entities} histories through {@link ComplianceFeatures} and labels every vector. */
    public TrainingData dataset(int entities, int audits) {
        List<float[]> rows = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (int e = 0; e < entities; e++) {
            List<AuditRecord> h = entity("entity-" + e, audits);
            ComplianceFeatures f = new ComplianceFeatures();
            for (int i = 0; i + HORIZON_AUDITS < h.size(); i++) {
                f.update(h.get(i));
                boolean y = false;
                for (int j = i + 1; j <= i + HORIZON_AUDITS; j++) {
                    y |= !h.get(j).passed() && h.get(j).severity() >= 3;
                }
                rows.add(f.vector(h.get(i).timeMillis()));
                labels.add(y);
            }
        }
        return toData(ComplianceFeatures.SCHEMA, rows, labels);
    }

    static TrainingData toData(io.commandcenter.models.features.FeatureSchema schema, List<float[]> rows, List<Boolean> labels) {
        int f = schema.size();
        float[] x = new float[rows.size() * f];
        boolean[] y = new boolean[rows.size()];
        float[] w = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * f, f);
            y[i] = labels.get(i);
            w[i] = 1f;
        }
        return new TrainingData(schema, x, y, w);
    }
}
