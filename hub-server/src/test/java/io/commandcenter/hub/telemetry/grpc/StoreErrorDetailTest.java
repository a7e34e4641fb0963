package io.commandcenter.hub.telemetry.grpc;

import com.google.rpc.ErrorInfo;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.telemetry.sql.SqlTelemetryStore;
import io.commandcenter.hub.testing.Databases;
import io.commandcenter.hub.testing.GrpcFixture;
import io.commandcenter.hub.testing.Ingest;
import io.commandcenter.hub.testing.LogCapture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.h2.api.Trigger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database failure's text (statements, tables, hosts) stays in the hub's log: clients, of any project
 * whose records shared the failed batch, get a generic STORE_UNAVAILABLE naming an error id, and the log
 * line with the driver's message carries the same id. The failure is real: an H2 trigger on the sample
 * table throws the SQLException a driver would.
 */
class StoreErrorDetailTest {
    /** Fails every insert into the table it is attached to, as a lost connection would. */
    public static final class Unreachable implements Trigger {
        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            throw new SQLException("Connection to secret-host.internal:5432 refused (table health_sample)");
        }
    }

    @TempDir
    Path dir;
    Database database;
    GrpcFixture grpc;
    LogCapture log;

    @BeforeEach
    void open() throws SQLException {
        database = Database.open(Databases.h2(dir));
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER unreachable BEFORE INSERT ON health_sample FOR EACH ROW CALL \""
                    + Unreachable.class.getName() + "\"");
            c.commit();
        }
        log = LogCapture.start();
        grpc = new GrpcFixture(new SqlTelemetryStore(database, TelemetryGrpcServiceTest.CLOCK),
                TelemetryGrpcServiceTest.CLOCK);
    }

    @AfterEach
    void close() throws InterruptedException {
        log.close();
        grpc.close();
        database.close();
    }

    @Test
    void aDatabaseFailure_answersAGenericStoreUnavailable_andLogsTheDetailUnderTheSameErrorId() {
        StatusRuntimeException e = Ingest.failure(Ingest.call(grpc.telemetryAsync("alpha"),
                TelemetryGrpcServiceTest.samples(3, "api")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).doesNotContain("secret-host").doesNotContainIgnoringCase("health_sample");
        ErrorInfo info = TelemetryGrpcServiceTest.detail(e, ErrorInfo.class);
        assertThat(info.toString()).doesNotContain("secret-host");
        assertThat(info.getReason()).isEqualTo("STORE_UNAVAILABLE");
        String errorId = info.getMetadataOrThrow("error_id");
        assertThat(e.getStatus().getDescription()).contains(errorId);
        assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains(errorId).contains("secret-host"));
    }
}
