package io.commandcenter.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.commandcenter.models.features.compliance.AuditRecord;
import io.commandcenter.models.features.compliance.ComplianceFeatures;
import io.commandcenter.models.features.workflow.WorkflowFeatures;
import io.commandcenter.models.features.workflow.WorkflowRunRecord;
import org.junit.jupiter.api.Test;

class HistoryFeaturesTest {

    static final long H = 3_600_000L;

    @Test
    void compliance_vector_matchesHandComputedValues() {
        ComplianceFeatures f = new ComplianceFeatures();
        f.update(new AuditRecord("e", 0, "c1", true, 2));
        f.update(new AuditRecord("e", H, "c2", false, 4));
        f.update(new AuditRecord("e", 2 * H, "c3", false, 2));
        float[] v = f.vector(2 * H + 24 * H);
        // fail rate: bias-corrected means (0, 1, 1) → 2/3; recent 2/3; severity (0 + 1 + 0.5)/3 = 0.5
        assertThat((double) v[0]).isCloseTo(2.0 / 3, within(1e-6));
        assertThat((double) v[1]).isCloseTo(2.0 / 3, within(1e-6));
        assertThat((double) v[2]).isCloseTo(0.5, within(1e-6));
        assertThat((double) v[3]).isCloseTo(Math.log1p(2), within(1e-6));
        assertThat((double) v[4]).isCloseTo(Math.log1p(2), within(1e-6));
        assertThat(v[5]).isEqualTo(1f);
        assertThat((double) v[6]).isCloseTo(Math.log1p(26.0 / 24), within(1e-6));
        // a later pass of c2 closes the critical finding
        f.update(new AuditRecord("e", 3 * H, "c2", true, 4));
        assertThat(f.vector(3 * H)[5]).isZero();
        assertThat((double) f.vector(3 * H)[4]).isCloseTo(Math.log1p(1), within(1e-6));
        assertThat(ComplianceFeatures.SCHEMA.size()).isEqualTo(v.length);
    }

    @Test
    void workflow_vector_tracksFailuresRetriesAndSlowRuns() {
        WorkflowFeatures f = new WorkflowFeatures();
        for (int i = 0; i < 50; i++) {
            f.update(new WorkflowRunRecord("wf", i * H, true, 60_000, 0, 1000));
        }
        float[] calm = f.vector(50 * H);
        f.update(new WorkflowRunRecord("wf", 50 * H, false, 600_000, 3, 1000));
        float[] bad = f.vector(50 * H + H);
        assertThat(calm[0]).isLessThan(0.01f);
        assertThat(bad[2]).isCloseTo((float) Math.log1p(1), within(1e-6f));
        assertThat(bad[3]).isGreaterThan(5f);
        assertThat((double) bad[5]).isCloseTo(0.6, within(1e-6));
        assertThat((double) bad[7]).isCloseTo(Math.log1p(2), within(1e-6));
        assertThat(WorkflowFeatures.SCHEMA.size()).isEqualTo(bad.length);
    }
}
