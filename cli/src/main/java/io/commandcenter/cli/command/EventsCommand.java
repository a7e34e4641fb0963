package io.commandcenter.cli.command;

import io.commandcenter.common.proto.ProtoJson;
import com.google.protobuf.Struct;
import io.commandcenter.cli.Cc;
import io.commandcenter.cli.HubConnection;
import io.commandcenter.proto.v1.Event;
import io.commandcenter.proto.v1.EventServiceGrpc;
import io.commandcenter.proto.v1.SubscribeRequest;
import io.commandcenter.proto.v1.SubscribeResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Callable;

/** {@code cc events}: follow the hub's events live. */
@Command(name = "events", description = "Stream events whose subject matches a pattern, until interrupted.")
public final class EventsCommand implements Callable<Integer> {
    @ParentCommand
    Cc cc;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--pattern", defaultValue = "*",
            description = "Subject pattern: '*' matches one token, a prefix matches everything below it "
                    + "(default: ${DEFAULT-VALUE}, every event). E.g. 'hub.health.*', 'audit.result'.")
    String pattern;
    @Option(names = "--json", description = "Print each event as one line of JSON (protobuf JSON mapping).")
    boolean json;
    @Option(names = "--count", description = "Stop after this many events.")
    Long count;
    @Option(names = "--max-batch", defaultValue = "0",
            description = "Let the hub send up to this many events a message (2 to 1000; 0 or 1, the default: one "
                    + "a message). Fewer messages under bulk ingest; what is printed is the same.")
    int maxBatch;

    @Override
    public Integer call() {
        if (maxBatch < 0 || maxBatch > 1000) {
            throw new IllegalArgumentException("--max-batch must be 0 to 1000 (0 or 1: one event a message), got " + maxBatch);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (HubConnection hub = cc.connect()) {
            Iterator<SubscribeResponse> stream = hub.scoped(EventServiceGrpc.newBlockingStub(hub.channel()))
                    .subscribe(SubscribeRequest.newBuilder().setPattern(pattern).setMaxBatch(maxBatch).build());
            long seen = 0;
            while ((count == null || seen < count) && stream.hasNext()) {
                SubscribeResponse message = stream.next();
                switch (message.getKindCase()) {
                    case STARTED -> err.printf("following '%s' in project %s (buffer %d events)%n",
                            message.getStarted().getPattern(), message.getStarted().getProjectId(),
                            message.getStarted().getBufferSize());
                    case DROPPED -> err.printf("!! %d events dropped (%d in all): this client reads too slowly%n",
                            message.getDropped().getCount(), message.getDropped().getTotal());
                    case EVENT -> {
                        seen++;
                        print(out, message.getEvent());
                    }
                    case EVENTS -> {
                        for (Event event : message.getEvents().getEventsList()) {
                            if (count != null && seen >= count) {
                                break;
                            }
                            seen++;
                            print(out, event);
                        }
                    }
                    default -> {
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    private void print(PrintWriter out, Event event) {
        out.println(json ? ProtoJson.print(event) : line(event));
    }

    static String line(Event event) {
        Instant time = Instant.ofEpochSecond(event.getTime().getSeconds(), event.getTime().getNanos());
        return time + "  " + event.getSubject() + "  " + compact(event.getPayload());
    }

    private static String compact(Struct payload) {
        return ProtoJson.print(payload);
    }
}
