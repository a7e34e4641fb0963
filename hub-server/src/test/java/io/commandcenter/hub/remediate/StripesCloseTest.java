package io.commandcenter.hub.remediate;

import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the remediation lanes while one is inside an H2 write: the lane is never interrupted (H2 answers
 * an interrupt inside a file operation by closing its database and writing a trace file); close waits its
 * bound, then returns and leaves the lane to end on its own.
 */
class StripesCloseTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void closingTheLanes_whileOneWritesToH2_neverInterruptsIt_andReturnsAfterItsBound() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("lanes") + ";MODE=LEGACY";
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200))");
        }
        Stripes stripes = new Stripes(2, "test-lane-", Duration.ofMillis(200));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>(false);
        String key = Stripes.key(ProjectId.of("p"), "service", "s1");
        // held inside the database, committing row after row, until the test releases it after close returned
        stripes.run(key, () -> {
            try (Connection c = DriverManager.getConnection(url);
                 PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
                do {
                    insert.setInt(1, writes.get());
                    insert.setString(2, "row " + writes.get());
                    insert.executeUpdate();
                    writes.incrementAndGet();
                    interrupted.set(interrupted.get() | Thread.currentThread().isInterrupted());
                    entered.countDown();
                } while (release.getCount() > 0);
            } catch (SQLException | RuntimeException e) {
                failure.set(e);
            } finally {
                interrupted.set(interrupted.get() | Thread.currentThread().isInterrupted());
                ended.countDown();
            }
        });
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        stripes.close();
        assertThat(ended.getCount()).as("close returned after its bound, the lane still writing").isEqualTo(1);
        int atClose = writes.get();
        release.countDown();

        assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).as("no write failed under the lane").isNull();
        assertThat(interrupted.get()).as("nothing interrupted the lane").isFalse();
        assertThat(writes.get()).isGreaterThanOrEqualTo(atClose);
        // the database holds every row the lane committed, and H2 wrote no trace file (its errors go there)
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rows = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(writes.get());
        }
        assertThat(dir.resolve("lanes.trace.db")).doesNotExist();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void closingTheLanes_runsTheWorkAlreadyQueued_andRefusesNewWork() throws Exception {
        Stripes stripes = new Stripes(1, "test-lane-", Duration.ofSeconds(30));
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        String key = Stripes.key(ProjectId.of("p"), "service", "s1");
        stripes.run(key, () -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        });
        stripes.run(key, ran::incrementAndGet);
        Thread closer = new Thread(stripes::close);
        closer.start();
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
            Thread.onSpinWait();
        }
        stripes.run(key, ran::incrementAndGet); // after close began: dropped
        hold.countDown();
        closer.join();
        assertThat(ran.get()).as("the held work and the one queued before close ran; the later one did not")
                .isEqualTo(2);
    }
}
