package io.commandcenter.benchmarks;

import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.events.grpc.EventGrpcService;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.grpc.TelemetryProtoMapper;
import io.commandcenter.proto.v1.SubscribeResponse;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the hub spends on one stored health sample for one gRPC subscriber, without the transport: the
 * event's payload rendered (once per event, shared by subscribers) and the {@code SubscribeResponse}
 * built and serialised, on one thread. Reports the thread's CPU time per event (median of rounds):
 * CPU time, not wall time, so other work on a shared machine moves it little. Run it against two builds
 * of the hub on the classpath to compare them.
 *
 * <pre>java -cp "benchmarks/target/classes:benchmarks/target/deps/*" io.commandcenter.benchmarks.EventPayloadBenchmark --events 200000 --rounds 7</pre>
 */
public final class EventPayloadBenchmark {
    public static void main(String[] args) {
        int events = Integer.parseInt(IngestBenchmark.option(args, "--events", "200000"));
        int rounds = Integer.parseInt(IngestBenchmark.option(args, "--rounds", "7"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Instant t0 = Instant.parse("2026-12-06T12:00:00Z");
        List<HealthSampleRecord> records = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            records.add(new HealthSampleRecord("r-" + i, "svc-" + (i % 20), t0.plusMillis(i), 1.0, 20.0 + i % 97,
                    (i % 13) / 1000.0, (i % 80) / 100.0, (i % 60) / 100.0,
                    Map.of("queue_depth", (double) (i % 31), "gc_pause_ms", (i % 7) * 1.5)));
        }
        ProjectId project = ProjectId.of("bench");
        TraceContext trace = TraceContext.newRoot(new java.util.Random(1));
        long[] perEvent = new long[rounds];
        long bytes = 0;
        for (int r = -2; r < rounds; r++) { // two rounds warm the JIT
            long cpu = threads.getCurrentThreadCpuTime();
            long size = 0;
            for (int i = 0; i < events; i++) {
                HealthSampleRecord record = records.get(i);
                Event event = new Event("hub-" + i, record.subject(), project, "hub", record.time(), trace,
                        TelemetryProtoMapper.payload(record));
                size += SubscribeResponse.newBuilder().setEvent(EventGrpcService.toProto(event)).build().toByteArray().length;
            }
            if (r >= 0) {
                perEvent[r] = (threads.getCurrentThreadCpuTime() - cpu) / events;
                bytes = size / events;
            }
        }
        long[] sorted = perEvent.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%,d events x %d rounds: payload + SubscribeResponse, CPU %.2f µs an event"
                        + " (median; rounds %s), %d bytes an event%n", events, rounds, sorted[rounds / 2] / 1e3,
                Arrays.toString(Arrays.stream(perEvent).mapToObj(n -> String.format(Locale.ROOT, "%.2f", n / 1e3)).toArray()),
                bytes);
    }

    private EventPayloadBenchmark() {
    }
}
