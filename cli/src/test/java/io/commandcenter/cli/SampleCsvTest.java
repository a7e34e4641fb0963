package io.commandcenter.cli;

import io.commandcenter.cli.csv.CsvReader;
import io.commandcenter.cli.csv.SampleCsv;
import io.commandcenter.proto.v1.HealthSample;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleCsvTest {

    static List<List<String>> read(String text) throws Exception {
        try (CsvReader csv = new CsvReader(new BufferedReader(new StringReader(text)))) {
            List<List<String>> rows = new java.util.ArrayList<>();
            List<String> row;
            while ((row = csv.next()) != null) {
                rows.add(row);
            }
            return rows;
        }
    }

    @Test
    void csvReader_handlesQuotesCommasDoubledQuotesLineBreaksAndBlankLines() throws Exception {
        List<List<String>> rows = read("a,b,c\n\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\n");

        assertThat(rows).containsExactly(List.of("a", "b", "c"), List.of("x,1", "say \"hi\"", "two\nlines"),
                List.of("", "", ""));
    }

    @Test
    void csvReader_reportsAnUnterminatedQuote() {
        assertThatThrownBy(() -> read("a\n\"open")).hasMessageContaining("unterminated");
    }

    @Test
    void parse_mapsOwnColumnsToFields_andOtherColumnsToMetrics_emptyCellsAreNotMeasured() {
        SampleCsv csv = new SampleCsv(List.of("timestamp", "service", "latency_ms", "cpu", "queue_depth", "gc_ms"),
                null, ZoneOffset.UTC);

        HealthSample s = csv.parse(2, List.of("2026-11-24 10:00:00", "api", "12.5", "", "7", "1.5")).sample();

        assertThat(s.getService()).isEqualTo("api");
        assertThat(s.getTime().getSeconds()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z").getEpochSecond());
        assertThat(s.getLatencyMs()).isEqualTo(12.5);
        assertThat(s.hasCpu()).isFalse();
        assertThat(s.getMetricsMap()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of("queue_depth", 7.0, "gc_ms", 1.5));
        assertThat(csv.metricColumns()).containsExactly("queue_depth", "gc_ms");
    }

    @Test
    void parse_acceptsIsoTimesWithOffsets_andLocalTimesInTheGivenZone() {
        SampleCsv csv = new SampleCsv(List.of("timestamp", "latency_ms"), "api", ZoneId.of("Europe/Paris"));

        long iso = csv.parse(2, List.of("2026-11-24T10:00:00+02:00", "1")).sample().getTime().getSeconds();
        long local = csv.parse(3, List.of("2026-11-24 10:00:00", "1")).sample().getTime().getSeconds();

        assertThat(iso).isEqualTo(Instant.parse("2026-11-24T08:00:00Z").getEpochSecond());
        assertThat(local).isEqualTo(Instant.parse("2026-11-24T09:00:00Z").getEpochSecond());
    }

    @Test
    void parse_derivesTheSameIdForTheSameRow_andDifferentIdsForDifferentRows() {
        SampleCsv csv = new SampleCsv(List.of("timestamp", "service", "latency_ms"), null, ZoneOffset.UTC);

        String a = csv.parse(2, List.of("2026-11-24 10:00:00", "api", "1")).sample().getRecordId();
        String again = csv.parse(9, List.of("2026-11-24 10:00:00", "api", "1.0")).sample().getRecordId();
        String other = csv.parse(3, List.of("2026-11-24 10:00:00", "api", "2")).sample().getRecordId();

        assertThat(a).startsWith("csv-").isEqualTo(again).isNotEqualTo(other);
    }

    @Test
    void parse_usesTheIdColumnWhenPresent() {
        SampleCsv csv = new SampleCsv(List.of("id", "timestamp", "service", "latency_ms"), null, ZoneOffset.UTC);

        assertThat(csv.parse(2, List.of("r-1", "2026-11-24 10:00:00", "api", "1")).sample().getRecordId()).isEqualTo("r-1");
    }

    @Test
    void parse_badCells_areRowErrorsNamingLineColumnAndReason() {
        SampleCsv csv = new SampleCsv(List.of("timestamp", "service", "latency_ms"), null, ZoneOffset.UTC);

        assertThat(csv.parse(4, List.of("2026-11-24 10:00:00", "api", "fast")).error())
                .isEqualTo(new SampleCsv.RowError(4, "latency_ms", "BAD_NUMBER", "'fast' is not a number"));
        assertThat(csv.parse(5, List.of("yesterday", "api", "1")).error().reason()).isEqualTo("BAD_TIMESTAMP");
        assertThat(csv.parse(6, List.of("2026-11-24 10:00:00", "api")).error().reason()).isEqualTo("FIELD_COUNT");
    }

    @Test
    void header_withoutTimestampOrServiceOrMetrics_isRefused() {
        assertThatThrownBy(() -> new SampleCsv(List.of("service", "latency_ms"), null, ZoneOffset.UTC))
                .hasMessageContaining("timestamp");
        assertThatThrownBy(() -> new SampleCsv(List.of("timestamp", "latency_ms"), null, ZoneOffset.UTC))
                .hasMessageContaining("--service");
        assertThatThrownBy(() -> new SampleCsv(List.of("timestamp", "service"), null, ZoneOffset.UTC))
                .hasMessageContaining("no metric");
    }
}
