package io.commandcenter.scheduler.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.commandcenter.proto.v1.Agent;
import io.commandcenter.proto.v1.AgentAssignment;
import io.commandcenter.proto.v1.AgentHealthReport;
import io.commandcenter.proto.v1.AgentPool;
import io.commandcenter.proto.v1.AssignmentScore;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.ScheduledTask;
import io.commandcenter.proto.v1.ScheduledTaskState;
import io.commandcenter.proto.v1.SubmitTaskRequest;
import io.commandcenter.proto.v1.TaskResult;
import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.agents.Score;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.scheduler.events.Delegation;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.PoolSummary;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.PredictionCause;
import io.commandcenter.scheduler.task.TargetRef;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskOutcome;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.task.TaskState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Maps between schedule.proto and the scheduler's own types, validating on the way in: every
 * fault names its field as the request spells it. Also renders scheduler events as protobuf
 * messages, for the hub's event bus ({@link #payload}).
 */
public final class ScheduleProtoMapper {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private ScheduleProtoMapper() {
    }

    // ------------------------------------------------------------------ in

    /**
     * The task a {@code SubmitTaskRequest} asks for, in the project.
     *
     * @param maxPayloadBytes the largest serialized {@code inputs}
     * @throws CommandCenterException INVALID naming every field at fault
     */
    public static TaskSpec taskSpec(String project, SubmitTaskRequest r, int maxPayloadBytes) {
        Violations v = new Violations();
        if (r.hasInputs() && r.getInputs().getSerializedSize() > maxPayloadBytes) {
            v.add("inputs", "PAYLOAD_TOO_LARGE", "inputs are " + r.getInputs().getSerializedSize()
                    + " bytes serialized, at most " + maxPayloadBytes);
        }
        Placement placement = switch (r.getPlacement()) {
            case PLACEMENT_UNSPECIFIED -> Placement.DEFAULT;
            case PLACEMENT_CLUSTER -> Placement.CLUSTER;
            case PLACEMENT_ORIGIN_HUB -> Placement.ORIGIN_HUB;
            case UNRECOGNIZED -> {
                v.add("placement", "UNKNOWN_ENUM", "unknown placement " + r.getPlacementValue());
                yield Placement.DEFAULT;
            }
        };
        if (r.getCost() < 0) {
            v.add("cost", "OUT_OF_RANGE", "cost must not be negative, got " + r.getCost());
        }
        Capability capability = null;
        try {
            capability = Capability.parse(r.getCapability(), "capability");
        } catch (CommandCenterException e) {
            v.addAll(e.violations());
        }
        if (r.hasInputs()) {
            finite(r.getInputs(), "inputs", v);
        }
        if (!v.isEmpty()) {
            v.throwIfAnyWithSharedReason("INVALID_TASK", "invalid task");
        }
        return new TaskSpec(project, capability, r.getWorkflow(), r.getWorkflowRunId(), r.getNodeId(),
                r.hasInputs() ? json(r.getInputs()) : "", r.getCost() == 0 ? 1.0 : r.getCost(),
                r.getPriority() == 0 ? 5 : r.getPriority(),
                r.hasPrediction() ? new PredictionCause(r.getPrediction().getPredictionId(), r.getPrediction().getRisk(),
                        r.getPrediction().getConfidence()) : null,
                r.hasTarget() ? new TargetRef(r.getTarget().getKind(), r.getTarget().getId()) : null,
                r.getExclusiveTarget(), r.getIdempotencyKey(), r.getAffinityMap(), placement,
                r.getMaxAttempts() == 0 ? 3 : r.getMaxAttempts());
    }

    /**
     * The registration an agent sends; with no projects, it serves the stream's project.
     *
     * @throws CommandCenterException INVALID naming the fields ({@code register.*})
     */
    public static AgentRegistration registration(String project, io.commandcenter.proto.v1.AgentRegistration r) {
        Set<String> projects = new HashSet<>(r.getProjectsList());
        if (projects.isEmpty()) {
            projects.add(project);
        }
        return new AgentRegistration(r.getAgentId(), r.getAgentType(), new HashSet<>(r.getActionsList()),
                r.getLabelsMap(), r.getCapacity(), projects);
    }

    /** A load report ({@code health.*} fields). */
    public static AgentLoad load(AgentHealthReport r) {
        return new AgentLoad(r.getCpu(), r.getMemory(), r.getRunningTasks(), r.getCapacity());
    }

