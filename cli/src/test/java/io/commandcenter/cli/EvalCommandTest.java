package io.commandcenter.cli;

import io.commandcenter.common.json.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code cc eval} offline (no hub): the small NAB-layout corpus in test resources, and CSV corpora. */
class EvalCommandTest {
    @TempDir
    static Path dir;
    static Path mini;
    static Path scorer;

    @BeforeAll
    static void resources() throws URISyntaxException {
        mini = Path.of(EvalCommandTest.class.getResource("/nab-mini/labels/combined_windows.json").toURI()).getParent().getParent();
        scorer = Path.of(EvalCommandTest.class.getResource("/tools/nab_score.py").toURI());
    }

    record Result(int exit, String out, String err) {
    }

    static Result cc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cc.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> o, String... path) {
        Map<String, Object> cur = o;
        for (String p : path) {
            cur = (Map<String, Object>) cur.get(p);
        }
        return cur;
    }

    @Test
    void theNabScore_equalsNabsOwnScorer_onTheScoresItWrote() throws Exception {
        Path out = dir.resolve("nab");
        Result r = cc("eval", mini.toString(), "--json", "--results", out.toString(), "--detector", "cc", "--threads", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> json = Json.parseObject(r.out());
        Map<String, Object> standard = at(json, "nab", "standard");
        double score = ((Number) standard.get("score")).doubleValue();
        double raw = ((Number) standard.get("raw")).doubleValue();
        double threshold = ((Number) standard.get("threshold")).doubleValue();
        assertThat(json.get("layout")).isEqualTo("nab");
        assertThat(((Number) at(json, "overall").get("incidents")).intValue()).isEqualTo(7);
        assertThat((List<?>) json.get("files")).hasSize(3);
        try (Stream<Path> written = Files.walk(out.resolve("results/cc"))) {
            assertThat(written.filter(Files::isRegularFile).map(p -> out.resolve("results/cc").relativize(p).toString()))
                    .containsExactlyInAnyOrder("realTraffic/cc_speed_7578.csv", "realAdExchange/cc_exchange-3_cpc_results.csv",
                            "synthetic/cc_quiet.csv");
        }

        Assumptions.assumeTrue(python3(), "python3 is not on the path: NAB's scorer cannot run here");
        copy(mini.resolve("data"), out.resolve("data"));
        copy(mini.resolve("labels"), out.resolve("labels"));
        Process p = new ProcessBuilder("python3", scorer.toString(), out.toString(), "cc").redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        Matcher m = Pattern.compile("cc\\s+standard\\s+sweep: thr=([0-9.]+) raw=(-?[0-9.]+) norm=(-?[0-9.]+)").matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(threshold, within(5e-7));
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(raw, within(5e-5));
        assertThat(Double.parseDouble(m.group(3))).isCloseTo(score, within(5e-3));
    }

    @Test
    void theTextReport_hasALinePerFileAndCategory_andThePlotIsAPng() throws Exception {
        Path png = dir.resolve("charts/speed.png");
        Result r = cc("eval", mini.toString(), "--plot", "realTraffic/speed_7578.csv", "--plot-output", png.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("NAB score (standard profile)", "realTraffic/speed_7578.csv", "synthetic/quiet.csv",
                "realAdExchange ", "all ", "chart of realTraffic/speed_7578.csv");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1600);
        assertThat(image.getHeight()).isEqualTo(640);
    }

    @Test
    void aCsvCorpus_isScoredByItsLabelColumn_withEarlyWarningsWithinTheHorizon() throws Exception {
        Path corpus = dir.resolve("csv");
        Files.createDirectories(corpus.resolve("team-a"));
        for (int f = 0; f < 2; f++) {
            StringBuilder sb = new StringBuilder("timestamp,latency_ms,incident\n");
            java.util.Random rnd = new java.util.Random(f);
            for (int i = 0; i < 3000; i++) {
                boolean incident = i >= 2000 && i < 2040;
                double v = 100 + 3 * rnd.nextGaussian() + (incident ? 40 + (i - 2000) : 0);
                sb.append(1_700_000_000L + 60L * i).append(',').append(String.format(java.util.Locale.ROOT, "%.2f", v))
                        .append(',').append(incident ? 1 : 0).append('\n');
            }
            Files.writeString(corpus.resolve("team-a/s" + f + ".csv"), sb);
        }
        Result r = cc("eval", corpus.toString(), "--label-column", "incident", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, Object> json = Json.parseObject(r.out());
        assertThat(json.get("layout")).isEqualTo("csv");
        assertThat(((Number) json.get("horizon")).intValue()).isEqualTo(12);
        Map<String, Object> overall = at(json, "overall");
        assertThat(((Number) overall.get("incidents")).intValue()).isEqualTo(2);
        assertThat(((Number) at(overall, "per_incident").get("recall")).doubleValue()).isEqualTo(1.0);
        assertThat(((Number) overall.get("days")).doubleValue()).isCloseTo(2 * 3000 / 1440.0, within(1e-6));
        assertThat(((List<?>) json.get("categories"))).hasSize(1);
    }

    @Test
    void badInput_exitsWithTwo_andSaysWhy() {
        Result missing = cc("eval", dir.resolve("nowhere").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("CORPUS_NOT_FOUND");
        Result plot = cc("eval", mini.toString(), "--plot", "nope.csv");
        assertThat(plot.exit()).isEqualTo(2);
        assertThat(plot.err()).contains("--plot nope.csv");
    }

    static boolean python3() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
