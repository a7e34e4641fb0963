package io.commandcenter.hub.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.testing.Databases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    @TempDir
    Path dir;
    private Database database;
    private Jpa jpa;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @BeforeEach
    void open() {
        database = Database.open(Databases.h2(dir));
        jpa = new Jpa(database.entityManagerFactory());
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        database.close();
    }

    private static int insert(jakarta.persistence.EntityManager em, String scope) {
        return em.createNativeQuery("INSERT INTO autonomy (scope, paused, changed_at, changed_by, reason) "
                + "VALUES (?, FALSE, CURRENT_TIMESTAMP, 'test', '')").setParameter(1, scope).executeUpdate();
    }

    private long rows() {
        return jpa.read(em -> ((Number) em.createNativeQuery("SELECT COUNT(*) FROM autonomy").getSingleResult()).longValue());
    }

    @Test
    void worksQueuedBehindACommit_shareTheNextTransaction_andEachCallerGetsItsOwnResult() throws Exception {
        GroupCommit group = new GroupCommit(jpa, 16);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> first = pool.submit(() -> group.write(em -> {
            inside.countDown();
            await().until(() -> release.getCount() == 0);
            return insert(em, "first");
        }));
        inside.await();
        List<Future<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String scope = "queued-" + i;
            queued.add(pool.submit(() -> group.write(em -> insert(em, scope) * 10)));
        }
        await().until(() -> group.queued() == 5);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        for (Future<Integer> f : queued) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(10);
        }
        assertThat(group.transactions()).isEqualTo(2);
        assertThat(rows()).isEqualTo(6);
    }

    @Test
    void whenOneWorkOfABatchFails_onlyItsCallerSeesTheError_andTheOthersAreCommitted() throws Exception {
        GroupCommit group = new GroupCommit(jpa, 16);
        group.write(em -> insert(em, "taken"));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> first = pool.submit(() -> group.write(em -> {
            inside.countDown();
            await().until(() -> release.getCount() == 0);
            return insert(em, "first");
        }));
        inside.await();
        Future<Integer> a = pool.submit(() -> group.write(em -> insert(em, "a")));
        Future<Integer> duplicate = pool.submit(() -> group.write(em -> insert(em, "taken")));
        Future<Integer> b = pool.submit(() -> group.write(em -> insert(em, "b")));
        await().until(() -> group.queued() == 3);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        try {
            duplicate.get(10, TimeUnit.SECONDS);
            org.junit.jupiter.api.Assertions.fail("the duplicate key was accepted");
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CommandCenterException.class);
            assertThat(Jpa.isUniqueViolation(e.getCause())).isTrue();
        }
        // taken, first, then the shared try of three, then each of the three alone
        assertThat(group.transactions()).isEqualTo(1 + 1 + 1 + 3);
        assertThat(rows()).isEqualTo(4);
    }

    @Test
    void manyConcurrentWriters_everyWriteCommittedExactlyOnce() throws Exception {
        GroupCommit group = new GroupCommit(jpa, 64);
        List<Future<Integer>> all = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            all.add(pool.submit(() -> {
                int sum = 0;
                for (int i = 0; i < 100; i++) {
                    String scope = "w" + thread + "-" + i;
                    sum += group.write(em -> insert(em, scope));
                }
                return sum;
            }));
        }
        for (Future<Integer> f : all) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(100);
        }
        assertThat(rows()).isEqualTo(800);
    }
}
