package io.commandcenter.benchmarks.remediate;

import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.sql.JpaAuditLedger;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.persistence.DatabaseSettings;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.NodeRecord;
import io.commandcenter.hub.remediate.RunMode;
import io.commandcenter.hub.remediate.RunRecord;
import io.commandcenter.hub.remediate.RunState;
import io.commandcenter.hub.remediate.RunStore;
import io.commandcenter.hub.remediate.sql.JpaRemediationStore;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable create alone, as the run journal's writer does it on the embedded H2 file database
 * (written through: {@code WRITE_DELAY=0}): a store write of new two-node runs with their
 * {@code RUN_DECIDED} records chained in the same transaction, one run a write (the paced path: a
 * lone decision) and 30 a write (a burst's batch). Prints wall-clock p50/p99 of a write and the
 * writing thread's CPU time a run, which a busy machine disturbs less than the wall clock. Uses only
 * the store's and ledger's public API, so the same class measures any build of them:
 * {@code java -cp "$BJ" io.commandcenter.benchmarks.remediate.RunCreateBenchmark [lone-writes] [batches]
 * [pause-ms]}; a pause between the lone writes measures them as a paced hub makes them (one every 50 ms at
 * 20/s), with cold caches, rather than back to back.
 */
public final class RunCreateBenchmark {
    private static final ProjectId P = ProjectId.of("bench");

    private RunCreateBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int lone = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        // a pause between lone writes, as a paced hub's creates come (20/s: 50 ms): caches go cold between them
        long pause = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(args.length > 2 ? Long.parseLong(args[2]) : 0);
        Path dir = Files.createTempDirectory("run-create-bench");
        Database database = Database.open(DatabaseSettings.embedded(dir));
        try {
            JpaAuditLedger ledger = new JpaAuditLedger(database);
            JpaRemediationStore store = new JpaRemediationStore(database, ledger);
            measure(store, Math.max(200, lone / 2), 1, 0); // warm-up
            measure(store, Math.max(10, batches / 2), 30, 0);
            Result one = measure(store, lone, 1, pause);
            Result thirty = measure(store, batches, 30, 0);
            System.out.printf("lone create (1 run a write, %d ms apart): %d writes, p50 %.2f ms, p99 %.2f ms, CPU %.0f us a"
                    + " run%n", pause / 1_000_000, lone, one.p50(), one.p99(), one.cpuPerRun());
            System.out.printf("batched creates (30 runs a write): %d writes, p50 %.2f ms, p99 %.2f ms, CPU %.0f us a run,"
                    + " %.0f runs/s%n", batches, thirty.p50(), thirty.p99(), thirty.cpuPerRun(), thirty.runsPerSecond());
            System.out.printf("ledger verifies: %s%n", ledger.verify(List.of()).intact());
        } finally {
            database.close();
        }
    }

    private record Result(double p50, double p99, double cpuPerRun, double runsPerSecond) {
    }

    private static Result measure(JpaRemediationStore store, int writes, int runsPerWrite, long pauseNanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] wall = new long[writes];
        long cpu0 = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int w = 0; w < writes; w++) {
            List<RunStore.NewRun> creates = new ArrayList<>(runsPerWrite);
            for (int r = 0; r < runsPerWrite; r++) {
                creates.add(newRun());
            }
            long t0 = System.nanoTime();
            List<Boolean> stored = store.write(creates, List.of(), Map.of());
            wall[w] = System.nanoTime() - t0;
            if (stored.contains(false)) {
                throw new IllegalStateException("a new key was refused");
            }
            if (pauseNanos > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos); // parked: no CPU counted
            }
        }
        long elapsed = System.nanoTime() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        Arrays.sort(wall);
        int runs = writes * runsPerWrite;
        return new Result(wall[writes / 2] / 1e6, wall[Math.min(writes - 1, (int) Math.ceil(writes * 0.99) - 1)] / 1e6,
                cpu / 1e3 / runs, runs / (elapsed / 1e9));
    }

    private static RunStore.NewRun newRun() {
        String id = "run-" + UUID.randomUUID();
        Instant now = Instant.now();
        RunRecord run = new RunRecord(id, P, "auto-restart", 1, RunState.RUNNING, RunMode.AUTOMATIC,
                "prediction.created.risk", "e-" + id, "pred-" + id, "service", "svc-" + id, "auto-restart:e-" + id,
                null, "hub-1", "", null, now, now, null, now.plusSeconds(1800),
                List.of(NodeRecord.pending("restart_service", 0, "devops", "restart", false),
                        NodeRecord.pending("notify", 1, "notifier", "sendSlack", false)));
        AuditRecord decided = AuditRecord.of(now, P.value(), "engine", AuditAction.RUN_DECIDED, "run:" + id,
                AuditRecord.detail("decision", "automatic", "workflow", "auto-restart"), "hub-1");
        return new RunStore.NewRun(run, Optional.empty(), Optional.empty(), decided);
    }
}
