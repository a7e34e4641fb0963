package io.commandcenter.hub.testing;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.SampleQuery;
import io.commandcenter.hub.telemetry.StoredSample;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.hub.telemetry.TelemetryStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A telemetry store in memory for adapter tests, with two controls a real database cannot give
 * deterministically: {@link #block()} holds writers until {@link #release()}, and
 * {@link #failNextWrites(int)} makes writes fail as an unreachable database would.
 */
public final class MemoryTelemetryStore implements TelemetryStore {
    private final Map<String, TelemetryRecord> records = new LinkedHashMap<>();
    private final Map<String, Instant> received = new LinkedHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile CountDownLatch gate;
    private volatile CountDownLatch blockedWriter = new CountDownLatch(1);
    private volatile int lastBatchSize;

    @Override
    public List<Outcome> write(List<Scoped> batch, Instant receivedAt) {
        CountDownLatch g = gate;
        if (g != null) {
            lastBatchSize = batch.size();
            blockedWriter.countDown();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "interrupted", e);
            }
        }
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw CommandCenterException.unavailable("STORE_UNAVAILABLE", "could not store telemetry: database down", null);
        }
        writes.incrementAndGet();
        List<Outcome> outcomes = new ArrayList<>();
        synchronized (this) {
            for (Scoped s : batch) {
                String key = key(s.project(), s.record());
                if (records.containsKey(key)) {
                    outcomes.add(Outcome.DUPLICATE);
                } else {
                    records.put(key, s.record());
                    received.put(key, receivedAt);
                    outcomes.add(Outcome.STORED);
                }
            }
        }
        return outcomes;
    }

    @Override
    public synchronized List<StoredSample> listHealthSamples(ProjectId project, SampleQuery query) {
        Comparator<StoredSample> order = Comparator.comparing((StoredSample s) -> s.sample().time())
                .thenComparing(s -> s.sample().recordId());
        if (!query.oldestFirst()) {
            order = order.reversed();
        }
        return records.entrySet().stream()
                .filter(e -> e.getKey().startsWith(project.value() + "/"))
                .filter(e -> e.getValue() instanceof HealthSampleRecord)
                .map(e -> new StoredSample((HealthSampleRecord) e.getValue(), received.get(e.getKey())))
                .filter(s -> query.service() == null || s.sample().service().equals(query.service()))
                .filter(s -> query.start() == null || !s.sample().time().isBefore(query.start()))
                .filter(s -> query.end() == null || s.sample().time().isBefore(query.end()))
                .filter(s -> query.after() == null || after(s, query))
                .sorted(order)
                .limit(query.limit() + 1L)
                .toList();
    }

    private static boolean after(StoredSample s, SampleQuery q) {
        int c = s.sample().time().compareTo(q.after().time());
        if (c == 0) {
            c = s.sample().recordId().compareTo(q.after().recordId());
        }
        return q.oldestFirst() ? c > 0 : c < 0;
    }

    private static String key(ProjectId project, TelemetryRecord record) {
        return project.value() + "/" + record.getClass().getSimpleName() + "/" + record.recordId();
    }

    /** Every record stored in a project. */
    public synchronized List<TelemetryRecord> stored(ProjectId project) {
        return records.entrySet().stream().filter(e -> e.getKey().startsWith(project.value() + "/"))
                .map(Map.Entry::getValue).toList();
    }

    /** Writers wait from now on until {@link #release()}. */
    public void block() {
        blockedWriter = new CountDownLatch(1);
        gate = new CountDownLatch(1);
    }

    /** Waits until a writer is held by {@link #block()}; returns the size of the batch it holds. */
    public int awaitBlockedWriter() throws InterruptedException {
        blockedWriter.await();
        return lastBatchSize;
    }

    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** The next {@code n} writes fail with UNAVAILABLE. */
    public void failNextWrites(int n) {
        failures.set(n);
    }

    /** Successful writes so far. */
    public int writeCount() {
        return writes.get();
    }
}
