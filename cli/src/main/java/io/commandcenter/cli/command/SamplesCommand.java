package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import com.google.protobuf.Timestamp;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.HealthSample;
import io.commandcenter.proto.v1.ListHealthSamplesRequest;
import io.commandcenter.proto.v1.ListHealthSamplesResponse;
import io.commandcenter.proto.v1.TelemetryServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** {@code cc samples}: read health samples back. */
@Command(name = "samples", description = "Health samples.", subcommands = SamplesCommand.ListCommand.class)
public final class SamplesCommand {
    @ParentCommand
    Cc cc;

    /** {@code cc samples list}. */
    @Command(name = "list", description = "List health samples, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        SamplesCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--service", description = "Only this service.")
        String service;
        @Option(names = "--since", description = "Only samples at or after: ISO-8601 or a span back from now (15m, 2h, 7d).")
        String since;
        @Option(names = "--until", description = "Only samples before: ISO-8601 or a span back from now.")
        String until;
        @Option(names = "--limit", defaultValue = "20", description = "How many samples (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--oldest-first", description = "Oldest first.")
        boolean oldestFirst;
        @Option(names = "--json", description = "Print one JSON object per sample (protobuf JSON mapping).")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            Clock clock = Clock.systemUTC();
            ListHealthSamplesRequest.Builder request = ListHealthSamplesRequest.newBuilder().setOldestFirst(oldestFirst);
            if (service != null) {
                request.setService(service);
            }
            if (since != null) {
                request.setStartTime(ts(time(since, clock, "--since")));
            }
            if (until != null) {
                request.setEndTime(ts(time(until, clock, "--until")));
            }
            List<HealthSample> samples = new ArrayList<>();
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(TelemetryServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                do {
                    ListHealthSamplesResponse page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listHealthSamples(
                            request.setPageSize(Math.min(1000, limit - samples.size())).setPageToken(token).build());
                    samples.addAll(page.getSamplesList());
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && samples.size() < limit);
            }
            if (json) {
                samples.forEach(s -> out.println(ProtoJson.print(s)));
            } else {
                print(out, samples);
            }
            return 0;
        }

        static void print(PrintWriter out, List<HealthSample> samples) {
            if (samples.isEmpty()) {
                out.println("no samples");
                return;
            }
            out.printf("%-27s %-20s %10s %10s %8s %6s %6s  %s%n", "TIME", "SERVICE", "LATENCY_MS", "ERROR_RATE",
                    "UPTIME", "CPU", "MEMORY", "METRICS");
            for (HealthSample s : samples) {
                out.printf("%-27s %-20s %10s %10s %8s %6s %6s  %s%n",
                        Instant.ofEpochSecond(s.getTime().getSeconds(), s.getTime().getNanos()),
                        s.getService(),
                        s.hasLatencyMs() ? fmt(s.getLatencyMs()) : "-",
                        s.hasErrorRate() ? fmt(s.getErrorRate()) : "-",
                        s.hasUptime() ? fmt(s.getUptime()) : "-",
                        s.hasCpu() ? fmt(s.getCpu()) : "-",
                        s.hasMemory() ? fmt(s.getMemory()) : "-",
                        s.getMetricsMap().entrySet().stream().sorted(Map.Entry.comparingByKey())
                                .map(e -> e.getKey() + "=" + fmt(e.getValue())).collect(Collectors.joining(" ")));
            }
        }
    }

    static String fmt(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e12) {
            return Long.toString((long) value);
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", value)).stripTrailingZeros().toPlainString();
    }

    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    /** An ISO-8601 instant, or a span back from now. */
    static Instant time(String text, Clock clock, String option) {
        Matcher m = AGO.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration span = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(span);
        }
        try {
            return Instant.parse(text.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be ISO-8601 (2026-11-24T10:00:00Z) or a span back "
                    + "from now (90s, 15m, 2h, 7d); got '" + text + "'");
        }
    }

    static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
