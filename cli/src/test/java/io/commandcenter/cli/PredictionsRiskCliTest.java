package io.commandcenter.cli;

import io.commandcenter.hub.predict.ModelRun;
import io.commandcenter.hub.predict.sql.JpaPredictionRepository;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code cc predictions risk}: an entity's per-minute risk, and downsampled with {@code --step}. */
@ExtendWith(SharedHub.class)
class PredictionsRiskCliTest {

    @Test
    void theRiskOverTime_andWithAStep_eachStepsRiskiestMinute() {
        String p = project();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
        List<ModelRun> runs = new ArrayList<>();
        Map<Instant, Double> peaks = new TreeMap<>();
        for (String id : List.of("svc-a", "svc-b")) {
            for (int m = 0; m < 60; m++) {
                double risk = ((m * 37 + id.hashCode()) & 0x7f) / 128.0;
                Instant at = t0.plus(m, ChronoUnit.MINUTES);
                runs.add(new ModelRun(id + "-" + m, ProjectId.of(p), "service_health", "service", id,
                        ModelRun.Kind.AGGREGATE, 60, "{}", String.format(Locale.ROOT,
                        "{\"runs\":60,\"riskMean\":0.1,\"riskMax\":%.6f,\"riskLast\":0.1}", risk), null, at));
                if (id.equals("svc-a")) {
                    peaks.merge(t0.plus(m / 10 * 10L, ChronoUnit.MINUTES), risk, Math::max);
                }
            }
        }
        new JpaPredictionRepository(hub().database()).saveRuns(runs);

        Result all = cc("--project", p, "predictions", "risk", "--entity", "svc-a", "--limit", "1000");
        Result stepped = cc("--project", p, "predictions", "risk", "--entity", "svc-a", "--step", "10m");

        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out().lines().skip(1)).hasSize(60).allSatisfy(l -> assertThat(l).contains("service/svc-a"));
        assertThat(stepped.exit()).as(stepped.err()).isZero();
        List<String> rows = stepped.out().lines().skip(1).toList();
        assertThat(rows).hasSize(6);
        // newest step first, each the riskiest minute of its ten
        List<String> expected = new ArrayList<>();
        peaks.entrySet().stream().sorted(Map.Entry.<Instant, Double>comparingByKey().reversed())
                .forEach(e -> expected.add(String.format(Locale.ROOT, "%.3f", e.getValue())));
        assertThat(rows.stream().map(l -> l.trim().split("\\s+")[3]).toList()).isEqualTo(expected);
    }

    @Test
    void aBadStep_isRefused_namingIt() {
        Result unreadable = cc("predictions", "risk", "--step", "soon");
        Result tooShort = cc("--project", project(), "predictions", "risk", "--step", "0s");

        assertThat(unreadable.exit()).isEqualTo(2);
        assertThat(unreadable.err()).contains("--step");
        assertThat(tooShort.exit()).isNotZero();
        assertThat(tooShort.err()).contains("step");
    }
}
