package io.commandcenter.cli.csv;

import com.google.protobuf.Timestamp;
import io.commandcenter.proto.v1.HealthSample;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Turns CSV rows into health samples. The header names the columns: {@code timestamp} (ISO-8601,
 * or {@code yyyy-MM-dd HH:mm:ss} in the given zone), {@code service} (or one service for the whole
 * file), {@code id} (optional record id), the sample's own fields {@code latency_ms},
 * {@code error_rate}, {@code uptime}, {@code cpu}, {@code memory}, and any other column as a
 * free-form numeric metric. An empty cell is a measurement not taken.
 *
 * <p>Without an {@code id} column a row's id is derived from its content (a SHA-256 of service,
 * time and values), so the same file ingested twice stores nothing twice.
 */
public final class SampleCsv {
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSSSS]");
    private static final List<String> OWN = List.of("latency_ms", "error_rate", "uptime", "cpu", "memory");

    /**
     * A row that could not be turned into a sample.
     *
     * @param reason {@code BAD_NUMBER}, {@code BAD_TIMESTAMP} or {@code FIELD_COUNT}
     */
    public record RowError(long line, String column, String reason, String message) {
    }

    /** A row's outcome: a sample or an error. */
    public record Row(long line, HealthSample sample, RowError error) {
    }

    private final List<String> header;
    private final int timestamp;
    private final int service;
    private final int id;
    private final String fixedService;
    private final ZoneId zone;

    /**
     * @param header       the header row
     * @param fixedService the service of every row; {@code null} to read it from the {@code service} column
     * @param zone         zone of timestamps written without one
     * @throws IllegalArgumentException when a required column is missing
     */
    public SampleCsv(List<String> header, String fixedService, ZoneId zone) {
        this.header = header.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        this.timestamp = this.header.indexOf("timestamp");
        this.service = this.header.indexOf("service");
        this.id = this.header.indexOf("id");
        this.fixedService = fixedService;
        this.zone = zone;
        if (timestamp < 0) {
            throw new IllegalArgumentException("the header has no 'timestamp' column: " + header);
        }
        if (service < 0 && fixedService == null) {
            throw new IllegalArgumentException("the header has no 'service' column; name one with --service");
        }
        if (this.header.size() <= (service < 0 ? 1 : 2) + (id < 0 ? 0 : 1)) {
            throw new IllegalArgumentException("the header has no metric column: " + header);
        }
    }

    /** The sample of one row, or why there is none. */
    public Row parse(long line, List<String> fields) {
        if (fields.size() != header.size()) {
            return error(line, "", "FIELD_COUNT", "has " + fields.size() + " fields, the header has " + header.size());
        }
        HealthSample.Builder sample = HealthSample.newBuilder();
        String svc = fixedService != null ? fixedService : fields.get(service).strip();
        sample.setService(svc);
        Instant time;
        try {
            time = parseTime(fields.get(timestamp).strip(), zone);
        } catch (DateTimeParseException e) {
            return error(line, "timestamp", "BAD_TIMESTAMP",
                    "'" + fields.get(timestamp) + "' is not ISO-8601 or yyyy-MM-dd HH:mm:ss");
        }
        sample.setTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()));
        StringBuilder identity = new StringBuilder(svc).append('|').append(time);
        for (int c = 0; c < header.size(); c++) {
            if (c == timestamp || c == service || c == id) {
                continue;
            }
            String cell = fields.get(c).strip();
            if (cell.isEmpty()) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                return error(line, header.get(c), "BAD_NUMBER", "'" + cell + "' is not a number");
            }
            identity.append('|').append(header.get(c)).append('=').append(value);
            switch (header.get(c)) {
                case "latency_ms" -> sample.setLatencyMs(value);
                case "error_rate" -> sample.setErrorRate(value);
                case "uptime" -> sample.setUptime(value);
                case "cpu" -> sample.setCpu(value);
                case "memory" -> sample.setMemory(value);
                default -> sample.putMetrics(header.get(c), value);
            }
        }
        sample.setRecordId(id >= 0 && !fields.get(id).isBlank() ? fields.get(id).strip() : derivedId(identity));
        return new Row(line, sample.build(), null);
    }

    /** Column names that become free-form metrics. */
    public List<String> metricColumns() {
        List<String> metrics = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (c != timestamp && c != service && c != id && !OWN.contains(header.get(c))) {
                metrics.add(header.get(c));
            }
        }
        return metrics;
    }

    static Instant parseTime(String text, ZoneId zone) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException ignored) {
                return LocalDateTime.parse(text, SPACED).atZone(zone).toInstant();
            }
        }
    }

    private static String derivedId(CharSequence identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return "csv-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Row error(long line, String column, String reason, String message) {
        return new Row(line, null, new RowError(line, column, reason, message));
    }
}
