package io.commandcenter.cli.csv;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV one record at a time: comma separated, fields optionally in double quotes
 * (which may hold commas, line breaks and doubled quotes). Blank lines are skipped.
 */
public final class CsvReader implements Closeable {
    private final BufferedReader in;
    private long line;
    private long recordLine;

    public CsvReader(BufferedReader in) {
        this.in = in;
    }

    /** The next record's fields, or {@code null} at the end. */
    public List<String> next() throws IOException {
        String text;
        do {
            text = in.readLine();
            line++;
            if (text == null) {
                return null;
            }
        } while (text.isBlank());
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i == text.length()) {
                if (quoted) {
                    String more = in.readLine();
                    line++;
                    if (more == null) {
                        throw new IOException("line " + recordLine + ": unterminated quoted field");
                    }
                    field.append('\n');
                    text = more;
                    i = 0;
                    continue;
                }
                fields.add(field.toString());
                return fields;
            }
            char c = text.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
    }

    /** The line number (1-based) where the last record returned by {@link #next()} started. */
    public long recordLine() {
        return recordLine;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
