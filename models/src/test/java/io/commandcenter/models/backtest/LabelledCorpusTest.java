package io.commandcenter.models.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.models.eval.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledCorpusTest {

    @TempDir
    Path dir;

    static String nabFile(int rows) {
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < rows; i++) {
            sb.append(String.format("2020-01-01 %02d:%02d:00,%d%n", i / 12, (i % 12) * 5, i));
        }
        return sb.toString();
    }

    void nab(String windows) throws Exception {
        Files.createDirectories(dir.resolve("data/catA"));
        Files.createDirectories(dir.resolve("data/catB"));
        Files.createDirectories(dir.resolve("labels"));
        Files.writeString(dir.resolve("data/catA/a.csv"), nabFile(48));
        Files.writeString(dir.resolve("data/catB/b.csv"), nabFile(24));
        Files.writeString(dir.resolve("labels/combined_windows.json"), windows);
    }

    @Test
    void nabLayout_namesTheLabelledFiles_andTurnsWindowTimesIntoRows() throws Exception {
        nab("{\"catB/b.csv\": [], \"catA/a.csv\": [[\"2020-01-01 00:10:00.000000\", \"2020-01-01 00:30:00.000000\"],"
                + " [\"2020-01-01 02:00:00\", \"2020-01-01 02:05:00.000000\"]]}");
        LabelledCorpus c = new LabelledCorpus(dir, null);
        assertThat(c.layout()).isEqualTo(LabelledCorpus.Layout.NAB);
        assertThat(c.names(List.of())).containsExactly("catA/a.csv", "catB/b.csv");
        assertThat(c.names(List.of("catB"))).containsExactly("catB/b.csv");
        LabelledCorpus.File a = c.read("catA/a.csv");
        assertThat(a.category()).isEqualTo("catA");
        assertThat(a.incidents()).containsExactly(new Segment(2, 6), new Segment(24, 25));
        assertThat(a.series().labels()[2]).isTrue();
        assertThat(a.series().labels()[7]).isFalse();
        assertThat(c.read("catB/b.csv").incidents()).isEmpty();
    }

    @Test
    void nabLayout_refusesAWindowThatIsNotARow_andAMissingFile() throws Exception {
        nab("{\"catA/a.csv\": [[\"2020-01-01 00:11:00\", \"2020-01-01 00:30:00\"]], \"catC/c.csv\": []}");
        LabelledCorpus c = new LabelledCorpus(dir, null);
        assertThatThrownBy(() -> c.read("catA/a.csv")).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("NAB_WINDOW_OUTSIDE_DATA"));
        assertThatThrownBy(() -> c.read("catC/c.csv")).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("NAB_FILE_MISSING"));
    }

    @Test
    void nabLayout_refusesMalformedLabels() throws Exception {
        nab("{\"catA/a.csv\": [[\"2020-01-01 00:10:00\"]]}");
        assertThatThrownBy(() -> new LabelledCorpus(dir, null).names(List.of())).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("CORPUS_LABELS_INVALID"));
    }

    @Test
    void csvLayout_findsFilesRecursively_andTakesIncidentsFromTheLabelColumn() throws Exception {
        Files.createDirectories(dir.resolve("x/y"));
        Files.writeString(dir.resolve("x/y/s.csv"), "t,v,incident\n0,1,0\n1,1,1\n2,1,1\n3,1,0\n4,1,1\n");
        Files.writeString(dir.resolve("top.csv"), "t,v,incident\n0,1,0\n");
        Files.writeString(dir.resolve("notes.txt"), "not a csv");
        LabelledCorpus c = new LabelledCorpus(dir, "incident");
        assertThat(c.layout()).isEqualTo(LabelledCorpus.Layout.CSV);
        assertThat(c.names(List.of())).containsExactly("top.csv", "x/y/s.csv");
        LabelledCorpus.File s = c.read("x/y/s.csv");
        assertThat(s.category()).isEqualTo("x/y");
        assertThat(s.incidents()).containsExactly(new Segment(1, 2), new Segment(4, 4));
        assertThat(c.read("top.csv").category()).isEmpty();
        assertThat(new LabelledCorpus(dir.resolve("top.csv"), "incident").names(List.of())).containsExactly("top.csv");
    }

    @Test
    void csvLayout_needsLabels_andSomeFile() throws Exception {
        Files.writeString(dir.resolve("s.csv"), "t,v\n0,1\n");
        assertThatThrownBy(() -> new LabelledCorpus(dir, null).read("s.csv")).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("CSV_NO_LABEL"));
        assertThatThrownBy(() -> new LabelledCorpus(dir, null).names(List.of("zzz"))).isInstanceOfSatisfying(CommandCenterException.class,
                e -> assertThat(e.reason()).isEqualTo("CORPUS_EMPTY"));
        assertThatThrownBy(() -> new LabelledCorpus(dir.resolve("nope"), null).names(List.of())).isInstanceOfSatisfying(
                CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CORPUS_NOT_FOUND"));
    }
}
