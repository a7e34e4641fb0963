package io.commandcenter.hub.learning;

import io.commandcenter.hub.learning.sql.JpaShadowGates;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.ShadowScoring.WouldBe;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.testing.Databases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Would-be predictions written off the scoring thread (PostgreSQL, its table locked by another session as a slow
 * database would hold it): handing rows over never waits on the database, they arrive once it is back, close
 * writes what is queued, and rows past the queue are dropped and counted.
 */
class ShadowWritesTest {
    static final ProjectId SHOP = ProjectId.of("shop");
    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    static List<WouldBe> rows(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> new WouldBe(new EntityKey(SHOP, "service", "s" + i),
                "service_health", "2.2.1", 0.9, 0.5, T0)).toList();
    }

    static int stored(JpaShadowGates store) {
        return store.wouldBe(SHOP, "service_health", "2.2.1", T0, T0).size();
    }

    /** Another session holding the table: every write to it waits until {@link Connection#rollback}. */
    static Connection lockTable(DatabaseSettings settings) throws Exception {
        Connection c = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE shadow_prediction IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    @Test
    void whileTheDatabaseIsBlocked_handingRowsOverDoesNotWait_andTheyArriveOnceItIsBack(@TempDir Path dir)
            throws Exception {
        DatabaseSettings settings = Databases.postgres(dir);
        Database db = Database.open(settings);
        ShadowWrites writes = null;
        try {
            JpaShadowGates store = new JpaShadowGates(db);
            writes = new ShadowWrites(store, 100, Duration.ofSeconds(30));
            ShadowWrites w = writes;
            try (Connection lock = lockTable(settings)) {
                // before: the sink wrote on the scoring thread, which waited here for the lock
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    for (int i = 0; i < 10; i++) {
                        w.accept(rows(i * 3, 3));
                    }
                });
                assertThat(w.pending()).as("nothing stored while the table is held").isEqualTo(30);
                assertThat(w.written()).isZero();
                lock.rollback();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> w.written() == 30);
            assertThat(stored(store)).isEqualTo(30);
            assertThat(w.dropped()).isZero();
        } finally {
            if (writes != null) {
                writes.close();
            }
            db.close();
        }
    }

    @Test
    void close_writesWhatIsQueued_andRowsPastTheQueueAreDroppedAndCounted(@TempDir Path dir) throws Exception {
        DatabaseSettings settings = Databases.postgres(dir);
        Database db = Database.open(settings);
        try {
            JpaShadowGates store = new JpaShadowGates(db);
            ShadowWrites writes = new ShadowWrites(store, 4, Duration.ofSeconds(30));
            Connection lock = lockTable(settings);
            writes.accept(rows(0, 6)); // the queue takes 4 (the writer starts after), 2 are dropped
            assertThat(writes.dropped()).isEqualTo(2);
            Thread unlock = new Thread(() -> {
                try {
                    // the table is given back only once close waits for the writer, blocked on it with its batch
                    await().atMost(Duration.ofSeconds(30)).until(writes::closed);
                    assertThat(writes.written()).isZero();
                    lock.rollback();
                    lock.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            unlock.start();
            writes.close();
            unlock.join();
            assertThat(stored(store)).as("close wrote every queued row").isEqualTo(4);
            assertThat(writes.written()).isEqualTo(4);
            writes.accept(rows(20, 1));
            assertThat(writes.dropped()).as("after close, rows are dropped and counted").isEqualTo(3);
        } finally {
            db.close();
        }
    }

    /**
     * A row the database refuses for what it holds (a model name longer than its 64-character column) is dropped and
     * counted, and the rows of its batch and after it are stored. On the old writer the batch was tried again every
     * second for ever: nothing was written, and the await fails.
     */
    @Test
    void aRowTheDatabaseRefuses_isDroppedAndCounted_andTheOthersAreStored(@TempDir Path dir) {
        Database db = Database.open(Databases.postgres(dir));
        ShadowWrites writes = null;
        try {
            JpaShadowGates store = new JpaShadowGates(db);
            writes = new ShadowWrites(store, 100, Duration.ofSeconds(30));
            ShadowWrites w = writes;
            WouldBe tooLong = new WouldBe(new EntityKey(SHOP, "service", "bad"), "m".repeat(65), "2.2.1", 0.9, 0.5, T0);
            List<WouldBe> batch = new java.util.ArrayList<>(rows(0, 10));
            batch.add(5, tooLong);
            w.accept(batch);
            w.accept(rows(10, 20));
            await().atMost(Duration.ofSeconds(30)).until(() -> w.written() == 30 && w.dropped() == 1);
            assertThat(stored(store)).isEqualTo(30);
            assertThat(w.pending()).isZero();
        } finally {
            if (writes != null) {
                writes.close();
            }
            db.close();
        }
    }
}
