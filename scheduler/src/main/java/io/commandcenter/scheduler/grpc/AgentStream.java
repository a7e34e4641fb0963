package io.commandcenter.scheduler.grpc;

import io.commandcenter.common.error.grpc.GrpcErrors;
import io.commandcenter.proto.v1.AgentRegistered;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.proto.v1.ConnectAgentRequest;
import io.commandcenter.proto.v1.ConnectAgentResponse;
import io.commandcenter.proto.v1.LeaseRevoked;
import io.commandcenter.proto.v1.ResultAccepted;
import io.commandcenter.proto.v1.TaskResultReport;
import io.commandcenter.scheduler.AgentConnection;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.leases.LeaseRef;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.task.Task;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code ConnectAgent} stream: the agent's messages become calls on its
 * {@link AgentConnection}; the connection's assignments and revocations become messages. The
 * first message must be {@code register}. After that, a refused message is answered with
 * {@code rejected} and the stream goes on; the stream ends (with a status) only on a bad
 * registration, when the agent registers again elsewhere, when the shared state is unavailable,
 * or when the hub stops. The agent closing or cancelling the stream disconnects it (its leases
 * run until they expire, so it may reconnect anywhere and finish them).
 */
final class AgentStream implements StreamObserver<ConnectAgentRequest>, AgentListener, OpenStream {
    private static final System.Logger LOG = System.getLogger(AgentStream.class.getName());

    private final Scheduler scheduler;
    private final CallScope caller;
    private final ServerCallStreamObserver<ConnectAgentResponse> call;
    private volatile AgentConnection connection;
    private boolean ended;
    /** Messages the scheduler pushed before {@code registered} went out (guarded by call). */
    private List<ConnectAgentResponse> early = new ArrayList<>();

    private final java.util.function.Function<io.commandcenter.scheduler.task.TaskSpec, String> traceparents;
    /** Runs each time the stream lets its session go (its end, the agent's close or cancel). */
    private final Runnable onEnd;

    AgentStream(Scheduler scheduler, CallScope caller, ServerCallStreamObserver<ConnectAgentResponse> call,
                java.util.function.Function<io.commandcenter.scheduler.task.TaskSpec, String> traceparents,
                Runnable onEnd) {
        this.traceparents = traceparents;
        this.onEnd = onEnd;
        this.scheduler = scheduler;
        this.caller = caller;
        this.call = call;
        call.setOnCancelHandler(this::disconnect);
    }

    @Override
    public void onNext(ConnectAgentRequest request) {
        if (request.getKindCase() == ConnectAgentRequest.KindCase.REGISTER) {
            register(request);
            return;
        }
        AgentConnection c = connection;
        if (c == null) {
            end(CommandCenterException.invalid("REGISTRATION_REQUIRED", "register",
                    "register: the first message on ConnectAgent must be register"));
            return;
        }
        String taskId = switch (request.getKindCase()) {
            case PROGRESS -> request.getProgress().getTaskId();
            case RESULT -> request.getResult().getTaskId();
            default -> "";
        };
        try {
            switch (request.getKindCase()) {
                case HEALTH -> c.reportHealth(ScheduleProtoMapper.load(request.getHealth()));
                case HEARTBEAT -> heartbeat(c, request);
                case PROGRESS -> c.progress(taskId, request.getProgress().getFencingToken(),
                        request.getProgress().getFraction(), request.getProgress().getMessage());
                case RESULT -> result(c, request.getResult());
                default -> throw CommandCenterException.invalid("REQUIRED", "kind",
                        "kind: a message must carry one of register, health, heartbeat, progress, result");
            }
        } catch (CommandCenterException e) {
            if (e.kind() == ErrorKind.UNAVAILABLE) {
                end(e);
            } else {
                send(ConnectAgentResponse.newBuilder().setRejected(AgentRejections.rejected(e, taskId)).build());
            }
        } catch (RuntimeException e) {
            send(ConnectAgentResponse.newBuilder().setRejected(AgentRejections.rejected(e, taskId)).build());
        }
    }

    /**
     * The registration as the caller may make it: owned by the caller's credential, serving only
     * projects the credential covers.
     *
     * @throws CommandCenterException PERMISSION_DENIED {@code PROJECT_NOT_COVERED}
     */
    private AgentRegistration bound(AgentRegistration registration) {
        if (!caller.everyProject()) {
            for (String p : registration.projects()) {
                if (!p.equals(caller.project())) {
                    throw CommandCenterException.permissionDenied("PROJECT_NOT_COVERED", "register.projects: this"
                            + " credential covers project " + caller.project() + " only; an agent it connects cannot"
                            + " serve " + (p.equals(AgentRegistration.ALL_PROJECTS) ? "every project ('*')"
                            : "project " + p));
                }
            }
        }
        return registration.withOwner(caller.owner());
    }

