package io.commandcenter.scheduler.grpc;

import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.CancelTaskRequest;
import io.commandcenter.proto.v1.CancelTaskResponse;
import io.commandcenter.proto.v1.ConnectAgentRequest;
import io.commandcenter.proto.v1.ConnectAgentResponse;
import io.commandcenter.proto.v1.GetTaskRequest;
import io.commandcenter.proto.v1.GetTaskResponse;
import io.commandcenter.proto.v1.ListAgentsRequest;
import io.commandcenter.proto.v1.ListAgentsResponse;
import io.commandcenter.proto.v1.ListAssignmentsRequest;
import io.commandcenter.proto.v1.ListAssignmentsResponse;
import io.commandcenter.proto.v1.ListTasksRequest;
import io.commandcenter.proto.v1.ListTasksResponse;
import io.commandcenter.proto.v1.ScheduleServiceGrpc;
import io.commandcenter.proto.v1.SubmitTaskRequest;
import io.commandcenter.proto.v1.SubmitTaskResponse;
import io.commandcenter.proto.v1.WatchAssignmentsRequest;
import io.commandcenter.proto.v1.WatchAssignmentsResponse;
import io.commandcenter.scheduler.AgentListing;
import io.commandcenter.scheduler.Page;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SubmitResult;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Forms;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskState;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code ScheduleService} over a {@link Scheduler}: maps in, calls, maps out. Independent of the
 * hub: the project of the current call comes from {@code project} (the hub supplies it from its
 * own call context), errors map through {@link GrpcErrors}. The agent protocol is
 * {@link AgentStream}, over the same in-process API built-in agents use.
 *
 * <p>Every error reaches the client as a status with ErrorInfo (and BadRequest for fields), never
 * as a bare UNKNOWN; a failure of one call never affects the scheduler or other calls.
 */
public final class ScheduleGrpcService extends ScheduleServiceGrpc.ScheduleServiceImplBase {
    private static final System.Logger LOG = System.getLogger(ScheduleGrpcService.class.getName());
    /** How long {@link #endStreams} waits for the ended streams' agents to be marked disconnected. */
    static final long RELEASE_WAIT_MILLIS = 5_000;

    /** Limits of the adapter. */
    public record Options(int maxWatchers, int watchBuffer) {
        public static final Options DEFAULT = new Options(64, 1024);

        public Options {
            if (maxWatchers < 0 || watchBuffer < 1) {
                throw new IllegalArgumentException("maxWatchers >= 0 and watchBuffer >= 1");
            }
        }
    }

    private final Scheduler scheduler;
    private final Supplier<CallScope> caller;
    private final Options options;
    private final AtomicInteger watchers = new AtomicInteger();
    /** The agent streams and watches open on this service: they end only when asked ({@link #endStreams}). */
    private final Set<OpenStream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean ending;

    /**
     * @param caller who makes the current call (e.g. from the hub's {@code CallContext}); a null or
     *               malformed project is refused with INVALID_ARGUMENT {@code INVALID_PROJECT}
     */
    public ScheduleGrpcService(Scheduler scheduler, Supplier<CallScope> caller, Options options) {
        this.scheduler = scheduler;
        this.caller = caller;
        this.options = options;
    }

    public ScheduleGrpcService(Scheduler scheduler, Supplier<CallScope> caller) {
        this(scheduler, caller, Options.DEFAULT);
    }

    private volatile java.util.function.Function<io.commandcenter.scheduler.task.TaskSpec, String> traceparents =
            spec -> "";

    /**
     * What each assignment sent to an agent carries as its {@code traceparent} (the hub's traces of
     * decisions; empty: none).
     */
    public void traceparents(java.util.function.Function<io.commandcenter.scheduler.task.TaskSpec, String> value) {
        this.traceparents = value;
    }

    /** The caller's project, checked. */
    String project() {
        CallScope scope = caller.get();
        String p = scope == null ? null : scope.project();
        if (!Forms.isProject(p)) {
            throw CommandCenterException.invalid("INVALID_PROJECT", "x-cc-project", "x-cc-project: " + (p == null || p.isEmpty()
                    ? "the call names no project (header x-cc-project)"
                    : "project id must be 1-63 characters of lowercase letters, digits, '-', '_' or '.', starting"
                    + " with a letter or digit; got '" + Forms.abbreviate(p) + "'"));
        }
        return p;
    }