    /** The outcome of a result report, or INVALID ({@code result.outcome}). */
    public static TaskOutcome outcome(io.commandcenter.proto.v1.TaskOutcome outcome) {
        return switch (outcome) {
            case TASK_OUTCOME_SUCCEEDED -> TaskOutcome.SUCCEEDED;
            case TASK_OUTCOME_FAILED -> TaskOutcome.FAILED;
            case TASK_OUTCOME_UNSPECIFIED, UNRECOGNIZED -> throw CommandCenterException.invalid("REQUIRED",
                    "result.outcome", "result.outcome: result.outcome must be TASK_OUTCOME_SUCCEEDED or TASK_OUTCOME_FAILED");
        };
    }

    /** The task states a listing asks for, or INVALID ({@code states}). */
    public static Set<TaskState> states(List<ScheduledTaskState> states) {
        Set<TaskState> out = new HashSet<>();
        for (ScheduledTaskState s : states) {
            out.add(switch (s) {
                case SCHEDULED_TASK_STATE_WAITING -> TaskState.WAITING;
                case SCHEDULED_TASK_STATE_QUEUED -> TaskState.QUEUED;
                case SCHEDULED_TASK_STATE_ASSIGNED -> TaskState.ASSIGNED;
                case SCHEDULED_TASK_STATE_SUCCEEDED -> TaskState.SUCCEEDED;
                case SCHEDULED_TASK_STATE_FAILED -> TaskState.FAILED;
                case SCHEDULED_TASK_STATE_CANCELLED -> TaskState.CANCELLED;
                case SCHEDULED_TASK_STATE_UNSPECIFIED, UNRECOGNIZED -> throw CommandCenterException.invalid(
                        "UNKNOWN_ENUM", "states", "states: states must be known ScheduledTaskState values, not " + s);
            });
        }
        return out;
    }

    /** A JSON object as a Struct. */
    public static Struct struct(String json) {
        Struct.Builder builder = Struct.newBuilder();
        if (json == null || json.isEmpty()) {
            return builder.build();
        }
        try {
            PARSER.merge(json, builder);
        } catch (InvalidProtocolBufferException e) {
            throw new CommandCenterException(ErrorKind.INVALID, "BAD_FORMAT", "not a JSON object: " + e.getMessage());
        }
        return builder.build();
    }

    /** A Struct as compact JSON; one holding NaN or an infinity is refused first ({@link #requireFinite}). */
    public static String json(Struct struct) {
        try {
            return PRINTER.print(struct);
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw new CommandCenterException(ErrorKind.INVALID, "BAD_FORMAT", "cannot render as JSON: " + e.getMessage());
        }
    }

    /**
     * Refuses a Struct that JSON cannot carry: NaN or an infinity in any number.
     *
     * @throws CommandCenterException INVALID {@code NOT_FINITE}, naming each such value by its path
     *                                under {@code field} ({@code result.output.latency}, {@code inputs.hosts[2]})
     */
    public static void requireFinite(Struct struct, String field) {
        Violations v = new Violations();
        finite(struct, field, v);
        v.throwIfAny("NOT_FINITE", field + " must hold finite numbers only");
    }

    private static void finite(Struct struct, String path, Violations v) {
        struct.getFieldsMap().forEach((key, value) -> finite(value, path + "." + key, v));
    }

    private static void finite(com.google.protobuf.Value value, String path, Violations v) {
        switch (value.getKindCase()) {
            case NUMBER_VALUE -> {
                if (!Double.isFinite(value.getNumberValue())) {
                    v.add(path, "NOT_FINITE", path + " is " + value.getNumberValue()
                            + "; JSON has no NaN or infinity: send a finite number, a string or null");
                }
            }
            case STRUCT_VALUE -> finite(value.getStructValue(), path, v);
            case LIST_VALUE -> {
                List<com.google.protobuf.Value> values = value.getListValue().getValuesList();
                for (int i = 0; i < values.size(); i++) {
                    finite(values.get(i), path + "[" + i + "]", v);
                }
            }
            default -> {
            }
        }
    }

    // ------------------------------------------------------------------ out

