package io.commandcenter.hub.predict;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.PageToken;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunStepsTest {
    static final ProjectId P = ProjectId.of("steps");
    static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    /** Per-minute aggregates of {@code entities} over {@code minutes}, risks varying by a fixed rule. */
    static List<ModelRun> aggregates(int entities, int minutes) {
        List<ModelRun> runs = new ArrayList<>();
        for (int e = 0; e < entities; e++) {
            for (int m = 0; m < minutes; m++) {
                double risk = ((m * 37 + e * 11) % 100) / 100.0;
                runs.add(new ModelRun(String.format(Locale.ROOT, "r-%02d-%04d", e, m), P, "service_health", "service",
                        "svc-" + e, ModelRun.Kind.AGGREGATE, 60, "{}", String.format(Locale.ROOT,
                        "{\"runs\":60,\"riskMean\":0.1,\"riskMax\":%.2f,\"riskLast\":0.05}", risk), null,
                        T0.plusSeconds(60L * m)));
            }
        }
        return runs;
    }

    /** The store's keyset listing over {@code all}, newest first, up to CHUNK + 1 rows. */
    static BiFunction<Instant, String, List<ModelRun>> store(List<ModelRun> all) {
        Comparator<ModelRun> newestFirst = Comparator.comparing(ModelRun::executedAt).thenComparing(ModelRun::runId)
                .reversed();
        List<ModelRun> sorted = all.stream().sorted(newestFirst).toList();
        return (afterTime, afterId) -> sorted.stream()
                .filter(r -> afterTime == null || r.executedAt().isBefore(afterTime)
                        || r.executedAt().equals(afterTime) && r.runId().compareTo(afterId) < 0)
                .limit(RunSteps.CHUNK + 1).toList();
    }

    static List<ModelRun> all(List<ModelRun> runs, Duration step, int size) {
        List<ModelRun> out = new ArrayList<>();
        Optional<PageToken.Position> after = Optional.empty();
        for (int pages = 0; pages < 10_000; pages++) {
            PredictionService.RunPage page = RunSteps.page(store(runs), step, size, 7, after);
            assertThat(page.runs().size()).as("a page: whole steps, at most one step's entities over").isLessThan(size + 50);
            out.addAll(page.runs());
            if (page.nextToken().isEmpty()) {
                return out;
            }
            after = PageToken.decode(page.nextToken(), 7, "page_token");
        }
        throw new AssertionError("no last page");
    }

    @Test
    void eachEntitysRiskiestRunPerStep_isKept_newestFirst() {
        List<ModelRun> runs = aggregates(3, 60);
        List<ModelRun> listed = RunSteps.page(store(runs), Duration.ofMinutes(10), 1000, 7, Optional.empty()).runs();

        assertThat(listed).hasSize(3 * 6);
        assertThat(listed).isSortedAccordingTo(Comparator.comparing(ModelRun::executedAt).reversed());
        // expected independently: the highest riskMax of each entity's ten minutes
        Map<String, Double> peaks = runs.stream().collect(Collectors.toMap(
                r -> r.targetId() + "@" + r.executedAt().getEpochSecond() / 600, RunSteps::risk, Math::max));
        assertThat(listed).allSatisfy(r -> assertThat(RunSteps.risk(r))
                .isEqualTo(peaks.get(r.targetId() + "@" + r.executedAt().getEpochSecond() / 600)));
        assertThat(listed.stream().map(r -> r.targetId() + "@" + r.executedAt().getEpochSecond() / 600)
                .collect(Collectors.toSet())).hasSize(18);
    }

    @Test
    void pagesEndAtAStepsBoundary_andTogetherListEachStepOnce_acrossTheStoresChunks() {
        List<ModelRun> runs = aggregates(5, 400); // 2000 rows: two chunks and more
        List<ModelRun> whole = RunSteps.page(store(runs), Duration.ofMinutes(7), 1000, 7, Optional.empty()).runs();
        List<ModelRun> paged = all(runs, Duration.ofMinutes(7), 12);

        assertThat(paged).containsExactlyElementsOf(all(runs, Duration.ofMinutes(7), 1000));
        Set<String> steps = new HashSet<>();
        for (ModelRun r : paged) {
            assertThat(steps.add(r.targetId() + "@" + r.executedAt().toEpochMilli() / 420_000))
                    .as("one row per entity and step").isTrue();
        }
        // 400 minutes in 7-minute steps aligned on the epoch
        long first = T0.toEpochMilli() / 420_000;
        long last = T0.plusSeconds(60L * 399).toEpochMilli() / 420_000;
        assertThat(paged).hasSize(5 * (int) (last - first + 1));
        assertThat(whole.size()).isLessThanOrEqualTo(paged.size());
    }

    @Test
    void aRunWithoutARisk_givesWayToOneWithIt_andRiskMaxWinsOverRisk() {
        ModelRun none = new ModelRun("a", P, "m", "service", "s", ModelRun.Kind.PREDICTION, 1, "{}", "{\"x\":1}", null,
                T0.plusSeconds(30));
        ModelRun low = new ModelRun("b", P, "m", "service", "s", ModelRun.Kind.PREDICTION, 1, "{}",
                "{\"risk\":0.2}", null, T0.plusSeconds(20));
        ModelRun both = new ModelRun("c", P, "m", "service", "s", ModelRun.Kind.AGGREGATE, 1, "{}",
                "{\"risk\":0.9,\"riskMax\":0.1}", null, T0.plusSeconds(10));
        assertThat(RunSteps.risk(none)).isNaN();
        assertThat(RunSteps.risk(both)).isEqualTo(0.1);
        assertThat(RunSteps.page(store(List.of(none, low, both)), Duration.ofMinutes(1), 10, 7, Optional.empty()).runs())
                .extracting(ModelRun::runId).containsExactly("b");
    }

    @Test
    void onlyATopLevelRiskCounts_notAKeyNestedInTheOutput_andUnreadableOutputHasNone() {
        ModelRun nested = new ModelRun("n", P, "m", "service", "s", ModelRun.Kind.PREDICTION, 1, "{}",
                "{\"factors\":[{\"name\":\"cpu\",\"risk\":0.99}],\"risk\":0.3}", null, T0);
        ModelRun onlyNested = new ModelRun("o", P, "m", "service", "s", ModelRun.Kind.PREDICTION, 1, "{}",
                "{\"explain\":{\"riskMax\":0.8}}", null, T0);
        ModelRun text = new ModelRun("t", P, "m", "service", "s", ModelRun.Kind.PREDICTION, 1, "{}",
                "{\"risk\":\"0.7\"}", null, T0);
        ModelRun broken = new ModelRun("b", P, "m", "service", "s", ModelRun.Kind.PREDICTION, 1, "{}",
                "{\"risk\":0.5", null, T0);
        ModelRun array = new ModelRun("a", P, "m", "service", "s", ModelRun.Kind.PREDICTION, 1, "{}", "[0.4]", null, T0);
        assertThat(RunSteps.risk(nested)).isEqualTo(0.3);
        assertThat(RunSteps.risk(onlyNested)).isNaN();
        assertThat(RunSteps.risk(text)).isNaN();
        assertThat(RunSteps.risk(broken)).isNaN();
        assertThat(RunSteps.risk(array)).isNaN();
    }

    @Test
    void aStepOutsideOneSecondToAWeek_isOutOfRange_namingTheField() {
        for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(999), Duration.ofDays(8), Duration.ofSeconds(-5),
                Duration.ofSeconds(2, 1))) {
            assertThatThrownBy(() -> RunSteps.validate(bad, "step")).isInstanceOf(CommandCenterException.class)
                    .hasMessageContaining("step").satisfies(e -> assertThat(((CommandCenterException) e).violations().get(0).field())
                            .isEqualTo("step"));
        }
        assertThat(RunSteps.validate(Duration.ofMinutes(10), "step")).isEqualTo(Duration.ofMinutes(10));
    }
}
