package io.commandcenter.models.synthetic;

import io.commandcenter.models.features.workflow.WorkflowFeatures;
import io.commandcenter.models.features.workflow.WorkflowRunRecord;
import io.commandcenter.models.train.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generator of task/workflow-run histories for the workflow_failure model, seeded.
 *
 * <p>Each workflow has a base failure rate 0.5–8 %, a log-normal duration (median 1 min … 1 h, σ 0.2) and
 * runs every 5 min – 2 h. Degradation episodes (0.5 % of runs, 10–80 runs long) ramp a severity s from
 * 0 to 1: duration × (1 + 2s), retries ~ Poisson(2s), queue wait × (1 + 3s), failure probability
 * {@code p0 + 0.6 s²} — precursors show before failures. Outage bursts (0.3 % of runs, 2–10 runs) fail 90 %.
 *
 * <p>Label of the vector after a run: the workflow's next run fails.
 */
public final class SyntheticWorkflows {

    private final SplittableRandom rnd;

    public SyntheticWorkflows(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    public List<WorkflowRunRecord> workflow(String name, int runs) {
        double p0 = 0.005 + 0.075 * rnd.nextDouble();
        double median = Math.exp(Math.log(60) + rnd.nextDouble() * Math.log(60));
        double baseWait = 1 + 30 * rnd.nextDouble();
        long t = 1_700_000_000_000L;
        int episodeLeft = 0;
        int episodeLen = 0;
        int outageLeft = 0;
        List<WorkflowRunRecord> out = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
            if (episodeLeft == 0 && outageLeft == 0) {
                if (rnd.nextDouble() < 0.005) {
                    episodeLen = 10 + rnd.nextInt(71);
                    episodeLeft = episodeLen;
                } else if (rnd.nextDouble() < 0.003) {
                    outageLeft = 2 + rnd.nextInt(9);
                }
            }
            double s = 0;
            if (episodeLeft > 0) {
                s = 1.0 - (double) (episodeLeft - 1) / episodeLen;
                episodeLeft--;
            }
            double pFail = outageLeft > 0 ? 0.9 : p0 + 0.6 * s * s;
            if (outageLeft > 0) {
                outageLeft--;
            }
            t += (5 + rnd.nextInt(116)) * 60_000L;
            long duration = (long) (1000 * median * (1 + 2 * s) * Math.exp(0.2 * rnd.nextGaussian()));
            int retries = poisson(2 * s);
            long wait = (long) (1000 * baseWait * (1 + 3 * s) * Math.exp(0.3 * rnd.nextGaussian()));
            out.add(new WorkflowRunRecord(name, t, rnd.nextDouble() >= pFail, duration, retries, wait));
        }
        return out;
    }

    public TrainingData dataset(int workflows, int runs) {
        List<float[]> rows = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (int w = 0; w < workflows; w++) {
            List<WorkflowRunRecord> h = workflow("workflow-" + w, runs);
            WorkflowFeatures f = new WorkflowFeatures();
            for (int i = 0; i + 1 < h.size(); i++) {
                f.update(h.get(i));
                rows.add(f.vector(h.get(i).timeMillis()));
                labels.add(!h.get(i + 1).succeeded());
            }
        }
        return SyntheticCompliance.toData(WorkflowFeatures.SCHEMA, rows, labels);
    }

    private int poisson(double lambda) {
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
