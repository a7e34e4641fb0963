package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.persistence.StoreFailures;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Telemetry in SQL (H2 or PostgreSQL). Writes are one transaction per call, the fastest statements
 * the database offers; reads are one SQL statement a page, over JDBC too.
 *
 * <p>Idempotency is one mechanism on both databases: each table's records of a batch are inserted
 * <em>if absent</em> by one statement, and the database tells which rows it inserted; the others
 * were stored before (duplicates). Nothing is looked up beforehand and no batch is refused for a
 * duplicate key, so re-sending stored records costs what inserting new ones does, whatever a
 * batch holds and whichever projects share it. Only the statement is the database's own
 * ({@link Dialect}): PostgreSQL gets the batch's rows as column arrays in one
 * {@code INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING project_id, record_id}
 * (one round trip, safe against another hub inserting the same record at the same moment); H2,
 * which has no {@code ON CONFLICT}, gets a JDBC batch of standard {@code MERGE … WHEN NOT MATCHED
 * THEN INSERT}, whose update count per row (1 or 0) says the same. Compliance results are written
 * only for audits that were inserted.
 *
 * <p>On H2 a {@code MERGE} of new rows costs 1.15-1.3 times a plain {@code INSERT}, and new records
 * are the common case: a batch is therefore first written with plain {@code INSERT}s, unless one of
 * its projects is re-sending. If the database refuses it for a key stored before, the transaction is
 * rolled back (nothing of it stays) and the same batch is written again with the {@code MERGE}, in
 * the same call, so the outcomes are exactly those of the {@code MERGE} alone. A project is
 * re-sending from such a batch until a batch of its records holds nothing stored before: a re-send
 * pays the refused attempt once, not once a batch.
 */
public final class SqlTelemetryStore implements TelemetryStore {
    private static final int MAX_ATTEMPTS = 4;

    /** The SQL types of the columns the telemetry tables use, as each database spells them. */
    private enum Type {
        VARCHAR("VARCHAR", "varchar", Types.VARCHAR),
        TIMESTAMP("TIMESTAMP(6) WITH TIME ZONE", "timestamptz", Types.TIMESTAMP_WITH_TIMEZONE),
        DOUBLE("DOUBLE PRECISION", "float8", Types.DOUBLE),
        INTEGER("INTEGER", "int4", Types.INTEGER),
        BIGINT("BIGINT", "int8", Types.BIGINT);

        final String h2;
        final String postgres;
        final int jdbc;

        Type(String h2, String postgres, int jdbc) {
            this.h2 = h2;
            this.postgres = postgres;
            this.jdbc = jdbc;
        }
    }

    /** A telemetry table: its name and columns (the key, project_id and record_id, first). */
    private record Table(String name, List<String> columns, List<Type> types) {
        static Table of(String name, Object... columnsAndTypes) {
            List<String> columns = new ArrayList<>();
            List<Type> types = new ArrayList<>();
            for (int i = 0; i < columnsAndTypes.length; i += 2) {
                columns.add((String) columnsAndTypes[i]);
                types.add((Type) columnsAndTypes[i + 1]);
            }
            return new Table(name, List.copyOf(columns), List.copyOf(types));
        }

        /** H2: standard MERGE of one row; its update count is 1 when inserted, 0 when the key was there. */
        String h2MergeSql() {
            StringBuilder values = new StringBuilder();
            StringBuilder source = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                values.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(types.get(i).h2).append(')');
                source.append(i == 0 ? "" : ", ").append("s.").append(columns.get(i));
            }
            String cols = String.join(", ", columns);
            StringBuilder on = new StringBuilder("t.project_id = s.project_id AND t.record_id = s.record_id");
            if (name.equals("compliance_result")) {
                on.append(" AND t.result_index = s.result_index");
            }
            return "MERGE INTO " + name + " t USING (VALUES (" + values + ")) s(" + cols + ") ON " + on
                    + " WHEN NOT MATCHED THEN INSERT (" + cols + ") VALUES (" + source + ")";
        }

