package io.commandcenter.models.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.models.features.TimeAxis;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class SeriesCsvTest {

    static Series read(String csv) throws Exception {
        return new SeriesCsv().read(new StringReader(csv));
    }

    @Test
    void isoAndSpaceSeparatedTimestamps_areEpochMillis_andTheLabelColumnIsSeparated() throws Exception {
        Series s = read("timestamp,value,label\n2024-01-01T00:00:00Z,1.5,0\n2024-01-01 00:05:00,2.5,1\n");
        assertThat(s.axis()).isEqualTo(TimeAxis.EPOCH_MILLIS);
        assertThat(s.times()).containsExactly(1704067200000L, 1704067500000L);
        assertThat(s.metrics()).containsExactly("value");
        assertThat(s.labels()).containsExactly(false, true);
        assertThat(s.timestamps()).containsExactly("2024-01-01T00:00:00Z", "2024-01-01 00:05:00");
    }

    @Test
    void stepColumn_multivariateMetrics_andMissingCells() throws Exception {
        Series s = read("t,m1,m2\n0,1,\n1,NaN,4\n");
        assertThat(s.axis()).isEqualTo(TimeAxis.STEPS);
        assertThat(s.metrics()).containsExactly("m1", "m2");
        assertThat(s.value(0, 0)).isEqualTo(1.0);
        assertThat(s.value(0, 1)).isNaN();
        assertThat(s.value(1, 0)).isNaN();
        assertThat(s.hasLabels()).isFalse();
    }

    @Test
    void numericTimestamps_areSecondsOrSteps_byMagnitude_andIsAnomalyIsALabel() throws Exception {
        assertThat(read("timestamp,value,is_anomaly\n1416726000,1,0\n").times()).containsExactly(1416726000000L);
        Series steps = read("timestamp,value,is_anomaly\n1,1,0\n2,1,1\n");
        assertThat(steps.axis()).isEqualTo(TimeAxis.STEPS);
        assertThat(steps.labels()).containsExactly(false, true);
    }

    @Test
    void badInput_failsWithStableReasons() {
        assertThatThrownBy(() -> read("")).isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CSV_EMPTY"));
        assertThatThrownBy(() -> read("t,label\n1,0\n"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CSV_NO_METRIC_COLUMN"));
        assertThatThrownBy(() -> read("t,v\n1,2,3\n"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CSV_ROW_WIDTH"));
        assertThatThrownBy(() -> read("t,host\n1,abc\n"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CSV_NO_METRIC_COLUMN"));
        assertThatThrownBy(() -> read("timestamp,v\nyesterday,1\n"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CSV_TIME_INVALID"));
        assertThatThrownBy(() -> read("timestamp,v\n2024-01-01T00:00:00Z,1\n5,1\n"))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("CSV_MIXED_TIME"));
    }

    @Test
    void textColumnsAreDropped_strayTextCellsAreMissing_andAFileWithoutTimeUsesRowOrder() throws Exception {
        Series s = read("host,cpu,mem\nweb-1,1,2\nweb-1,oops,3\nweb-2,Infinity,4\nweb-2,5,6\n");
        assertThat(s.metrics()).containsExactly("cpu", "mem");
        assertThat(s.axis()).isEqualTo(TimeAxis.STEPS);
        assertThat(s.timestamps()).containsExactly("0", "1", "2", "3");
        assertThat(s.value(1, 0)).isNaN();
        assertThat(s.value(2, 0)).isNaN();
        assertThat(s.value(2, 1)).isEqualTo(4.0);
        assertThat(read("timestamp,v\n2024-01-02,1\n").times()).containsExactly(1704153600000L);
        assertThat(read("timestamp,v\n2024-01-01T00:00:00.500+01:00,1\n").times()).containsExactly(1704063600500L);
    }

    @Test
    void quotedCells_withCommas_areOneCell() {
        assertThat(SeriesCsv.split("a,\"b,c\",\"d\"\"e\"")).containsExactly("a", "b,c", "d\"e");
    }

    /** The count a service bounds a CSV by before reading it: the metric columns read() would take, text ones too. */
    @Test
    void metricColumns_areEveryColumnButTimeAndLabel_asReadFindsThem() throws Exception {
        assertThat(SeriesCsv.metricColumns("\uFEFFtimestamp,a,b,label", "")).isEqualTo(2);
        assertThat(SeriesCsv.metricColumns("t,x,is_anomaly", "label")).isEqualTo(1);
        assertThat(SeriesCsv.metricColumns("a,b,c", null)).isEqualTo(3);
        assertThat(SeriesCsv.metricColumns("timestamp,y,label", "y")).isEqualTo(1);
        assertThat(read("timestamp,a,b,label\n2024-01-01T00:00:00Z,1,2,0\n").metrics())
                .hasSize(SeriesCsv.metricColumns("timestamp,a,b,label", "label"));
    }

    /** Limits are held while reading: the parser stops at the first row past one, lines ending in a bare CR too. */
    @Test
    void aCsvPastItsRowOrValueLimit_failsAsItIsRead_withBareCrLineEndsCounted() throws Exception {
        StringBuilder csv = new StringBuilder("t,a,b\r");
        for (int t = 0; t < 5_000; t++) {
            csv.append(t).append(",1,2\r");
        }
        int[] charsRead = {0};
        java.io.Reader counting = new java.io.FilterReader(new StringReader(csv.toString())) {
            @Override
            public int read(char[] b, int off, int len) throws java.io.IOException {
                int n = super.read(b, off, Math.min(len, 1024));
                charsRead[0] += Math.max(n, 0);
                return n;
            }
        };
        assertThatThrownBy(() -> new SeriesCsv().read(new java.io.BufferedReader(counting, 1024), 1_000, Long.MAX_VALUE))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CSV_TOO_MANY_ROWS");
                    assertThat(e.getMessage()).contains("1,000 rows");
                });
        assertThat(charsRead[0]).isLessThan(csv.length() / 2);
        assertThatThrownBy(() -> new SeriesCsv().read(new StringReader(csv.toString()), 10_000, 2 * 999))
                .isInstanceOfSatisfying(CommandCenterException.class, e -> {
                    assertThat(e.reason()).isEqualTo("CSV_TOO_MANY_VALUES");
                    assertThat(e.getMessage()).contains("1,998 values");
                });
        // exactly at both limits, bare-CR rows are read whole
        Series s = new SeriesCsv().read(new StringReader(csv.toString()), 5_000, 10_000);
        assertThat(s.timestamps()).hasSize(5_000);
        assertThat(s.metrics()).containsExactly("a", "b");
    }
}
