package io.commandcenter.models.train.bootstrap;

import io.commandcenter.models.backtest.Series;
import io.commandcenter.models.backtest.SeriesCsv;
import io.commandcenter.models.synthetic.LabelledSeries;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads the ASD corpus layout ({@code omi-N_train.csv} unlabelled history, {@code omi-N_test.csv} with
 * {@code label}) as {@link CorpusEntry} values.
 */
public final class AsdCorpus {

    private final Path dir;

    public AsdCorpus(Path dir) {
        this.dir = dir;
    }

    public boolean available() {
        return Files.isRegularFile(dir.resolve("omi-1_test.csv"));
    }

    public CorpusEntry server(String server, String group) throws IOException {
        return new CorpusEntry(server, group, load(dir.resolve(server + "_train.csv"), server + "_train"),
                load(dir.resolve(server + "_test.csv"), server + "_test"));
    }

    public static LabelledSeries load(Path csv, String name) throws IOException {
        try (Reader r = Files.newBufferedReader(csv)) {
            return toLabelled(new SeriesCsv().read(r), name);
        }
    }

    public static LabelledSeries toLabelled(Series s, String name) {
        boolean[] labels = s.labels() != null ? s.labels() : new boolean[s.rows()];
        return new LabelledSeries(name, s.metrics(), s.axis(), s.times(), s.values(), labels, List.of());
    }
}
