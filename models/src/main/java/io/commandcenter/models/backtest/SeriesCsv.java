package io.commandcenter.models.backtest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.features.TimeAxis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a backtest CSV: a header, a time column, one or more numeric metric columns and an optional
 * label column.
 *
 * <ul>
 *   <li>Time column: {@code timestamp} (ISO-8601 instant or offset date-time, {@code yyyy-MM-dd HH:mm:ss}, {@code yyyy-MM-dd}
 *       or {@code yyyy-MM-ddTHH:mm:ss} taken as UTC, or a number: epoch milliseconds if ≥ 1e11, epoch
 *       seconds if ≥ 1e8, else an integer step) or {@code t} (integer step). Names match case-insensitively.</li>
 *   <li>Label column: the configured name (default {@code label}); a value other than 0/empty/false is an
 *       incident row. If the configured name is absent, {@code is_anomaly} and {@code anomaly} are tried.</li>
 *   <li>Every other column is a metric; cells that are empty, {@code NaN}, {@code null}, infinite or not
 *       a number are missing. A column whose non-empty cells are mostly not numbers (a host name, an id)
 *       is not a metric and is dropped.</li>
 *   <li>Without a time column, rows are steps in file order ({@code timestamp} echoes the row index).</li>
 * </ul>
 * Failures: INVALID with reasons CSV_EMPTY, CSV_NO_METRIC_COLUMN, CSV_ROW_WIDTH, CSV_TIME_INVALID,
 * CSV_MIXED_TIME (both time kinds in one column).
 */
public final class SeriesCsv {

