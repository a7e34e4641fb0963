package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class H2TelemetryStoreTest extends AbstractSqlTelemetryStoreTest {
    @Override
    DatabaseSettings settings(Path dir) {
        return Databases.h2(dir);
    }

    /**
     * Issue 17 item 9: a page of samples is read by walking the sample index in the listing's order and
     * stopping after the page. Ordered by time alone, H2 chose the primary key and sorted every sample of
     * the project on each read (p99 489 ms beside bulk ingest). The statement the store really runs is
     * taken from H2's query statistics and explained.
     */
    @Test
    void aPageOfSamples_isReadInIndexOrder_notBySortingTheProjectsSamples() throws Exception {
        List<String> plans = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET QUERY_STATISTICS TRUE");
            for (String service : new String[] {"api", null}) {
                for (boolean oldestFirst : new boolean[] {true, false}) {
                    store.listHealthSamples(ALPHA, new SampleQuery(service, null, null, 50, null, oldestFirst));
                }
            }
            List<String> statements = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT SQL_STATEMENT FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                    + " WHERE SQL_STATEMENT LIKE '%FROM health_sample WHERE%'")) {
                while (r.next()) {
                    statements.add(r.getString(1));
                }
            }
            assertThat(statements).hasSize(4);
            for (String sql : statements) {
                try (var explain = c.prepareStatement("EXPLAIN " + sql)) {
                    int n = explain.getParameterMetaData().getParameterCount();
                    explain.setString(1, ALPHA.value());
                    if (n == 4) {
                        explain.setString(2, "api");
                    }
                    explain.setInt(n - 1, 50);
                    explain.setInt(n, 0);
                    try (ResultSet r = explain.executeQuery()) {
                        r.next();
                        plans.add(r.getString(1));
                    }
                }
            }
        }
        assertThat(plans).allSatisfy(plan -> assertThat(plan).contains("index sorted"));
    }
}
