package io.commandcenter.cli.command;

import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.proto.v1.GetStatsRequest;
import io.commandcenter.proto.v1.GetStatsResponse;
import io.commandcenter.proto.v1.StatsServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code cc stats [--since 1h]}: the project's headline figures (guide section 21) for people without
 * Grafana: predictions, precision / recall / false-positive rate from judged outcomes and labels,
 * the success ratio of automatic remediation, pending approvals.
 */
@Command(name = "stats", description = "Headline figures of the project: predictions, precision, recall, false-positive"
        + " rate, auto-remediation success ratio, pending approvals.")
public final class StatsCommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--since", description = "A span back from now (30m, 1h, 24h; at most 24h). Default: since the hub"
            + " started.")
    String since;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 1d}. */
    static Duration span(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (!t.matches("\\d{1,9}[smhd]")) {
            throw new IllegalArgumentException("--since must be a span back from now like 90s, 30m, 1h or 1d; got '"
                    + text + "'");
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    @Override
    public Integer call() {
        GetStatsRequest.Builder request = GetStatsRequest.newBuilder();
        if (since != null) {
            Duration d = span(since);
            request.setWindow(com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()));
        }
        try (HubConnection hub = cc.connect()) {
            GetStatsResponse s = hub.scoped(StatsServiceGrpc.newBlockingStub(hub.channel()))
                    .withDeadlineAfter(30, TimeUnit.SECONDS).getStats(request.build());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(s));
                return 0;
            }
            out.printf("since                 %s (hub %s)%n", Text.time(s.getSince()), s.getHubId());
            out.printf("predictions           %d%s%n", s.getPredictions(), s.hasAverageConfidence()
                    ? String.format(Locale.ROOT, ", average confidence %.2f", s.getAverageConfidence()) : "");
            out.printf("judged                %d right, %d false alarms, %d missed incidents%n", s.getTruePositives(),
                    s.getFalsePositives(), s.getMissedIncidents());
            out.printf("precision             %s%n", s.hasPrecision() ? percent(s.getPrecision()) : "-");
            out.printf("recall                %s%n", s.hasRecall() ? percent(s.getRecall()) : "-");
            out.printf("f1                    %s%n", s.hasF1() ? percent(s.getF1()) : "-");
            out.printf("false-positive rate   %s%n", s.hasFalsePositiveRate() ? percent(s.getFalsePositiveRate()) : "-");
            out.printf("decisions             %d automatic, %d to a person, %d refused%n", s.getDecisionsAutomatic(),
                    s.getDecisionsApproval(), s.getDecisionsRefused());
            out.printf("auto-remediation      %s%n", s.hasSuccessRatio()
                    ? percent(s.getSuccessRatio()) + " recovered (" + s.getAutomaticRecovered() + " of "
                    + s.getAutomaticOutcomes() + " judged)" : "- (no outcome judged)");
            out.printf("approvals pending     %d%n", s.getApprovalsPending());
            return 0;
        }
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
    }
}
