package io.commandcenter.hub.telemetry.sql;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.Jpa;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.AuditRecord;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TaskHistoryRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.hub.telemetry.TelemetryStore;
import io.commandcenter.hub.telemetry.WorkflowRunHistoryRecord;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.TypedQuery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Telemetry in SQL (H2 or PostgreSQL). Writes are JDBC batches in one transaction per call, the
 * fastest path the database offers; reads go through the JPA entities.
 *
 * <p>Idempotency is optimistic while records are new: a batch is inserted as is, and only when the
 * database reports a duplicate key is it retried after looking up which ids already exist. A
 * project that is re-sending (its last batch held records already stored) has its batches looked
 * up first instead, until one holds none: a failed attempt costs the database a rejected row, an
 * exception and a rollback for every record of the batch (on H2 about 30 times what storing it
 * costs), and the one writer thread does it while every other project's records wait. So a resend
 * pays one failed attempt, not one per batch, and costs about what new records cost.
 */
public final class SqlTelemetryStore implements TelemetryStore {
    private static final int MAX_ATTEMPTS = 4;

    private static final String INSERT_SAMPLE = "INSERT INTO health_sample (project_id, record_id, service, "
            + "sample_time, uptime, latency_ms, error_rate, cpu, memory, metrics_json, received_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_AUDIT = "INSERT INTO audit (project_id, record_id, audit_id, target_kind, "
            + "target_id, suite, status, audit_time, summary, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_RESULT = "INSERT INTO compliance_result (project_id, record_id, "
            + "result_index, control_id, status, severity, message) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TASK = "INSERT INTO task (project_id, record_id, task_id, name, target_kind, "
            + "target_id, workflow_run_id, status, start_time, execution_time_us, error, agent, received_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_RUN = "INSERT INTO workflow_run (project_id, record_id, run_id, workflow, "
            + "target_kind, target_id, status, start_time, end_time, trigger_source, error, received_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Database database;
    private final Clock clock;
    private final Set<String> knownProjects = ConcurrentHashMap.newKeySet();
    /** Projects whose last batch held records already stored: their batches are looked up first. */
    private final Set<String> resending = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong failedAttempts = new java.util.concurrent.atomic.AtomicLong();

    /** @param clock stamps new projects' creation time */
    public SqlTelemetryStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public List<Outcome> write(List<Scoped> records, Instant receivedAt) {
        Outcome[] withinBatch = duplicatesWithinBatch(records);
        try {
            ensureProjects(records);
            boolean lookFirst = records.stream().anyMatch(r -> resending.contains(r.project().value()));
            for (int attempt = 1; ; attempt++) {
                Outcome[] outcomes = withinBatch.clone();
                try (Connection connection = database.dataSource().getConnection()) {
                    try {
                        if (attempt > 1 || lookFirst) {
                            markExisting(connection, records, outcomes,
                                    database.vendor() == io.commandcenter.hub.persistence.DatabaseSettings.Vendor.H2);
                        }
                        insert(connection, records, outcomes, ts(receivedAt));
                        connection.commit();
                    } catch (SQLException e) {
                        connection.rollback();
                        if (Jpa.isUniqueViolation(e) && attempt < MAX_ATTEMPTS) {
                            failedAttempts.incrementAndGet();
                            continue;
                        }
                        throw e;
                    }
                }
                noteResends(records, outcomes, withinBatch);
                List<Outcome> result = new ArrayList<>(outcomes.length);
                for (Outcome outcome : outcomes) {
                    result.add(outcome == null ? Outcome.STORED : outcome);
                }
                return result;
            }
        } catch (SQLException e) {
            throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "could not store telemetry: " + e.getMessage(), e);
        }
    }

    /** Batch attempts the database refused for a duplicate key since start (each then retried after a lookup). */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    /** Marks the batch's projects re-sending when it held records already stored, and not when it held none. */
    private void noteResends(List<Scoped> records, Outcome[] outcomes, Outcome[] withinBatch) {
        Set<String> stored = new HashSet<>();
        Set<String> projects = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            String project = records.get(i).project().value();
            projects.add(project);
            if (outcomes[i] == Outcome.DUPLICATE && withinBatch[i] == null) {
                stored.add(project);
            }
        }
        for (String project : projects) {
            if (stored.contains(project)) {
                resending.add(project);
            } else {
                resending.remove(project);
            }
        }
    }

    private static Outcome[] duplicatesWithinBatch(List<Scoped> records) {
        Outcome[] outcomes = new Outcome[records.size()];
        Set<String> seen = new HashSet<>(records.size() * 2);
        for (int i = 0; i < records.size(); i++) {
            Scoped s = records.get(i);
            if (!seen.add(table(s.record()) + '\u0000' + s.project().value() + '\u0000' + s.record().recordId())) {
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
     * Marks the records already stored DUPLICATE. H2 uses an index for an IN list only on an index's
     * first column, so {@code record_id IN (...)} would read every row of the project per lookup;
     * there each id is looked up on its own (in process, microseconds each). PostgreSQL gets them all
     * in one array ({@code record_id = ANY (?)}), one statement it plans once.
     */
    private static void markExisting(Connection connection, List<Scoped> records, Outcome[] outcomes,
                                     boolean pointLookups) throws SQLException {
        // table -> project -> ids still to insert
        Map<String, Map<String, List<String>>> candidates = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (outcomes[i] == null) {
                Scoped s = records.get(i);
                candidates.computeIfAbsent(table(s.record()), t -> new HashMap<>())
                        .computeIfAbsent(s.project().value(), p -> new ArrayList<>())
                        .add(s.record().recordId());
            }
        }
        Set<String> existing = new HashSet<>();
        for (var byTable : candidates.entrySet()) {
            for (var byProject : byTable.getValue().entrySet()) {
                List<String> ids = byProject.getValue();
                if (pointLookups) {
                    try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM " + byTable.getKey()
                            + " WHERE project_id = ? AND record_id = ?")) {
                        ps.setString(1, byProject.getKey());
                        for (String id : ids) {
                            ps.setString(2, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                if (rs.next()) {
                                    existing.add(byTable.getKey() + '\u0000' + byProject.getKey() + '\u0000' + id);
                                }
                            }
                        }
                    }
                    continue;
                }
                // one statement text whatever the number of ids, so the server plans it once
                try (PreparedStatement ps = connection.prepareStatement("SELECT record_id FROM " + byTable.getKey()
                        + " WHERE project_id = ? AND record_id = ANY (?)")) {
                    ps.setString(1, byProject.getKey());
                    ps.setArray(2, connection.createArrayOf("varchar", ids.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            existing.add(byTable.getKey() + '\u0000' + byProject.getKey() + '\u0000' + rs.getString(1));
                        }
                    }
                }
            }
        }
        for (int i = 0; i < records.size(); i++) {
            Scoped s = records.get(i);
            if (outcomes[i] == null
                    && existing.contains(table(s.record()) + '\u0000' + s.project().value() + '\u0000' + s.record().recordId())) {
                outcomes[i] = Outcome.DUPLICATE;
            }
        }
    }

    private static void insert(Connection connection, List<Scoped> records, Outcome[] outcomes,
                               OffsetDateTime receivedAt) throws SQLException {
        try (Batch samples = new Batch(connection, INSERT_SAMPLE);
             Batch audits = new Batch(connection, INSERT_AUDIT);
             Batch results = new Batch(connection, INSERT_RESULT);
             Batch tasks = new Batch(connection, INSERT_TASK);
             Batch runs = new Batch(connection, INSERT_RUN)) {
            for (int i = 0; i < records.size(); i++) {
                if (outcomes[i] != null) {
                    continue;
                }
                String project = records.get(i).project().value();
                TelemetryRecord record = records.get(i).record();
                if (record instanceof HealthSampleRecord r) {
                    bindSample(samples.next(), project, r, receivedAt);
                } else if (record instanceof AuditRecord r) {
                    bindAudit(audits.next(), project, r, receivedAt);
                    for (int k = 0; k < r.results().size(); k++) {
                        bindResult(results.next(), project, r.recordId(), k, r.results().get(k));
                    }
                } else if (record instanceof TaskHistoryRecord r) {
                    bindTask(tasks.next(), project, r, receivedAt);
                } else if (record instanceof WorkflowRunHistoryRecord r) {
                    bindRun(runs.next(), project, r, receivedAt);
                }
            }
            // parents before children: compliance results reference their audit
            samples.execute();
            audits.execute();
            results.execute();
            tasks.execute();
            runs.execute();
        }
    }

    private static void bindSample(PreparedStatement ps, String project, HealthSampleRecord r, OffsetDateTime at)
            throws SQLException {
        ps.setString(1, project);
        ps.setString(2, r.recordId());
        ps.setString(3, r.service());
        ps.setObject(4, ts(r.time()));
        setDouble(ps, 5, r.uptime());
        setDouble(ps, 6, r.latencyMs());
        setDouble(ps, 7, r.errorRate());
        setDouble(ps, 8, r.cpu());
        setDouble(ps, 9, r.memory());
        ps.setString(10, MetricsJson.write(r.metrics()));
        ps.setObject(11, at);
    }

    private static void bindAudit(PreparedStatement ps, String project, AuditRecord r, OffsetDateTime at)
            throws SQLException {
        ps.setString(1, project);
        ps.setString(2, r.recordId());
        ps.setString(3, r.auditId());
        ps.setString(4, r.target().kind());
        ps.setString(5, r.target().id());
        ps.setString(6, r.suite());
        ps.setString(7, r.status().name());
        ps.setObject(8, ts(r.time()));
        ps.setString(9, r.summary());
        ps.setObject(10, at);
    }

    private static void bindResult(PreparedStatement ps, String project, String recordId, int index,
                                   AuditRecord.ComplianceRecord c) throws SQLException {
        ps.setString(1, project);
        ps.setString(2, recordId);
        ps.setInt(3, index);
        ps.setString(4, c.controlId());
        ps.setString(5, c.status().name());
        ps.setString(6, c.severity().name());
        ps.setString(7, c.message());
    }

    private static void bindTask(PreparedStatement ps, String project, TaskHistoryRecord r, OffsetDateTime at)
            throws SQLException {
        ps.setString(1, project);
        ps.setString(2, r.recordId());
        ps.setString(3, r.taskId());
        ps.setString(4, r.name());
        ps.setString(5, r.target() == null ? null : r.target().kind());
        ps.setString(6, r.target() == null ? null : r.target().id());
        ps.setString(7, r.workflowRunId());
        ps.setString(8, r.status().name());
        ps.setObject(9, ts(r.startTime()));
        ps.setLong(10, r.executionTime().toNanos() / 1000);
        ps.setString(11, r.error());
        ps.setString(12, r.agent());
        ps.setObject(13, at);
    }

    private static void bindRun(PreparedStatement ps, String project, WorkflowRunHistoryRecord r, OffsetDateTime at)
            throws SQLException {
        ps.setString(1, project);
        ps.setString(2, r.recordId());
        ps.setString(3, r.runId());
        ps.setString(4, r.workflow());
        ps.setString(5, r.target() == null ? null : r.target().kind());
        ps.setString(6, r.target() == null ? null : r.target().id());
        ps.setString(7, r.status().name());
        ps.setObject(8, ts(r.startTime()));
        ps.setObject(9, ts(r.endTime()));
        ps.setString(10, r.trigger());
        ps.setString(11, r.error());
        ps.setObject(12, at);
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static String table(TelemetryRecord record) {
        if (record instanceof HealthSampleRecord) {
            return "health_sample";
        } else if (record instanceof AuditRecord) {
            return "audit";
        } else if (record instanceof TaskHistoryRecord) {
            return "task";
        }
        return "workflow_run";
    }

    @Override
    public List<StoredSample> listHealthSamples(ProjectId project, SampleQuery query) {
        StringBuilder jpql = new StringBuilder("SELECT s FROM HealthSampleEntity s WHERE s.projectId = :project");
        if (query.service() != null) {
            jpql.append(" AND s.service = :service");
        }
        if (query.start() != null) {
            jpql.append(" AND s.sampleTime >= :start");
        }
        if (query.end() != null) {
            jpql.append(" AND s.sampleTime < :end");
        }
        String cmp = query.oldestFirst() ? ">" : "<";
        if (query.after() != null) {
            jpql.append(" AND (s.sampleTime ").append(cmp).append(" :afterTime OR (s.sampleTime = :afterTime AND s.recordId ")
                    .append(cmp).append(" :afterId))");
        }
        String dir = query.oldestFirst() ? "ASC" : "DESC";
        // the columns fixed by the filter lead the order too (it does not change it): H2 then walks the
        // (project, [service,] time, id) index in order and stops after the page, instead of choosing the
        // primary key for the project and sorting all of its samples for every read (80-400 ms at 200k
        // samples, and each commit of an ingest batch empties its query cache)
        jpql.append(" ORDER BY s.projectId ").append(dir);
        if (query.service() != null) {
            jpql.append(", s.service ").append(dir);
        }
        jpql.append(", s.sampleTime ").append(dir).append(", s.recordId ").append(dir);
        EntityManager em = database.entityManagerFactory().createEntityManager();
        try {
            TypedQuery<HealthSampleEntity> q = em.createQuery(jpql.toString(), HealthSampleEntity.class)
                    .setParameter("project", project.value())
                    .setMaxResults(query.limit() + 1);
            if (query.service() != null) {
                q.setParameter("service", query.service());
            }
            if (query.start() != null) {
                q.setParameter("start", ts(query.start()));
            }
            if (query.end() != null) {
                q.setParameter("end", ts(query.end()));
            }
            if (query.after() != null) {
                q.setParameter("afterTime", ts(query.after().time())).setParameter("afterId", query.after().recordId());
            }
            List<StoredSample> samples = new ArrayList<>();
            for (HealthSampleEntity e : q.getResultList()) {
                samples.add(toStored(e));
            }
            return samples;
        } catch (PersistenceException e) {
            throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "could not read health samples: " + e.getMessage(), e);
        } finally {
            em.close();
        }
    }

    static StoredSample toStored(HealthSampleEntity e) {
        return new StoredSample(new HealthSampleRecord(e.getRecordId(), e.getService(), e.getSampleTime().toInstant(),
                e.getUptime(), e.getLatencyMs(), e.getErrorRate(), e.getCpu(), e.getMemory(),
                MetricsJson.read(e.getMetricsJson())), e.getReceivedAt().toInstant());
    }

    /** A prepared statement filled row by row and executed as one JDBC batch, if any row was added. */
    private static final class Batch implements AutoCloseable {
        private final Connection connection;
        private final String sql;
        private PreparedStatement statement;

        Batch(Connection connection, String sql) {
            this.connection = connection;
            this.sql = sql;
        }

        PreparedStatement next() throws SQLException {
            if (statement == null) {
                statement = connection.prepareStatement(sql);
            } else {
                statement.addBatch();
            }
            return statement;
        }

        void execute() throws SQLException {
            if (statement != null) {
                statement.addBatch();
                statement.executeBatch();
            }
        }

        @Override
        public void close() throws SQLException {
            if (statement != null) {
                statement.close();
            }
        }
    }
}