    private static final DateTimeFormatter SPACE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]", Locale.ROOT);

    private final String labelColumn;

    public SeriesCsv(String labelColumn) {
        this.labelColumn = labelColumn == null ? "label" : labelColumn;
    }

    public SeriesCsv() {
        this("label");
    }

    public Series read(Reader in) throws IOException {
        return read(in, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Reads at most {@code maxRows} rows (non-blank lines after the header) and {@code maxValues} values
     * (rows × metric columns, text columns included), stopping as soon as a row would pass either: fails with
     * INVALID {@code CSV_TOO_MANY_ROWS} / {@code CSV_TOO_MANY_VALUES} ({@link #tooManyRows}, {@link #tooManyValues})
     * before the row is held. A line ends at {@code \n}, {@code \r\n} or a bare {@code \r}.
     */
    public Series read(Reader in, long maxRows, long maxValues) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        String header = r.readLine();
        while (header != null && header.isBlank()) {
            header = r.readLine();
        }
        if (header == null) {
            throw CommandCenterException.invalid("CSV_EMPTY", "the CSV has no header");
        }
        Header h = Header.of(header, labelColumn);
        String[] cols = h.cols();
        int timeCol = h.timeCol();
        boolean stepColumn = h.stepColumn();
        int labelCol = h.labelCol();
        boolean implicitTime = timeCol < 0;
        if (implicitTime) {
            stepColumn = true;
        }
        List<String> metrics = new ArrayList<>();
        int[] metricCols = new int[cols.length];
        int m = 0;
        for (int i = 0; i < cols.length; i++) {
            if (i != timeCol && i != labelCol) {
                metrics.add(cols[i]);
                metricCols[m++] = i;
            }
        }
        if (m == 0) {
            throw CommandCenterException.invalid("CSV_NO_METRIC_COLUMN", "the CSV has no metric column");
        }
        List<String> stamps = new ArrayList<>();
        int[] numeric = new int[m];
        int[] nonNumeric = new int[m];
        long[] times = new long[1024];
        double[] values = new double[1024 * m];
        boolean[] labels = labelCol >= 0 ? new boolean[1024] : null;
        int rows = 0;
        Boolean epoch = stepColumn ? Boolean.FALSE : null;
        String line;
        int lineNo = 1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = split(line);
            if (cells.length != cols.length) {
                throw new CommandCenterException(ErrorKind.INVALID, "CSV_ROW_WIDTH", "line " + lineNo + " has " + cells.length
                        + " cells, the header " + cols.length, Map.of("line", Integer.toString(lineNo)), java.util.List.of(), null);
            }
            if (rows == maxRows) {
                throw tooManyRows(maxRows);
            }
            if ((long) (rows + 1) * m > maxValues) {
                throw tooManyValues(maxValues, m);
            }
            if (rows == times.length) {
                times = java.util.Arrays.copyOf(times, rows * 2);
                values = java.util.Arrays.copyOf(values, rows * 2 * m);
                if (labels != null) {
                    labels = java.util.Arrays.copyOf(labels, rows * 2);
                }
            }
            String ts = implicitTime ? Integer.toString(rows) : cells[timeCol].trim();
            long[] parsed = parseTime(ts, stepColumn, lineNo);
            boolean isEpoch = parsed[1] == 1;
            if (epoch == null) {
                epoch = isEpoch;
            } else if (epoch != isEpoch) {
                throw CommandCenterException.invalid("CSV_MIXED_TIME", "line " + lineNo + " mixes step and calendar times");
            }
            stamps.add(ts);
            times[rows] = parsed[0];
            for (int j = 0; j < m; j++) {
                String cell = cells[metricCols[j]].trim();
                double v = parseValue(cell);
                if (Double.isNaN(v) && !isMissing(cell)) {
                    nonNumeric[j]++;
                } else if (!isMissing(cell)) {
                    numeric[j]++;
                }
                values[rows * m + j] = v;
            }
            if (labels != null) {
                String l = cells[labelCol].trim();
                labels[rows] = !(l.isEmpty() || l.equals("0") || l.equals("0.0") || l.equalsIgnoreCase("false"));
            }
            rows++;
        }
        TimeAxis axis = Boolean.TRUE.equals(epoch) ? TimeAxis.EPOCH_MILLIS : TimeAxis.STEPS;
        // text columns (ids, host names) are not metrics: drop a column whose cells are mostly non-numeric
        List<Integer> keep = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            if (nonNumeric[j] <= numeric[j]) {
                keep.add(j);
            }
        }
        if (keep.isEmpty()) {
            throw CommandCenterException.invalid("CSV_NO_METRIC_COLUMN", "the CSV has no numeric metric column");
        }
        List<String> kept = new ArrayList<>();
        double[] out = new double[rows * keep.size()];
        for (int k = 0; k < keep.size(); k++) {
            int j = keep.get(k);
            kept.add(metrics.get(j));
            for (int i = 0; i < rows; i++) {
                out[i * keep.size() + k] = values[i * m + j];
            }
        }
        return new Series(kept, axis, stamps, java.util.Arrays.copyOf(times, rows), out,
                labels == null ? null : java.util.Arrays.copyOf(labels, rows));
    }

    /** INVALID {@code CSV_TOO_MANY_ROWS}: the CSV has more than {@code max} rows (lines after the header). */
    public static CommandCenterException tooManyRows(long max) {
        return CommandCenterException.invalid("CSV_TOO_MANY_ROWS", "csv_chunk", String.format(Locale.ROOT,
                "a backtest on the hub takes at most %,d rows (lines after the header); replay a longer series"
                        + " offline (cc backtest without --hub) or in parts", max));
    }

    /** INVALID {@code CSV_TOO_MANY_VALUES}: the CSV has more than {@code max} values (rows × {@code columns}). */
    public static CommandCenterException tooManyValues(long max, int columns) {
        return CommandCenterException.invalid("CSV_TOO_MANY_VALUES", "csv_chunk", String.format(Locale.ROOT,
                "a backtest on the hub takes at most %,d values (rows × metric columns; this CSV has %,d metric"
                        + " columns); replay it offline (cc backtest without --hub) or in parts", max, columns));
    }

    /**
     * How many metric columns a CSV with this header line has (every column but the time and label
     * columns; text columns, dropped once the rows are read, still count): what a replay holds per row
     * grows with it, so a service can bound a CSV by its header before reading the rows.
     */
    public static int metricColumns(String headerLine, String labelColumn) {
        Header h = Header.of(headerLine, labelColumn == null || labelColumn.isEmpty() ? "label" : labelColumn);
        return h.cols().length - (h.timeCol() >= 0 ? 1 : 0) - (h.labelCol() >= 0 ? 1 : 0);
    }

    /** A header's trimmed column names, its time column (-1: none) and kind, its label column (-1: none). */
    private record Header(String[] cols, int timeCol, boolean stepColumn, int labelCol) {
        static Header of(String header, String labelColumn) {
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            String[] cols = split(header);
            int timeCol = -1;
            boolean stepColumn = false;
            int labelCol = -1;
            for (int i = 0; i < cols.length; i++) {
                String c = cols[i].trim().toLowerCase(Locale.ROOT);
                cols[i] = cols[i].trim();
                if (timeCol < 0 && (c.equals("timestamp") || c.equals("timestamps"))) {
                    timeCol = i;
                } else if (timeCol < 0 && c.equals("t")) {
                    timeCol = i;
                    stepColumn = true;
                }
            }
            for (String candidate : new String[] {labelColumn, "is_anomaly", "anomaly"}) {
                for (int i = 0; i < cols.length && labelCol < 0; i++) {
                    if (i != timeCol && cols[i].equalsIgnoreCase(candidate)) {
                        labelCol = i;
                    }
                }
                if (labelCol >= 0) {
                    break;
                }
            }
            return new Header(cols, timeCol, stepColumn, labelCol);
        }
    }

    /** [time, 1 if epoch millis else 0]. */
    static long[] parseTime(String ts, boolean stepColumn, int lineNo) {
        try {
            if (stepColumn) {
                return new long[] {(long) Double.parseDouble(ts), 0};
            }
            if (!ts.isEmpty() && (Character.isDigit(ts.charAt(0)) || ts.charAt(0) == '-') && ts.indexOf('-', 1) < 0 && ts.indexOf(':') < 0) {
                double v = Double.parseDouble(ts);
                if (Math.abs(v) >= 1e11) {
                    return new long[] {(long) v, 1};
                }
                if (Math.abs(v) >= 1e8) {
                    return new long[] {(long) (v * 1000), 1};
                }
                return new long[] {(long) v, 0};
            }
            if (ts.length() == 10 && ts.charAt(4) == '-' && ts.charAt(7) == '-') {
                return new long[] {java.time.LocalDate.parse(ts).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(), 1};
            }
            if (ts.length() >= 19 && ts.charAt(10) == ' ') {
                return new long[] {LocalDateTime.parse(ts, SPACE).toInstant(ZoneOffset.UTC).toEpochMilli(), 1};
            }
            try {
                return new long[] {Instant.parse(ts).toEpochMilli(), 1};
            } catch (DateTimeParseException e) {
                try {
                    return new long[] {OffsetDateTime.parse(ts).toInstant().toEpochMilli(), 1};
                } catch (DateTimeParseException e2) {
                    return new long[] {LocalDateTime.parse(ts).toInstant(ZoneOffset.UTC).toEpochMilli(), 1};
                }
            }
        } catch (RuntimeException e) {
            throw new CommandCenterException(ErrorKind.INVALID, "CSV_TIME_INVALID", "line " + lineNo + ": cannot read time '" + ts + "'",
                    Map.of("line", Integer.toString(lineNo)), java.util.List.of(), e);
        }
    }

    private static boolean isMissing(String c) {
        return c.isEmpty() || c.equalsIgnoreCase("nan") || c.equalsIgnoreCase("null") || c.equalsIgnoreCase("na");
    }

    /** The number in a cell, NaN when missing or not a number (the caller counts which). */
    private static double parseValue(String c) {
        if (isMissing(c)) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(c);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Splits one CSV line; supports double-quoted cells with doubled quotes inside. */
    static String[] split(String line) {
        if (line.indexOf('"') < 0) {
            return line.split(",", -1);
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out.toArray(String[]::new);
    }
}