    private void register(ConnectAgentRequest request) {
        synchronized (call) {
            if (ended) {
                return; // a registration that arrives after the stream ended (the hub stopping) is not made
            }
        }
        if (connection != null) {
            end(CommandCenterException.invalid("ALREADY_REGISTERED", "register",
                    "register: this stream already registered agent " + connection.agentId()));
            return;
        }
        try {
            AgentConnection c = scheduler.connect(bound(ScheduleProtoMapper.registration(caller.project(),
                    request.getRegister())), this);
            AgentRegistered.Builder registered = AgentRegistered.newBuilder().setAgentId(c.agentId())
                    .setSessionId(c.sessionId()).setLeaseDuration(ScheduleProtoMapper.duration(c.leaseDuration()))
                    .setHeartbeatInterval(ScheduleProtoMapper.duration(c.heartbeatInterval())).setHubId(c.hubId());
            for (LeaseRef held : c.heldAtRegistration()) {
                registered.addHeldLeases(io.commandcenter.proto.v1.LeaseRef.newBuilder().setTaskId(held.taskId())
                        .setFencingToken(held.fencingToken()));
            }
            boolean endedMeanwhile;
            synchronized (call) {
                // registered goes out before any assignment the dispatcher may already have pushed
                connection = c;
                endedMeanwhile = ended;
                List<ConnectAgentResponse> before = early;
                early = null;
                send(ConnectAgentResponse.newBuilder().setRegistered(registered).build());
                before.forEach(this::send);
            }
            if (endedMeanwhile) {
                disconnect(); // the stream ended (the hub stopping) while the agent registered: no session left open
            }
        } catch (RuntimeException e) {
            end(e);
        }
    }

    private void heartbeat(AgentConnection c, ConnectAgentRequest request) {
        List<LeaseRef> refs = new ArrayList<>();
        for (int i = 0; i < request.getHeartbeat().getLeasesCount(); i++) {
            var lease = request.getHeartbeat().getLeases(i);
            if (lease.getTaskId().isEmpty()) {
                throw CommandCenterException.invalid("REQUIRED", "heartbeat.leases[" + i + "].task_id",
                        "heartbeat.leases[" + i + "].task_id" + ": " + "each lease names its task");
            }
            refs.add(new LeaseRef(lease.getTaskId(), lease.getFencingToken()));
        }
        for (Revocation r : c.heartbeat(refs)) {
            onRevoked(r);
        }
    }

    private void result(AgentConnection c, TaskResultReport r) {
        int max = scheduler.settings().maxPayloadBytes();
        if (r.hasOutput() && r.getOutput().getSerializedSize() > max) {
            throw CommandCenterException.invalid("PAYLOAD_TOO_LARGE", "result.output", "result.output: result.output is "
                    + r.getOutput().getSerializedSize() + " bytes serialized, at most " + max);
        }
        if (r.hasOutput()) {
            ScheduleProtoMapper.requireFinite(r.getOutput(), "result.output");
        }
        Task task = c.complete(r.getTaskId(), r.getFencingToken(), ScheduleProtoMapper.outcome(r.getOutcome()),
                r.hasOutput() ? ScheduleProtoMapper.json(r.getOutput()) : "", r.getError(), r.getRetryable());
        send(ConnectAgentResponse.newBuilder().setResultAccepted(ResultAccepted.newBuilder()
                .setTaskId(task.id()).setFencingToken(r.getFencingToken())
                .setState(ScheduleProtoMapper.state(task.state()))).build());
    }

    @Override
    public void onError(Throwable t) {
        disconnect();
    }

    @Override
    public void onCompleted() {
        disconnect();
        synchronized (call) {
            if (!ended && !call.isCancelled()) {
                ended = true;
                call.onCompleted();
            }
        }
    }

    // ------------------------------------------------------------------ from the scheduler

    @Override
    public void onAssignment(Dispatched work) {
        io.commandcenter.proto.v1.AgentAssignment assignment = ScheduleProtoMapper.work(work);
        String traceparent = traceparents.apply(work.spec());
        if (traceparent != null && !traceparent.isEmpty()) {
            assignment = assignment.toBuilder().setTraceparent(traceparent).build();
        }
        if (!send(ConnectAgentResponse.newBuilder().setAssignment(assignment).build())) {
            throw new IllegalStateException("the agent's stream is closed");
        }
    }

    @Override
    public void onRevoked(Revocation revocation) {
        send(ConnectAgentResponse.newBuilder().setRevoked(LeaseRevoked.newBuilder()
                .setTaskId(revocation.lease().taskId()).setFencingToken(revocation.lease().fencingToken())
                .setReason(revocation.reason())).build());
    }

    @Override
    public void onClosed(CommandCenterException reason) {
        end(reason);
    }

    // ------------------------------------------------------------------ stream

    private boolean send(ConnectAgentResponse response) {
        synchronized (call) {
            if (ended || call.isCancelled()) {
                return false;
            }
            if (early != null && !response.hasRegistered()) {
                early.add(response);
                return true;
            }
            call.onNext(response);
            return true;
        }
    }

    private void end(Throwable error) {
        endCall(error);
        disconnect();
    }

    @Override
    public void endCall(CommandCenterException reason) {
        endCall((Throwable) reason);
    }

    private void endCall(Throwable error) {
        synchronized (call) {
            if (ended) {
                return;
            }
            ended = true;
            if (!call.isCancelled()) {
                call.onError(GrpcErrors.toStatus(error));
            }
        }
    }

    @Override
    public void release() {
        disconnect();
    }

    private void disconnect() {
        AgentConnection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "disconnecting agent {0} failed: {1}", c.agentId(), e.toString());
            }
        }
        onEnd.run();
    }
}
