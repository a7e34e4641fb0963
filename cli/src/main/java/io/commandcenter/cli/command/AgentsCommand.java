package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.Agent;
import io.commandcenter.proto.v1.AgentPool;
import io.commandcenter.proto.v1.ListAgentsRequest;
import io.commandcenter.proto.v1.ListAgentsResponse;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code cc agents}: the agents that serve the project, and the capacity of each agent type. */
@Command(name = "agents", description = "Agents serving the project: load, success rates, capacity per type.",
        subcommands = {AgentsCommand.ListCommand.class, AgentsCommand.PoolsCommand.class})
public final class AgentsCommand {
    @ParentCommand
    Cc cc;

    static ListAgentsResponse fetch(AgentsCommand parent, String type) {
        try (HubConnection hub = parent.cc.connect()) {
            return hub.scoped(ScheduleServiceGrpc.newBlockingStub(hub.channel())).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listAgents(ListAgentsRequest.newBuilder().setAgentType(type == null ? "" : type).build());
        }
    }

    /** {@code cc agents list}. */
    @Command(name = "list", description = "List the agents, by type then id, then the capacity of each type.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        AgentsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--type", description = "Only agents of this type.")
        String type;
        @Option(names = "--json", description = "One JSON object per agent.")
        boolean json;

        @Override
        public Integer call() {
            ListAgentsResponse response = fetch(parent, type);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                response.getAgentsList().forEach(a -> out.println(ProtoJson.print(a)));
                return 0;
            }
            if (response.getAgentsCount() == 0) {
                out.println("no agents");
                return 0;
            }
            Table table = new Table("TYPE", "AGENT", "HUB", "STATE", "LOAD", "CPU", "MEM", "ACTIONS", "SUCCESS",
                    "LAST SEEN");
            for (Agent a : response.getAgentsList()) {
                table.row(a.getAgentType(), a.getAgentId(), a.getHubId(), Text.name(a.getState(), "AGENT_STATE_"),
                        a.getLeased() + "/" + a.getCapacity(),
                        a.hasHealth() ? pct(a.getHealth().getCpu()) : "-",
                        a.hasHealth() ? pct(a.getHealth().getMemory()) : "-",
                        String.join(",", a.getActionsList()), rates(a.getSuccessRatesMap()),
                        Text.time(a.getLastSeenTime()));
            }
            table.print(out);
            out.println();
            pools(response).print(out);
            return 0;
        }
    }

    /** {@code cc agents pools}. */
    @Command(name = "pools", description = "Capacity and queues of each agent type (all projects).")
    static final class PoolsCommand implements Callable<Integer> {
        @ParentCommand
        AgentsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--type", description = "Only this agent type.")
        String type;
        @Option(names = "--json", description = "One JSON object per agent type.")
        boolean json;

        @Override
        public Integer call() {
            ListAgentsResponse response = fetch(parent, type);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                response.getPoolsList().forEach(p -> out.println(ProtoJson.print(p)));
                return 0;
            }
            pools(response).print(out);
            return 0;
        }
    }

    static Table pools(ListAgentsResponse response) {
        Table table = new Table("TYPE", "CAPACITY", "FREE", "RESERVED", "QUEUED", "WAITING", "ASSIGNED");
        for (AgentPool p : response.getPoolsList()) {
            table.row(p.getAgentType(), p.getCapacity(), p.getFreeSlots(), p.getReservedSlots(), p.getQueued(),
                    p.getWaiting(), p.getAssigned());
        }
        return table;
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    /** {@code restart=0.75 scale=1.00}, or {@code -} before any result. */
    private static String rates(Map<String, Double> rates) {
        if (rates.isEmpty()) {
            return "-";
        }
        return rates.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + Text.fmt(e.getValue())).collect(Collectors.joining(" "));
    }
}
