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
import java.time.Instant;
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

        @Option(names = "--entity", required = true, description = "The entity: kind/id as listed (service/checkout), kind:id, "
                + "or an id (of --kind).")
        String entity;
        @Option(names = "--kind", description = "The kind of an --entity given as a bare id (default: service).")
        String kind;
        @Option(names = "--from", required = true, description = "When it began: ISO-8601 or a span back from now (2h).")
        String from;
        @Option(names = "--to", required = true, description = "When it ended: ISO-8601 or a span back from now (0m).")
        String to;
        @Option(names = "--reason", defaultValue = "", description = "What happened.")
        String reason;

        @Override
        public Integer call() {
            Text.Entity named = Text.entity(entity, "--entity");
            if (named.kind() != null && kind != null && !named.kind().equals(kind)) {
                throw new IllegalArgumentException("--entity " + entity + " is of kind " + named.kind() + ", not --kind " + kind);
            }
            EntityRef target = new Text.Entity(named.kind() != null ? named.kind() : kind != null ? kind : "service", named.id()).ref();
            Clock clock = Clock.systemUTC();
            Instant start = SamplesCommand.time(from, clock, "--from");
            Instant end = SamplesCommand.time(to, clock, "--to");
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("--to (" + end + ") must be after --from (" + start + ")");
            }
            DeclareIncidentRequest request = DeclareIncidentRequest.newBuilder().setEntity(target)
                    .setStartTime(SamplesCommand.ts(start)).setEndTime(SamplesCommand.ts(end)).setReason(reason).build();
            DeclareIncidentResponse response;
            try (HubConnection hub = parent.cc.connect()) {
                response = hub.scoped(PredictServiceGrpc.newBlockingStub(hub.channel()))
                        .withDeadlineAfter(30, TimeUnit.SECONDS).declareIncident(request);
            }
            spec.commandLine().getOut().printf("incident %s on %s declared: %d stored model run(s) labelled%n",
                    response.getLabel().getLabelId(), Text.entity(target), response.getRowsLabelled());
            return 0;
        }
    }
}