    public static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    public static com.google.protobuf.Duration duration(Duration d) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    public static ScheduledTaskState state(TaskState s) {
        return switch (s) {
            case WAITING -> ScheduledTaskState.SCHEDULED_TASK_STATE_WAITING;
            case QUEUED -> ScheduledTaskState.SCHEDULED_TASK_STATE_QUEUED;
            case ASSIGNED -> ScheduledTaskState.SCHEDULED_TASK_STATE_ASSIGNED;
            case SUCCEEDED -> ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED;
            case FAILED -> ScheduledTaskState.SCHEDULED_TASK_STATE_FAILED;
            case CANCELLED -> ScheduledTaskState.SCHEDULED_TASK_STATE_CANCELLED;
        };
    }

    static io.commandcenter.proto.v1.Placement placement(Placement p) {
        return switch (p) {
            case DEFAULT -> io.commandcenter.proto.v1.Placement.PLACEMENT_UNSPECIFIED;
            case CLUSTER -> io.commandcenter.proto.v1.Placement.PLACEMENT_CLUSTER;
            case ORIGIN_HUB -> io.commandcenter.proto.v1.Placement.PLACEMENT_ORIGIN_HUB;
        };
    }

    static io.commandcenter.proto.v1.PredictionCause prediction(PredictionCause p) {
        return io.commandcenter.proto.v1.PredictionCause.newBuilder().setPredictionId(p.predictionId())
                .setRisk(p.risk()).setConfidence(p.confidence()).build();
    }

    public static ScheduledTask task(Task t) {
        TaskSpec s = t.spec();
        ScheduledTask.Builder b = ScheduledTask.newBuilder().setTaskId(t.id()).setProjectId(s.project())
                .setCapability(s.capability().toString()).setWorkflow(s.workflow())
                .setWorkflowRunId(s.workflowRunId()).setNodeId(s.nodeId()).setCost(s.cost())
                .setPriority(s.priority()).setEffectivePriority(t.effectivePriority())
                .setExclusiveTarget(s.exclusiveTarget()).setIdempotencyKey(s.idempotencyKey())
                .putAllAffinity(s.affinity()).setPlacement(placement(s.placement())).setState(state(t.state()))
                .setStateReason(t.stateReason()).setOriginHubId(t.originHub()).addAllDelegatedHubIds(t.delegatedHubs())
                .setAttempt(t.attempt()).setMaxAttempts(s.maxAttempts()).setSubmitTime(timestamp(t.submittedAt()))
                .setUpdateTime(timestamp(t.updatedAt()));
        if (!s.inputsJson().isEmpty()) {
            b.setInputs(struct(s.inputsJson()));
        }
        if (s.prediction() != null) {
            b.setPrediction(prediction(s.prediction()));
        }
        if (s.target() != null) {
            b.setTarget(EntityRef.newBuilder().setKind(s.target().kind()).setId(s.target().id()));
        }
        if (t.assignment() != null) {
            b.setAssignment(assignment(t.assignment()));
        }
        if (t.progress() != null) {
            b.setProgress(io.commandcenter.proto.v1.TaskProgress.newBuilder().setTaskId(t.id())
                    .setFencingToken(t.assignment() == null ? 0 : t.assignment().fencingToken())
                    .setFraction(t.progress().fraction()).setMessage(t.progress().message()));
        }
        if (t.result() != null) {
            TaskResult.Builder r = TaskResult.newBuilder()
                    .setOutcome(t.result().outcome() == TaskOutcome.SUCCEEDED
                            ? io.commandcenter.proto.v1.TaskOutcome.TASK_OUTCOME_SUCCEEDED
                            : io.commandcenter.proto.v1.TaskOutcome.TASK_OUTCOME_FAILED)
                    .setError(t.result().error()).setAgentId(t.result().agentId())
                    .setFinishTime(timestamp(t.result().finishedAt()));
            if (!t.result().outputJson().isEmpty()) {
                r.setOutput(struct(t.result().outputJson()));
            }
            b.setResult(r);
        }
        return b.build();
    }

