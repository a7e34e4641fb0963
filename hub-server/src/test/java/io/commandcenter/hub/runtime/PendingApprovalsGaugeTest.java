package io.commandcenter.hub.runtime;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.metrics.MetricRegistry;
import io.commandcenter.hub.project.ProjectId;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pending approvals are counted off the scrape path: a scrape reports the last counts and never asks the store. */
class PendingApprovalsGaugeTest {
    static final ProjectId A = ProjectId.of("a");
    static final ProjectId B = ProjectId.of("b");

    final MetricRegistry registry = new MetricRegistry();
    final AtomicInteger asked = new AtomicInteger();
    final AtomicReference<ToLongFunction<ProjectId>> store = new AtomicReference<>(p -> p.equals(A) ? 3 : 0);
    final PendingApprovalsGauge gauge = new PendingApprovalsGauge(() -> Set.of(A, B), p -> {
        asked.incrementAndGet();
        return store.get().applyAsLong(p);
    }).register(registry);

    @Test
    void aScrape_reportsTheLastCounts_withoutAskingTheStore() {
        gauge.refresh();
        int before = asked.get();

        String text = registry.scrape();

        assertThat(text).contains("cc_remediation_approvals_pending{project=\"a\"} 3")
                .contains("cc_remediation_approvals_pending{project=\"b\"} 0")
                .contains("cluster-wide");
        assertThat(asked).hasValue(before);
    }

    @Test
    void aCountThatFails_keepsTheLastValue() {
        gauge.refresh();
        store.set(p -> {
            throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "database read failed", null);
        });

        gauge.refresh();

        assertThat(registry.scrape()).contains("cc_remediation_approvals_pending{project=\"a\"} 3");
        store.set(p -> p.equals(A) ? 5 : 1);
        gauge.refresh();
        assertThat(registry.scrape()).contains("cc_remediation_approvals_pending{project=\"a\"} 5")
                .contains("cc_remediation_approvals_pending{project=\"b\"} 1");
    }

    @Test
    void whileACountIsStuckInTheStore_aScrapeStillAnswers_withTheLastValue() throws Exception {
        gauge.refresh();
        CountDownLatch inStore = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        store.set(p -> {
            inStore.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 9;
        });
        CompletableFuture<Void> stuck = CompletableFuture.runAsync(gauge::refresh);
        try {
            assertThat(inStore.await(30, TimeUnit.SECONDS)).isTrue();
            // the scrape runs beside the stuck count: were it to ask the store, it would wait for the release
            String text = CompletableFuture.supplyAsync(registry::scrape).get(30, TimeUnit.SECONDS);
            assertThat(text).contains("cc_remediation_approvals_pending{project=\"a\"} 3");
        } finally {
            release.countDown();
        }
        stuck.get(30, TimeUnit.SECONDS);
        assertThat(registry.scrape()).contains("cc_remediation_approvals_pending{project=\"a\"} 9");
    }

    @Test
    void started_countsAtOnce_onItsOwnThread() {
        // a period of an hour: only a count made at once can show within the test
        try (PendingApprovalsGauge started = gauge.start(Clock.systemUTC(), java.time.Duration.ofHours(1))) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> registry.scrape()
                    .contains("cc_remediation_approvals_pending{project=\"a\"} 3"));
            assertThat(started).isSameAs(gauge);
        }
    }
}
