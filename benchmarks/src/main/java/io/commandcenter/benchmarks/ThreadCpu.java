package io.commandcenter.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of every thread of this JVM, Java or not (collector, compiler), read from Linux's
 * {@code /proc/self/task/*}{@code /stat} (clock ticks of 10 ms): two snapshots give where a run's process
 * CPU went, grouped by thread name with digits folded ({@code GC Thread#0} and {@code #1} are one group).
 * Threads that ended between the snapshots are the remainder against the process's own CPU clock.
 * Also the bytes the Java threads allocated (those alive at both snapshots: the benchmark's own sender
 * threads, started and ended within a run, are left out).
 */
public record ThreadCpu(Map<String, Long> ticksByThread, Map<Long, Long> allocatedByThread) {
    private static final long NANOS_PER_TICK = 10_000_000L;

    public static ThreadCpu now() {
        Map<String, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String[] rest = stat.substring(close + 2).split(" ");
                    // fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name
                    long used = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
                    ticks.put(task.getFileName() + " " + stat.substring(open + 1, close), used);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            ticks = Map.of();
        }
        return new ThreadCpu(ticks, allocated());
    }

    private static Map<Long, Long> allocated() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                out.put(ids[i], bytes[i]);
            }
        }
        return out;
    }

    /** µs a row per thread group since {@code before}, largest first, with what ended threads used. */
    public String since(ThreadCpu before, long processNanos, long rows) {
        return since(before, processNanos, rows, "row");
    }

    /** As {@link #since(ThreadCpu, long, long)}, per {@code unit} ("call") instead of per row. */
    public String since(ThreadCpu before, long processNanos, long rows, String unit) {
        Map<String, Long> groups = new HashMap<>();
        long sum = 0;
        for (var e : ticksByThread.entrySet()) {
            long used = (e.getValue() - before.ticksByThread.getOrDefault(e.getKey(), 0L)) * NANOS_PER_TICK;
            String name = e.getKey().substring(e.getKey().indexOf(' ') + 1).replaceAll("[0-9]+", "N");
            groups.merge(name, used, Long::sum);
            sum += used;
        }
        groups.put("(ended threads)", Math.max(0, processNanos - sum));
        Map<String, Long> sorted = groups.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        long allocated = 0;
        for (var e : allocatedByThread.entrySet()) {
            Long start = before.allocatedByThread.get(e.getKey());
            if (start != null) {
                allocated += e.getValue() - start;
            }
        }
        return sorted.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(),
                e.getValue() / 1e3 / rows)).collect(Collectors.joining(", "))
                + String.format(Locale.ROOT, "; allocated %,d bytes a %s", allocated / rows, unit);
    }
}