    public static io.commandcenter.proto.v1.Assignment assignment(Assignment a) {
        Score s = a.score();
        return io.commandcenter.proto.v1.Assignment.newBuilder().setTaskId(a.taskId()).setProjectId(a.project())
                .setCapability(a.capability()).setWorkflow(a.workflow()).setAgentId(a.agentId())
                .setAgentType(a.agentType()).setAgentHubId(a.agentHub()).setDecidedByHubId(a.decidedByHub())
                .setOriginHubId(a.originHub()).setFencingToken(a.fencingToken()).setAttempt(a.attempt())
                .setAssignTime(timestamp(a.assignedAt())).setLeaseExpireTime(timestamp(a.leaseExpiresAt()))
                .setQueueDelay(duration(a.queueDelay()))
                .setScore(AssignmentScore.newBuilder().setTotal(s.total()).setCapabilityMatch(s.capabilityMatch())
                        .setHeadroom(s.headroom()).setSuccessRate(s.successRate()).setAffinity(s.affinity())
                        .setWeights(io.commandcenter.proto.v1.ScoreWeights.newBuilder()
                                .setCapability(s.weights().capability()).setHeadroom(s.weights().headroom())
                                .setSuccess(s.weights().success()).setAffinity(s.weights().affinity())))
                .setCandidates(a.candidates()).setVirtualFinish(a.virtualFinish())
                .setUsedReservedCapacity(a.usedReserve()).build();
    }

    public static io.commandcenter.proto.v1.Delegation delegation(Delegation d) {
        return io.commandcenter.proto.v1.Delegation.newBuilder().setTaskId(d.taskId()).setProjectId(d.project())
                .setCapability(d.capability()).setFromHubId(d.fromHub()).setToHubId(d.toHub())
                .setDecidedByHubId(d.decidedByHub()).setTime(timestamp(d.time())).setBacklog(d.backlog())
                .setFreeSlots(d.freeSlots()).build();
    }

    /** What an agent receives for a lease. */
    public static AgentAssignment work(Dispatched d) {
        Assignment a = d.assignment();
        TaskSpec s = d.spec();
        AgentAssignment.Builder b = AgentAssignment.newBuilder().setTaskId(a.taskId()).setProjectId(a.project())
                .setCapability(a.capability()).setFencingToken(a.fencingToken())
                .setLeaseExpireTime(timestamp(a.leaseExpiresAt())).setAttempt(a.attempt()).setWorkflow(s.workflow())
                .setWorkflowRunId(s.workflowRunId()).setNodeId(s.nodeId());
        if (!s.inputsJson().isEmpty()) {
            b.setInputs(struct(s.inputsJson()));
        }
        if (s.target() != null) {
            b.setTarget(EntityRef.newBuilder().setKind(s.target().kind()).setId(s.target().id()));
        }
        if (s.prediction() != null) {
            b.setPrediction(prediction(s.prediction()));
        }
        return b.build();
    }

    public static Agent agent(AgentView a) {
        Agent.Builder b = Agent.newBuilder().setAgentId(a.registration().agentId())
                .setAgentType(a.registration().agentType()).addAllActions(a.registration().sortedActions())
                .putAllLabels(a.registration().labels()).putLabels("hub", a.hubId()).setHubId(a.hubId())
                .setState(a.state() == AgentState.CONNECTED ? io.commandcenter.proto.v1.AgentState.AGENT_STATE_CONNECTED
                        : io.commandcenter.proto.v1.AgentState.AGENT_STATE_DISCONNECTED)
                .setCapacity(a.capacity()).setLeased(a.leased())
                .setHealth(AgentHealthReport.newBuilder().setCpu(a.load().cpu()).setMemory(a.load().memory())
                        .setRunningTasks(a.load().runningTasks()).setCapacity(a.load().capacity()))
                .putAllSuccessRates(a.successRates()).addAllProjects(new java.util.TreeSet<>(a.registration().projects()))
                .setConnectTime(timestamp(a.connectedAt())).setLastSeenTime(timestamp(a.lastSeen()));
        if (a.loadTime() != null) {
            b.setHealthTime(timestamp(a.loadTime()));
        }
        return b.build();
    }

    public static AgentPool pool(PoolSummary s) {
        return AgentPool.newBuilder().setAgentType(s.agentType()).setCapacity(s.capacity()).setFreeSlots(s.free())
                .setReservedSlots(s.reserved()).setQueued(s.queued()).setWaiting(s.waiting())
                .setAssigned(s.assigned()).build();
    }

    /**
     * A scheduler event's payload as a protobuf message, for the hub's event bus:
     * {@code commandcenter.v1.Assignment}, {@code commandcenter.v1.Delegation} or
     * {@code commandcenter.v1.ScheduledTask}.
     */
    public static Message payload(SchedulerEvent event) {
        if (event instanceof SchedulerEvent.AssignmentMade a) {
            return assignment(a.assignment());
        }
        if (event instanceof SchedulerEvent.TaskDelegated d) {
            return delegation(d.delegation());
        }
        return task(((SchedulerEvent.TaskChanged) event).task());
    }
}