        /** H2: a plain insert of one row; refused with a unique violation when the key is there. */
        String h2InsertSql() {
            return "INSERT INTO " + name + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        }

        /** PostgreSQL: every row of the batch as column arrays; returns the keys of the rows inserted. */
        String postgresInsertSql() {
            StringBuilder arrays = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                arrays.append(i == 0 ? "" : ", ").append("?::").append(types.get(i).postgres).append("[]");
            }
            return "INSERT INTO " + name + " (" + String.join(", ", columns) + ") SELECT * FROM unnest(" + arrays
                    + ") ON CONFLICT DO NOTHING RETURNING project_id, record_id";
        }
    }

    private static final Table SAMPLES = Table.of("health_sample", "project_id", Type.VARCHAR,
            "record_id", Type.VARCHAR, "service", Type.VARCHAR, "sample_time", Type.TIMESTAMP, "uptime", Type.DOUBLE,
            "latency_ms", Type.DOUBLE, "error_rate", Type.DOUBLE, "cpu", Type.DOUBLE, "memory", Type.DOUBLE,
            "metrics_json", Type.VARCHAR, "received_at", Type.TIMESTAMP);
    private static final Table AUDITS = Table.of("audit", "project_id", Type.VARCHAR, "record_id", Type.VARCHAR,
            "audit_id", Type.VARCHAR, "target_kind", Type.VARCHAR, "target_id", Type.VARCHAR, "suite", Type.VARCHAR,
            "status", Type.VARCHAR, "audit_time", Type.TIMESTAMP, "summary", Type.VARCHAR,
            "received_at", Type.TIMESTAMP);
    private static final Table RESULTS = Table.of("compliance_result", "project_id", Type.VARCHAR,
            "record_id", Type.VARCHAR, "result_index", Type.INTEGER, "control_id", Type.VARCHAR,
            "status", Type.VARCHAR, "severity", Type.VARCHAR, "message", Type.VARCHAR);
    private static final Table TASKS = Table.of("task", "project_id", Type.VARCHAR, "record_id", Type.VARCHAR,
            "task_id", Type.VARCHAR, "name", Type.VARCHAR, "target_kind", Type.VARCHAR, "target_id", Type.VARCHAR,
            "workflow_run_id", Type.VARCHAR, "status", Type.VARCHAR, "start_time", Type.TIMESTAMP,
            "execution_time_us", Type.BIGINT, "error", Type.VARCHAR, "agent", Type.VARCHAR,
            "received_at", Type.TIMESTAMP);
    private static final Table RUNS = Table.of("workflow_run", "project_id", Type.VARCHAR,
            "record_id", Type.VARCHAR, "run_id", Type.VARCHAR, "workflow", Type.VARCHAR, "target_kind", Type.VARCHAR,
            "target_id", Type.VARCHAR, "status", Type.VARCHAR, "start_time", Type.TIMESTAMP,
            "end_time", Type.TIMESTAMP, "trigger_source", Type.VARCHAR, "error", Type.VARCHAR,
            "received_at", Type.TIMESTAMP);

    /** The record tables, in the order a batch writes them (audits before their compliance results). */
    private static final List<Table> TABLES = List.of(SAMPLES, AUDITS, TASKS, RUNS);

    /** How a database inserts a table's rows if absent and tells which it inserted. */
    private enum Dialect {
        H2 {
            @Override
            Set<String> insertAbsent(Connection connection, Table table, List<Object[]> rows) throws SQLException {
                Set<String> inserted = new HashSet<>();
                int[] counts = batch(connection, table.h2MergeSql(), table, rows);
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] > 0) {
                        inserted.add(key(rows.get(i)[0], rows.get(i)[1]));
                    }
                }
                return inserted;
            }

            @Override
            boolean hasPlainInsert() {
                return true;
            }

            @Override
            void insertAll(Connection connection, Table table, List<Object[]> rows) throws SQLException {
                batch(connection, table.h2InsertSql(), table, rows);
            }

            private static int[] batch(Connection connection, String sql, Table table, List<Object[]> rows)
                    throws SQLException {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    for (Object[] row : rows) {
                        for (int c = 0; c < row.length; c++) {
                            if (row[c] == null) {
                                ps.setNull(c + 1, table.types().get(c).jdbc);
                            } else {
                                ps.setObject(c + 1, row[c]);
                            }
                        }
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                }
            }
        },
        POSTGRESQL {
            @Override
            Set<String> insertAbsent(Connection connection, Table table, List<Object[]> rows) throws SQLException {
                Set<String> inserted = new HashSet<>();
                try (PreparedStatement ps = connection.prepareStatement(table.postgresInsertSql())) {
                    for (int c = 0; c < table.columns().size(); c++) {
                        Type type = table.types().get(c);
                        Object[] column = switch (type) {
                            case VARCHAR -> new String[rows.size()];
                            // as ISO-8601 text, cast by the statement: the driver has no array of OffsetDateTime
                            case TIMESTAMP -> new String[rows.size()];
                            case DOUBLE -> new Double[rows.size()];
                            case INTEGER -> new Integer[rows.size()];
                            case BIGINT -> new Long[rows.size()];
                        };
                        for (int r = 0; r < rows.size(); r++) {
                            Object value = rows.get(r)[c];
                            column[r] = value instanceof OffsetDateTime t ? t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) : value;
                        }
                        ps.setArray(c + 1, connection.createArrayOf(type == Type.TIMESTAMP ? "text" : type.postgres, column));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            inserted.add(key(rs.getString(1), rs.getString(2)));
                        }
                    }
                }
                return inserted;
            }
        };

        /** Inserts those of {@code rows} whose key is absent; returns the keys ({@link #key}) it inserted. */
        abstract Set<String> insertAbsent(Connection connection, Table table, List<Object[]> rows) throws SQLException;

        /** Whether {@link #insertAll} is cheaper than {@link #insertAbsent} for new rows (H2: INSERT against MERGE). */
        boolean hasPlainInsert() {
            return false;
        }

        /** Inserts every row with the plain statement; refused (a unique violation) if any key is there. */
        void insertAll(Connection connection, Table table, List<Object[]> rows) throws SQLException {
            throw new UnsupportedOperationException(name() + " inserts if absent only");
        }
    }

    private final Database database;
    private final Dialect dialect;
    private final Clock clock;
    private final Set<String> knownProjects = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong failedAttempts = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong redoneInserts = new java.util.concurrent.atomic.AtomicLong();
    /** Projects whose last insert-if-absent batch held a record stored before (H2's plain inserts skip them). */
    private final Set<String> resending = ConcurrentHashMap.newKeySet();

    /** @param clock stamps new projects' creation time */
    public SqlTelemetryStore(Database database, Clock clock) {
        this.database = database;
        this.dialect = database.vendor() == io.commandcenter.hub.persistence.DatabaseSettings.Vendor.H2
                ? Dialect.H2 : Dialect.POSTGRESQL;
        this.clock = clock;
    }

    @Override
    public List<Outcome> write(List<Scoped> records, Instant receivedAt) {
        Outcome[] withinBatch = duplicatesWithinBatch(records);
        // H2: new records by a plain INSERT (a MERGE of new rows costs H2 1.15-1.3x as much) unless a
        // project of the batch is re-sending; a plain batch refused for a stored key is rolled back and
        // written again, in the same call, as insert-if-absent
        boolean plain = dialect.hasPlainInsert() && !anyResending(records);
        try {
            ensureProjects(records);
            for (int attempt = 1; ; ) {
                Outcome[] outcomes = withinBatch.clone();
                try (Connection connection = database.dataSource().getConnection()) {
                    try {
                        insert(connection, records, outcomes, ts(receivedAt), plain);
                        connection.commit();
                    } catch (SQLException e) {
                        connection.rollback();
                        if (plain && Jpa.isUniqueViolation(e)) {
                            plain = false;
                            redoneInserts.incrementAndGet();
                            continue;
                        }
                        // only a writer outside this store inserting the same key between the check and
                        // the insert (H2's MERGE) gets here; the next attempt sees its row
                        if (Jpa.isUniqueViolation(e) && attempt < MAX_ATTEMPTS) {
                            attempt++;
                            failedAttempts.incrementAndGet();
                            continue;
                        }
                        throw e;
                    }
                }
                if (dialect.hasPlainInsert() && !plain) {
                    noteResending(records, outcomes, withinBatch);
                }
                List<Outcome> result = new ArrayList<>(outcomes.length);
                for (Outcome outcome : outcomes) {
                    result.add(outcome == null ? Outcome.STORED : outcome);
                }
                return result;
            }
        } catch (SQLException e) {
            throw StoreFailures.unavailable("store telemetry", e);
        }
    }

    private boolean anyResending(List<Scoped> records) {
        if (resending.isEmpty()) {
            return false;
        }
        for (Scoped s : records) {
            if (resending.contains(s.project().value())) {
                return true;
            }
        }
        return false;
    }

    /**
     * After an insert-if-absent batch: a project is re-sending while its records in a batch include one
     * stored before, and stops once a batch of it holds none; its batches are then inserted plainly again.
     */
    private void noteResending(List<Scoped> records, Outcome[] outcomes, Outcome[] withinBatch) {
        Set<String> stored = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            String project = records.get(i).project().value();
            seen.add(project);
            if (outcomes[i] == Outcome.DUPLICATE && withinBatch[i] == null) {
                stored.add(project);
            }
        }
        for (String project : seen) {
            if (stored.contains(project)) {
                resending.add(project);
            } else {
                resending.remove(project);
            }
        }
    }

    /**
     * Insert-if-absent batch attempts the database refused for a duplicate key since start (each then
     * retried). Stays 0 while this store is the only writer: duplicates, re-sent or not, are skipped by
     * the insert ({@link #redoneInserts} counts H2's plain batches that met one).
     */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    /**
     * Plain-insert batches (H2) refused since start because they held a record stored before, each then
     * written again as insert-if-absent in the same call: once per project that starts re-sending.
     */
    public long redoneInserts() {
        return redoneInserts.get();
    }

    private static String key(Object project, Object recordId) {
        return project + "\u0000" + recordId;
    }

    /** A record's key within a batch: its table, project and id (no string built per record). */
    private record BatchKey(int table, String project, String recordId) {
        // written out: the record's own go through method handles, on the writer thread, once a record
        @Override
        public boolean equals(Object o) {
            return o instanceof BatchKey k && table == k.table && recordId.equals(k.recordId) && project.equals(k.project);
        }

        @Override
        public int hashCode() {
            return (table * 31 + project.hashCode()) * 31 + recordId.hashCode();
        }
    }

    private static Outcome[] duplicatesWithinBatch(List<Scoped> records) {
        Outcome[] outcomes = new Outcome[records.size()];
        Set<BatchKey> seen = new HashSet<>(records.size() * 2);
        for (int i = 0; i < records.size(); i++) {
            Scoped s = records.get(i);
            if (!seen.add(new BatchKey(tableIndex(s.record()), s.project().value(), s.record().recordId()))) {
                outcomes[i] = Outcome.DUPLICATE;
            }
        }
        return outcomes;
    }

    private void ensureProjects(List<Scoped> records) throws SQLException {
        Set<String> missing = new LinkedHashSet<>();
        for (Scoped s : records) {
            if (!knownProjects.contains(s.project().value())) {
                missing.add(s.project().value());
            }
        }
        for (String project : missing) {
            ensureProject(project);
        }
    }

    /** Every project the database knows (telemetry arrived for it, or it was created), by id. */
    public java.util.List<String> projects() throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement list = connection.prepareStatement("SELECT project_id FROM project ORDER BY project_id");
             ResultSet rs = list.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            connection.rollback();
        }
        return out;
    }

    /** Creates the project row if it does not exist yet; safe against a concurrent creator. */
    public void ensureProject(String project) throws SQLException {
        if (knownProjects.contains(project)) {
            return;
        }
        try (Connection connection = database.dataSource().getConnection()) {
            try (PreparedStatement find = connection.prepareStatement("SELECT 1 FROM project WHERE project_id = ?")) {
                find.setString(1, project);
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        connection.rollback();
                        knownProjects.add(project);
                        return;
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO project (project_id, created_at) VALUES (?, ?)")) {
                insert.setString(1, project);
                insert.setObject(2, ts(clock.instant()));
                insert.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                if (!Jpa.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
        knownProjects.add(project);
    }

    /**
     * Inserts each table's records of the batch that are absent and marks the others DUPLICATE
     * (outcomes already set, duplicates within the batch, are skipped). Audits before their
     * compliance results, which are written only for the audits inserted.
     */
    private void insert(Connection connection, List<Scoped> records, Outcome[] outcomes, OffsetDateTime receivedAt,
                        boolean plain) throws SQLException {
        // by table position (a Table record's hashCode walks its column lists: not once per record)
        List<List<Integer>> byTable = new ArrayList<>(TABLES.size());
        for (int t = 0; t < TABLES.size(); t++) {
            byTable.add(new ArrayList<>());
        }
        for (int i = 0; i < records.size(); i++) {
            if (outcomes[i] == null) {
                byTable.get(tableIndex(records.get(i).record())).add(i);
            }
        }
        for (int t = 0; t < TABLES.size(); t++) {
            Table table = TABLES.get(t);
            List<Integer> indexes = byTable.get(t);
            if (indexes.isEmpty()) {
                continue;
            }
            List<Object[]> rows = new ArrayList<>(indexes.size());
            for (int i : indexes) {
                rows.add(row(records.get(i).project().value(), records.get(i).record(), receivedAt));
            }
            Set<String> inserted = null; // plain: every row (or the statement is refused)
            if (plain) {
                dialect.insertAll(connection, table, rows);
            } else {
                inserted = dialect.insertAbsent(connection, table, rows);
            }
            List<Object[]> results = new ArrayList<>();
            for (int i : indexes) {
                Scoped s = records.get(i);
                if (inserted != null && !inserted.contains(key(s.project().value(), s.record().recordId()))) {
                    outcomes[i] = Outcome.DUPLICATE;
                } else if (s.record() instanceof AuditRecord audit) {
                    for (int k = 0; k < audit.results().size(); k++) {
                        results.add(resultRow(s.project().value(), audit.recordId(), k, audit.results().get(k)));
                    }
                }
            }
            if (results.isEmpty()) {
                continue;
            }
            if (plain) {
                dialect.insertAll(connection, RESULTS, results);
            } else {
                dialect.insertAbsent(connection, RESULTS, results);
            }
        }
    }

    /** The record's table's position in {@link #TABLES}. */
    private static int tableIndex(TelemetryRecord record) {
        if (record instanceof HealthSampleRecord) {
            return 0;
        } else if (record instanceof AuditRecord) {
            return 1;
        } else if (record instanceof TaskHistoryRecord) {
            return 2;
        }
        return 3;
    }

    /** The record's row, in its table's column order. */
    private static Object[] row(String project, TelemetryRecord record, OffsetDateTime at) {
        if (record instanceof HealthSampleRecord r) {
            return new Object[]{project, r.recordId(), r.service(), ts(r.time()), r.uptime(), r.latencyMs(),
                    r.errorRate(), r.cpu(), r.memory(), MetricsJson.write(r.metrics()), at};
        } else if (record instanceof AuditRecord r) {
            return new Object[]{project, r.recordId(), r.auditId(), r.target().kind(), r.target().id(), r.suite(),
                    r.status().name(), ts(r.time()), r.summary(), at};
        } else if (record instanceof TaskHistoryRecord r) {
            return new Object[]{project, r.recordId(), r.taskId(), r.name(),
                    r.target() == null ? null : r.target().kind(), r.target() == null ? null : r.target().id(),
                    r.workflowRunId(), r.status().name(), ts(r.startTime()), r.executionTime().toNanos() / 1000,
                    r.error(), r.agent(), at};
        }
        WorkflowRunHistoryRecord r = (WorkflowRunHistoryRecord) record;
        return new Object[]{project, r.recordId(), r.runId(), r.workflow(),
                r.target() == null ? null : r.target().kind(), r.target() == null ? null : r.target().id(),
                r.status().name(), ts(r.startTime()), ts(r.endTime()), r.trigger(), r.error(), at};
    }

    private static Object[] resultRow(String project, String recordId, int index, AuditRecord.ComplianceRecord c) {
        return new Object[]{project, recordId, index, c.controlId(), c.status().name(), c.severity().name(),
                c.message()};
    }

    /**
     * The instant at UTC. Not {@code OffsetDateTime.ofInstant(instant, UTC)}: that asks the offset for its
     * rules, and {@code ZoneOffset.getRules()} builds a new {@code ZoneRules} each call, which the
     * writer's flight recordings showed among its allocations until the compiler removed it.
     */
    static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.of(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
                ZoneOffset.UTC);
    }

    /**
     * One page of a project's samples by one SQL statement over JDBC, the order's leading columns fixed
     * by the filter so the database walks the {@code (project, [service,] time, id)} index in order and
     * stops after the page (instead of choosing the primary key for the project and sorting all of its
     * samples for every read). Not through JPA: a page of 100 read that way allocated about 280 KB
     * against 180 KB here (query translation, a unit of work and its identity map, entity objects;
     * {@code SampleStoreCost} in benchmarks), and reads share the CPU and the heap with bulk ingest.
     */
    @Override
    public List<StoredSample> listHealthSamples(ProjectId project, SampleQuery query) {
        StringBuilder sql = new StringBuilder("SELECT record_id, service, sample_time, uptime, latency_ms, error_rate, "
                + "cpu, memory, metrics_json, received_at FROM health_sample WHERE project_id = ?");
        List<Object> params = new ArrayList<>(7);
        params.add(project.value());
        if (query.service() != null) {
            sql.append(" AND service = ?");
            params.add(query.service());
        }
        if (query.start() != null) {
            sql.append(" AND sample_time >= ?");
            params.add(ts(query.start()));
        }
        if (query.end() != null) {
            sql.append(" AND sample_time < ?");
            params.add(ts(query.end()));
        }
        String cmp = query.oldestFirst() ? ">" : "<";
        if (query.after() != null) {
            sql.append(" AND (sample_time ").append(cmp).append(" ? OR (sample_time = ? AND record_id ").append(cmp)
                    .append(" ?))");
            OffsetDateTime afterTime = ts(query.after().time());
            params.add(afterTime);
            params.add(afterTime);
            params.add(query.after().recordId());
        }
        String dir = query.oldestFirst() ? " ASC" : " DESC";
        sql.append(" ORDER BY project_id").append(dir);
        if (query.service() != null) {
            sql.append(", service").append(dir);
        }
        sql.append(", sample_time").append(dir).append(", record_id").append(dir).append(" LIMIT ?");
        params.add(query.limit() + 1);
        try (Connection connection = database.dataSource().getConnection()) {
            try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                List<StoredSample> samples = new ArrayList<>(query.limit() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        samples.add(stored(rs));
                    }
                }
                return samples;
            } finally {
                connection.rollback(); // the pool's connections do not auto-commit: end the read's transaction
            }
        } catch (SQLException e) {
            throw StoreFailures.unavailable("read health samples", e);
        }
    }

    /** The sample of the result set's current row (the columns of {@link #listHealthSamples}'s statement). */
    private static StoredSample stored(ResultSet rs) throws SQLException {
        return new StoredSample(new HealthSampleRecord(rs.getString(1), rs.getString(2),
                rs.getObject(3, OffsetDateTime.class).toInstant(), nullableDouble(rs, 4), nullableDouble(rs, 5),
                nullableDouble(rs, 6), nullableDouble(rs, 7), nullableDouble(rs, 8), MetricsJson.read(rs.getString(9))),
                rs.getObject(10, OffsetDateTime.class).toInstant());
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

}
