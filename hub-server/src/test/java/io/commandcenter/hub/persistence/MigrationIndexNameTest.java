package io.commandcenter.hub.persistence;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.testing.Databases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guide section 8.1, known limit: V9 builds {@code ix_model_run_target} with a plain CREATE INDEX, so
 * an operator who built it first by hand ({@code CONCURRENTLY}, under the same name) makes the upgrade
 * fail on PostgreSQL, with nothing of V9 kept; once that index is dropped, the upgrade goes through.
 * V15 instead accepts its indexes built beforehand ({@code IF NOT EXISTS}) and drops V2's and V9's; V16 (retention's
 * indexes) accepts them too.
 */
class MigrationIndexNameTest {

    @Test
    void anIndexBuiltByHandUnderV9sName_failsTheUpgrade_untilItIsDropped(@TempDir Path dir) throws Exception {
        DatabaseSettings settings = Databases.postgres(dir);
        migrateTo(settings, "8");
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE INDEX CONCURRENTLY ix_model_run_target ON model_run (project_id, target_id, executed_at)");
        }

        assertThatThrownBy(() -> Database.open(settings).close())
                .isInstanceOfSatisfying(CommandCenterException.class,
                        e -> assertThat(e.getMessage()).contains("ix_model_run_target").contains("already exists"));
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'feedback_label'")) {
                r.next();
                assertThat(r.getInt(1)).as("nothing of V9 kept").isZero();
            }
            s.execute("DROP INDEX CONCURRENTLY ix_model_run_target");
        }

        try (Database upgraded = Database.open(settings)) {
            assertThat(upgraded.schemaVersion()).isEqualTo("16");
        }
    }

    @Test
    void v15sIndexesBuiltByHandConcurrently_areKept_andTheUpgradeDropsTheOldOnes(@TempDir Path dir) throws Exception {
        DatabaseSettings settings = Databases.postgres(dir);
        migrateTo(settings, "14");
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement s = c.createStatement()) {
            // guide 8.1: built beforehand, without blocking writes, under V15's names
            s.execute("CREATE INDEX CONCURRENTLY ix_prediction_action_outcome ON prediction_action "
                    + "(outcome, decided_at, action_id)");
            s.execute("CREATE INDEX CONCURRENTLY ix_approval_expiry ON approval (state, expires_at)");
            s.execute("CREATE INDEX CONCURRENTLY ix_model_run_page ON model_run (project_id, executed_at, run_id)");
            s.execute("CREATE INDEX CONCURRENTLY ix_model_run_target_page ON model_run "
                    + "(project_id, target_id, executed_at, run_id)");
        }

        try (Database upgraded = Database.open(settings)) {
            assertThat(upgraded.schemaVersion()).isEqualTo("16");
        }
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_model_run%' "
                     + "OR indexname IN ('ix_prediction_action_outcome', 'ix_approval_expiry') ORDER BY indexname")) {
            java.util.List<String> names = new java.util.ArrayList<>();
            while (r.next()) {
                names.add(r.getString(1));
            }
            assertThat(names).containsExactly("ix_approval_expiry", "ix_model_run_page", "ix_model_run_target_page",
                    "ix_prediction_action_outcome");
        }
    }

    @Test
    void v16sIndexesBuiltByHandConcurrently_areKept(@TempDir Path dir) throws Exception {
        DatabaseSettings settings = Databases.postgres(dir);
        migrateTo(settings, "15");
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement s = c.createStatement()) {
            // guide 8.2: built beforehand, without blocking writes, under V16's names
            s.execute("CREATE INDEX CONCURRENTLY ix_audit_time ON audit (project_id, audit_time, record_id)");
            s.execute("CREATE INDEX CONCURRENTLY ix_prediction_model_run ON prediction (model_run_id)");
        }

        try (Database upgraded = Database.open(settings)) {
            assertThat(upgraded.schemaVersion()).isEqualTo("16");
        }
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT indexname FROM pg_indexes WHERE indexname IN ('ix_audit_time',"
                     + " 'ix_task_time', 'ix_workflow_run_time', 'ix_prediction_model_run', 'ix_feedback_label_prediction',"
                     + " 'ix_feedback_label_target', 'ix_approval_run') ORDER BY indexname")) {
            java.util.List<String> names = new java.util.ArrayList<>();
            while (r.next()) {
                names.add(r.getString(1));
            }
            assertThat(names).containsExactly("ix_approval_run", "ix_audit_time", "ix_feedback_label_prediction",
                    "ix_feedback_label_target", "ix_prediction_model_run", "ix_task_time", "ix_workflow_run_time");
        }
    }

    /** The database as the hub's migrations leave it at {@code version}. */
    private void migrateTo(DatabaseSettings settings, String version) {
        Flyway.configure(getClass().getClassLoader())
                .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                .locations("classpath:db/migration").target(version).load().migrate();
    }
}
