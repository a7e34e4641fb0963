package io.commandcenter.cli.command;

import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.proto.v1.DeleteMemoryRequest;
import io.commandcenter.proto.v1.GetMemoryRequest;
import io.commandcenter.proto.v1.ListMemoriesRequest;
import io.commandcenter.proto.v1.ListMemoriesResponse;
import io.commandcenter.proto.v1.Memory;
import io.commandcenter.proto.v1.MemoryFilter;
import io.commandcenter.proto.v1.MemoryMatch;
import io.commandcenter.proto.v1.MemoryServiceGrpc;
import io.commandcenter.proto.v1.SearchMemoryRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc memory}: the project's memory of what happened — search, get, list, delete (guide section 20). */
@Command(name = "memory", description = "The project's memory of finished remediation runs (and agents' notes):"
        + " search by similarity, get, list, delete.",
        subcommands = {MemoryCommand.SearchCommand.class, MemoryCommand.GetCommand.class, MemoryCommand.ListCommand.class,
                MemoryCommand.DeleteCommand.class})
public final class MemoryCommand {
    @ParentCommand
    Cc cc;

    /** Filter options shared by search and list. */
    static final class Filters {
        @Option(names = "--entity", description = "Only memories about this entity (service/checkout-api).")
        String entity;
        @Option(names = "--kind", description = "Only this kind (remediation, agent.note, …).")
        String kind;
        @Option(names = "--action", description = "Only memories of this action (restart, scale, notify, none).")
        String action;
        @Option(names = "--outcome", description = "Only this outcome (recovered, not_recovered, worse).")
        String outcome;
        @Option(names = "--since", description = "Only memories at or after: ISO-8601 or a span back from now (7d).")
        String since;
        @Option(names = "--until", description = "Only memories before: ISO-8601 or a span back from now.")
        String until;
        @Option(names = "--labelled", description = "Only memories with an outcome.")
        boolean labelled;

        MemoryFilter filter() {
            MemoryFilter.Builder f = MemoryFilter.newBuilder().setEntity(orEmpty(entity)).setKind(orEmpty(kind))
                    .setAction(orEmpty(action)).setOutcome(orEmpty(outcome)).setLabelledOnly(labelled);
            Clock clock = Clock.systemUTC();
            if (since != null) {
                f.setSince(SamplesCommand.ts(SamplesCommand.time(since, clock, "--since")));
            }
            if (until != null) {
                f.setUntil(SamplesCommand.ts(SamplesCommand.time(until, clock, "--until")));
            }
            return f.build();
        }
    }

