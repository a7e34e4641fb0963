package io.commandcenter.models.backtest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;
import io.commandcenter.models.eval.Segment;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A labelled corpus on disk, in one of two layouts:
 * <ul>
 *   <li><b>NAB</b>: a folder holding {@code data/<category>/<file>.csv} ({@code timestamp,value}) and
 *       {@code labels/combined_windows.json} (file → list of {@code [start, end]} timestamps). Every file
 *       named in the labels is part of the corpus; its windows are its incidents.</li>
 *   <li><b>backtest CSV</b>: a folder of CSV files (searched recursively) or one CSV file, each in the
 *       layout {@code cc backtest} reads, with a label column: its maximal runs of labelled rows are the
 *       incidents. A file's category is its folder relative to the corpus root.</li>
 * </ul>
 * Names are paths relative to the corpus root with {@code /} separators, sorted, so a corpus is read
 * the same way everywhere. Failures: INVALID with reasons CORPUS_EMPTY, CORPUS_LABELS_INVALID,
 * NAB_FILE_MISSING, NAB_WINDOW_OUTSIDE_DATA, CSV_NO_LABEL (and the CSV reasons of {@link SeriesCsv});
 * NOT_FOUND / CORPUS_NOT_FOUND when the path does not exist.
 */
public final class LabelledCorpus {

    /** Layout of a corpus on disk. */
    public enum Layout { NAB, CSV }

    /** One file of a corpus: its rows and its incidents (row ranges, inclusive, in order). */
    public record File(String name, String category, Series series, List<Segment> incidents) {
        public File {
            incidents = List.copyOf(incidents);
        }
    }

    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final Path root;
    private final String labelColumn;

    /** @param labelColumn label column of CSV-layout files (ignored for NAB) */
    public LabelledCorpus(Path root, String labelColumn) {
        this.root = root;
        this.labelColumn = labelColumn == null ? "label" : labelColumn;
    }

    public Layout layout() {
        return isNab(root) ? Layout.NAB : Layout.CSV;
    }

    static boolean isNab(Path root) {
        return Files.isDirectory(root.resolve("data")) && Files.isRegularFile(root.resolve("labels").resolve("combined_windows.json"));
    }

    /**
     * Names of the corpus' files (sorted), keeping those whose name starts with one of {@code only}
     * (all when empty).
     */
    public List<String> names(List<String> only) {
        if (!Files.exists(root)) {
            throw CommandCenterException.notFound("CORPUS_NOT_FOUND", "no corpus at " + root);
        }
        List<String> names = new ArrayList<>();
        if (layout() == Layout.NAB) {
            names.addAll(windows().keySet());
        } else if (Files.isRegularFile(root)) {
            names.add(root.getFileName().toString());
        } else {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                        .forEach(p -> names.add(root.relativize(p).toString().replace('\\', '/')));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        names.removeIf(n -> !only.isEmpty() && only.stream().noneMatch(n::startsWith));
        names.sort(null);
        if (names.isEmpty()) {
            throw CommandCenterException.invalid("CORPUS_EMPTY", "no labelled file in " + root
                    + (only.isEmpty() ? "" : " matching " + only));
        }
        return names;
    }

    /** Reads one file of the corpus (by a name from {@link #names}). Thread-safe. */
    public File read(String name) {
        try {
            if (layout() == Layout.NAB) {
                return readNab(name, windows().get(name));
            }
            Path path = Files.isRegularFile(root) ? root : root.resolve(name);
            Series s;
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                s = new SeriesCsv(labelColumn).read(r);
            }
            if (!s.hasLabels()) {
                throw CommandCenterException.invalid("CSV_NO_LABEL", name + " has no label column '" + labelColumn
                        + "' (nor is_anomaly, anomaly): an evaluation needs labels");
            }
            int slash = name.lastIndexOf('/');
            return new File(name, slash < 0 ? "" : name.substring(0, slash), s, Segment.fromLabels(s.labels()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private File readNab(String name, List<long[]> windows) throws IOException {
        Path path = root.resolve("data").resolve(name);
        if (!Files.isRegularFile(path)) {
            throw CommandCenterException.invalid("NAB_FILE_MISSING", "the labels name " + name + " but " + path + " does not exist");
        }
        Series raw;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            raw = new SeriesCsv(labelColumn).read(r);
        }
        Map<Long, Integer> rowOf = new HashMap<>();
        long[] times = raw.times();
        for (int i = 0; i < times.length; i++) {
            rowOf.put(times[i], i);
        }
        List<Segment> segments = new ArrayList<>();
        boolean[] labels = new boolean[raw.rows()];
        for (long[] w : windows) {
            Integer start = rowOf.get(w[0]);
            Integer end = rowOf.get(w[1]);
            if (start == null || end == null || end < start) {
                throw CommandCenterException.invalid("NAB_WINDOW_OUTSIDE_DATA", name + ": a window's start or end is not a row's timestamp");
            }
            segments.add(new Segment(start, end));
            for (int i = start; i <= end; i++) {
                labels[i] = true;
            }
        }
        int slash = name.lastIndexOf('/');
        Series series = new Series(raw.metrics(), raw.axis(), raw.timestamps(), raw.times(), raw.values(), labels);
        return new File(name, slash < 0 ? "" : name.substring(0, slash), series, segments);
    }

    private Map<String, List<long[]>> windows;

    private synchronized Map<String, List<long[]>> windows() {
        if (windows != null) {
            return windows;
        }
        Path json = root.resolve("labels").resolve("combined_windows.json");
        Map<String, List<long[]>> out = new java.util.TreeMap<>();
        try {
            Map<String, Object> doc = Json.parseObject(Files.readString(json, StandardCharsets.UTF_8));
            for (Map.Entry<String, Object> e : doc.entrySet()) {
                if (!(e.getValue() instanceof List<?> list)) {
                    throw new JsonException(e.getKey() + ": expected a list of windows");
                }
                List<long[]> ws = new ArrayList<>();
                for (Object w : list) {
                    if (!(w instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String a) || !(pair.get(1) instanceof String b)) {
                        throw new JsonException(e.getKey() + ": a window is [\"start\", \"end\"]");
                    }
                    ws.add(new long[] {nabTime(a), nabTime(b)});
                }
                out.put(e.getKey(), ws);
            }
        } catch (JsonException | DateTimeParseException | NumberFormatException e) {
            throw CommandCenterException.invalid("CORPUS_LABELS_INVALID", json + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        windows = out;
        return out;
    }

    /** {@code yyyy-MM-dd HH:mm:ss[.f…]} (NAB's label times) as epoch milliseconds, UTC. */
    static long nabTime(String text) {
        String s = text.strip();
        long fractionMillis = 0;
        int dot = s.indexOf('.', 19);
        if (dot >= 0) {
            String digits = (s.substring(dot + 1) + "000").substring(0, 3);
            fractionMillis = Long.parseLong(digits);
            s = s.substring(0, dot);
        }
        return LocalDateTime.parse(s, NAB_TIME).toInstant(ZoneOffset.UTC).toEpochMilli() + fractionMillis;
    }
}
