package io.commandcenter.cli.command;

import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.DeclareIncidentRequest;
import io.commandcenter.proto.v1.DeclareIncidentResponse;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.PredictServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code cc incidents}: incidents people declare (what the model may have missed). */
@Command(name = "incidents", description = "Incidents people declare: labelled rows of the feedback dataset.",
        subcommands = {IncidentsCommand.AddCommand.class})
public final class IncidentsCommand {
    @ParentCommand
    Cc cc;

    /** {@code cc incidents add --entity E --from T --to T [--kind K] [--reason R]}. */
    @Command(name = "add", description = "Declare that an entity had an incident from --from to --to: every stored "
            + "model run of it in that window becomes an incident row of the feedback dataset.")
    static final class AddCommand implements Callable<Integer> {
        @ParentCommand
        IncidentsCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--entity", required = true, description = "The entity's id, e.g. checkout.")
        String entity;
        @Option(names = "--kind", defaultValue = "service", description = "The entity's kind (default: ${DEFAULT-VALUE}).")
        String kind;
        @Option(names = "--from", required = true, description = "When it began: ISO-8601 or a span back from now (2h).")
        String from;
        @Option(names = "--to", required = true, description = "When it ended: ISO-8601 or a span back from now (0m).")
        String to;
        @Option(names = "--reason", defaultValue = "", description = "What happened.")
        String reason;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            DeclareIncidentRequest request = DeclareIncidentRequest.newBuilder()
                    .setEntity(EntityRef.newBuilder().setKind(kind).setId(entity))
                    .setStartTime(SamplesCommand.ts(SamplesCommand.time(from, clock, "--from")))
                    .setEndTime(SamplesCommand.ts(SamplesCommand.time(to, clock, "--to"))).setReason(reason).build();
            DeclareIncidentResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).declareIncident(request);
            }
            spec.commandLine().getOut().printf("incident %s on %s/%s declared: %d stored model run(s) labelled%n",
                    response.getLabel().getLabelId(), kind, entity, response.getRowsLabelled());
            return 0;
        }
    }
}