    @Override
    public void submitTask(SubmitTaskRequest request, StreamObserver<SubmitTaskResponse> observer) {
        try {
            SubmitResult result = scheduler.submit(ScheduleProtoMapper.taskSpec(project(), request,
                    scheduler.settings().maxPayloadBytes()));
            observer.onNext(SubmitTaskResponse.newBuilder().setTask(ScheduleProtoMapper.task(result.task()))
                    .setCreated(result.created()).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void getTask(GetTaskRequest request, StreamObserver<GetTaskResponse> observer) {
        try {
            Task task = scheduler.get(project(), request.getTaskId());
            observer.onNext(GetTaskResponse.newBuilder().setTask(ScheduleProtoMapper.task(task)).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> observer) {
        try {
            String p = project();
            int limit = pageSize(request.getPageSize());
            Set<TaskState> states = ScheduleProtoMapper.states(request.getStatesList());
            Capability capability = request.getCapability().isEmpty() ? null
                    : Capability.parse(request.getCapability(), "capability");
            String workflow = request.getWorkflow().isEmpty() ? null : request.getWorkflow();
            String filter = "tasks|" + request.getStatesList() + "|" + request.getCapability() + "|" + workflow;
            Page<Task> page = scheduler.tasks(p, states, capability, workflow, limit,
                    cursor(request.getPageToken(), filter));
            ListTasksResponse.Builder response = ListTasksResponse.newBuilder()
                    .setNextPageToken(token(page.nextCursor(), filter));
            page.items().forEach(t -> response.addTasks(ScheduleProtoMapper.task(t)));
            observer.onNext(response.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void cancelTask(CancelTaskRequest request, StreamObserver<CancelTaskResponse> observer) {
        try {
            if (request.getReason().length() > 256) {
                throw CommandCenterException.invalid("TOO_LONG", "reason", "reason: reason is longer than 256 characters");
            }
            Task task = scheduler.cancel(project(), request.getTaskId(), request.getReason());
            observer.onNext(CancelTaskResponse.newBuilder().setTask(ScheduleProtoMapper.task(task)).build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void listAssignments(ListAssignmentsRequest request, StreamObserver<ListAssignmentsResponse> observer) {
        try {
            String p = project();
            int limit = pageSize(request.getPageSize());
            String filter = "assignments|" + request.getTaskId() + "|" + request.getAgentId();
            Page<Assignment> page = scheduler.assignments(p, request.getTaskId().isEmpty() ? null : request.getTaskId(),
                    request.getAgentId().isEmpty() ? null : request.getAgentId(), limit,
                    cursor(request.getPageToken(), filter));
            ListAssignmentsResponse.Builder response = ListAssignmentsResponse.newBuilder()
                    .setNextPageToken(token(page.nextCursor(), filter));
            page.items().forEach(a -> response.addAssignments(ScheduleProtoMapper.assignment(a)));
            observer.onNext(response.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> observer) {
        try {
            String p = project();
            String type = request.getAgentType().isEmpty() ? null : request.getAgentType();
            if (type != null && !Forms.AGENT_TYPE.matcher(type).matches()) {
                throw CommandCenterException.invalid("BAD_FORMAT", "agent_type", "agent_type: not an agent type: '"
                        + Forms.abbreviate(type) + "'");
            }
            AgentListing listing = scheduler.agents(p, type);
            ListAgentsResponse.Builder response = ListAgentsResponse.newBuilder();
            listing.agents().forEach(a -> response.addAgents(ScheduleProtoMapper.agent(a)));
            listing.pools().forEach(s -> response.addPools(ScheduleProtoMapper.pool(s)));
            observer.onNext(response.build());
            observer.onCompleted();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
        }
    }

    @Override
    public void watchAssignments(WatchAssignmentsRequest request, StreamObserver<WatchAssignmentsResponse> observer) {
        String p;
        try {
            p = project();
            if (ending) {
                throw shuttingDown();
            }
            if (watchers.incrementAndGet() > options.maxWatchers()) {
                watchers.decrementAndGet();
                throw CommandCenterException.exhausted("TOO_MANY_WATCHERS", "the hub already serves "
                        + options.maxWatchers() + " assignment followers");
            }
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        AssignmentWatch[] watch = new AssignmentWatch[1];
        watch[0] = new AssignmentWatch((ServerCallStreamObserver<WatchAssignmentsResponse>) observer, scheduler, p,
                request.getIncludeDelegations(), options.watchBuffer(), () -> {
                    watchers.decrementAndGet();
                    open.remove(watch[0]);
                });
        watch[0].start();
        open.add(watch[0]); // after its start: ending it needs its subscription
        if (watch[0].hasEnded()) {
            open.remove(watch[0]); // cancelled during its start
        }
        endIfEnding(watch[0]);
    }

    @Override
    public StreamObserver<ConnectAgentRequest> connectAgent(StreamObserver<ConnectAgentResponse> observer) {
        CallScope scope;
        try {
            project();
            scope = caller.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return new StreamObserver<>() {
                @Override
                public void onNext(ConnectAgentRequest value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }
        AgentStream[] stream = new AgentStream[1];
        stream[0] = new AgentStream(scheduler, scope, (ServerCallStreamObserver<ConnectAgentResponse>) observer,
                traceparents, () -> open.remove(stream[0]));
        open.add(stream[0]);
        endIfEnding(stream[0]);
        return stream[0];
    }

    /**
     * Ends every agent stream and assignment watch open on this service, and those that open from now on,
     * with UNAVAILABLE {@code SHUTTING_DOWN} (the agent protocol's "reconnect to any hub"); then marks the
     * agents of the ended streams disconnected in their pools, waited for {@value #RELEASE_WAIT_MILLIS} ms at
     * most (beside a pool that does not answer, the rest goes on on a thread of its own). These streams never
     * end by themselves: the hub calls this once gRPC takes no new calls, so its stop does not wait out the
     * gRPC grace for them (guide 14.22).
     */
    public void endStreams() {
        ending = true;
        List<OpenStream> ended = List.copyOf(open);
        CommandCenterException reason = shuttingDown();
        ended.forEach(s -> s.endCall(reason)); // every status goes out first: no agent waits on another's release
        if (ended.isEmpty()) {
            return;
        }
        AtomicInteger left = new AtomicInteger(ended.size());
        Thread releases = io.commandcenter.scheduler.DaemonThreads.named("cc-schedule-streams-end-" + scheduler.hubId())
                .newThread(() -> ended.forEach(s -> {
                    s.release();
                    left.decrementAndGet();
                }));
        releases.start();
        try {
            releases.join(RELEASE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (releases.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "hub {0}: {1} of {2} ended streams not yet released (their agents"
                    + " not marked disconnected) after {3} ms (a pool does not answer); other hubs disconnect them when"
                    + " they fall silent", scheduler.hubId(), left.get(), ended.size(), RELEASE_WAIT_MILLIS);
        }
    }

    /** A stream opened while {@link #endStreams} runs, or after it: ended at once. */
    private void endIfEnding(OpenStream stream) {
        if (ending) {
            stream.endCall(shuttingDown());
            stream.release();
        }
    }

    private static CommandCenterException shuttingDown() {
        return CommandCenterException.unavailable("SHUTTING_DOWN",
                "the hub is shutting down; reconnect to another hub", null);
    }

    private static int pageSize(int size) {
        if (size < 0) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "page_size", "page_size: page_size must not be negative");
        }
        return size == 0 ? 100 : Math.min(size, 1000);
    }

    /** Page tokens carry the cursor and the filters they were issued for. */
    private static String token(String cursor, String filter) {
        if (cursor.isEmpty()) {
            return "";
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString((Integer.toHexString(filter.hashCode()) + "|"
                + cursor).getBytes(StandardCharsets.UTF_8));
    }

    private static String cursor(String token, String filter) {
        if (token.isEmpty()) {
            return "";
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int bar = decoded.indexOf('|');
            if (bar > 0 && decoded.substring(0, bar).equals(Integer.toHexString(filter.hashCode()))) {
                return decoded.substring(bar + 1);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw CommandCenterException.invalid("INVALID_PAGE_TOKEN", "page_token",
                "page_token: the page token is malformed or was issued for other filters");
    }
}