    /** {@code cc memory search --like ID | --feature NAME=VALUE…}. */
    @Command(name = "search", description = "The memories most like another memory (--like) or like a set of"
            + " features (--feature, --factor), most similar first.")
    static final class SearchCommand implements Callable<Integer> {
        @ParentCommand
        MemoryCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--like", description = "A memory's id: search with its vector.")
        String like;
        @Option(names = "--feature", description = "NAME=VALUE (repeat): a feature profile to search with.")
        Map<String, Double> features = new LinkedHashMap<>();
        @Option(names = "--factor", description = "FEATURE[METRIC]=CONTRIBUTION (repeat): the factors that drove it.")
        Map<String, Double> factors = new LinkedHashMap<>();
        @Option(names = "-k", defaultValue = "3", description = "How many (1-100, default: ${DEFAULT-VALUE}).")
        int k;
        @picocli.CommandLine.ArgGroup(exclusive = false)
        Filters filters = new Filters();
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            if ((like == null) == (features.isEmpty() && factors.isEmpty())) {
                throw new IllegalArgumentException("give either --like MEMORY_ID or --feature/--factor");
            }
            List<MemoryMatch> matches;
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(MemoryServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS);
                SearchMemoryRequest.Builder request = SearchMemoryRequest.newBuilder().setK(k).setFilter(filters.filter());
                if (like != null) {
                    request.addAllVector(stub.getMemory(GetMemoryRequest.newBuilder().setMemoryId(like).build())
                            .getMemory().getVectorList());
                } else {
                    request.putAllFeatures(features);
                    factors.forEach((label, c) -> request.addFactors(factor(label, c)));
                }
                matches = stub.searchMemory(request.build()).getMatchesList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                matches.forEach(m -> out.println(ProtoJson.print(m)));
                return 0;
            }
            Table table = new Table("SIMILARITY", "MEMORY", "ENTITY", "WHEN", "ACTION", "OUTCOME", "SUMMARY");
            for (MemoryMatch m : matches) {
                Memory mem = m.getMemory();
                table.row(String.format(Locale.ROOT, "%.3f", m.getSimilarity()), mem.getMemoryId(), mem.getEntity(),
                        Text.time(mem.getTime()), Text.orDash(mem.getAction()), Text.orDash(mem.getOutcome()),
                        Text.abbreviate(mem.getText(), 60));
            }
            table.print(out);
            return 0;
        }

        private static io.commandcenter.proto.v1.Factor factor(String label, double contribution) {
            int open = label.indexOf('[');
            io.commandcenter.proto.v1.Factor.Builder f = io.commandcenter.proto.v1.Factor.newBuilder()
                    .setContribution(contribution);
            if (open > 0 && label.endsWith("]")) {
                f.setFeature(label.substring(0, open)).setMetric(label.substring(open + 1, label.length() - 1));
            } else {
                f.setFeature(label);
            }
            return f.build();
        }
    }

    /** {@code cc memory get ID}. */
    @Command(name = "get", description = "Show one memory in full.")
    static final class GetCommand implements Callable<Integer> {
        @ParentCommand
        MemoryCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "The memory's id (run-<run id> for the hub's own).")
        String id;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Memory m;
            try (HubConnection hub = parent.cc.connect()) {
                m = hub.scoped(MemoryServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getMemory(GetMemoryRequest.newBuilder().setMemoryId(id).build()).getMemory();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(ProtoJson.print(m));
                return 0;
            }
            out.printf("memory    %s (project %s, %s)%n", m.getMemoryId(), m.getProjectId(), m.getKind());
            out.printf("entity    %s%n", m.getEntity());
            out.printf("when      %s%n", Text.time(m.getTime()));
            out.printf("action    %s%n", Text.orDash(m.getAction()));
            out.printf("outcome   %s%n", Text.orDash(m.getOutcome()));
            out.printf("summary   %s%n", Text.orDash(m.getText()));
            new java.util.TreeMap<>(m.getMetadataMap()).forEach((k, v) -> out.printf("  %-18s %s%n", k, v));
            return 0;
        }
    }

    /** {@code cc memory list}. */
    @Command(name = "list", description = "List the project's memories, newest first.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        MemoryCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @picocli.CommandLine.ArgGroup(exclusive = false)
        Filters filters = new Filters();
        @Option(names = "--limit", defaultValue = "50", description = "How many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON object per memory.")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1");
            }
            List<Memory> memories = new ArrayList<>();
            long total;
            try (HubConnection hub = parent.cc.connect()) {
                var stub = hub.scoped(MemoryServiceGrpc.newBlockingStub(hub.channel()));
                String token = "";
                ListMemoriesResponse page;
                do {
                    page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listMemories(ListMemoriesRequest.newBuilder()
                            .setFilter(filters.filter()).setPageSize(Math.min(1000, limit - memories.size()))
                            .setPageToken(token).build());
                    memories.addAll(page.getMemoriesList());
                    token = page.getNextPageToken();
                } while (!token.isEmpty() && memories.size() < limit);
                total = page.getTotalSize();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                memories.forEach(m -> out.println(ProtoJson.print(m)));
                return 0;
            }
            Table table = new Table("MEMORY", "ENTITY", "KIND", "WHEN", "ACTION", "OUTCOME", "SUMMARY");
            for (Memory m : memories) {
                table.row(m.getMemoryId(), m.getEntity(), m.getKind(), Text.time(m.getTime()), Text.orDash(m.getAction()),
                        Text.orDash(m.getOutcome()), Text.abbreviate(m.getText(), 60));
            }
            table.print(out);
            out.printf("%d of %d%n", memories.size(), total);
            return 0;
        }
    }

    /** {@code cc memory delete ID}. */
    @Command(name = "delete", description = "Delete a memory of the project.")
    static final class DeleteCommand implements Callable<Integer> {
        @ParentCommand
        MemoryCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "The memory's id.")
        String id;

        @Override
        public Integer call() {
            try (HubConnection hub = parent.cc.connect()) {
                hub.scoped(MemoryServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .deleteMemory(DeleteMemoryRequest.newBuilder().setMemoryId(id).build());
            }
            spec.commandLine().getOut().printf("deleted %s%n", id);
            return 0;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
