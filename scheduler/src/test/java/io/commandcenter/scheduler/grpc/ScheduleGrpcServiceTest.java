package io.commandcenter.scheduler.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.commandcenter.proto.v1.AgentHealthReport;
import io.commandcenter.proto.v1.AgentHeartbeat;
import io.commandcenter.proto.v1.AgentRegistration;
import io.commandcenter.proto.v1.CancelTaskRequest;
import io.commandcenter.proto.v1.ConnectAgentRequest;
import io.commandcenter.proto.v1.ConnectAgentResponse;
import io.commandcenter.proto.v1.EntityRef;
import io.commandcenter.proto.v1.GetTaskRequest;
import io.commandcenter.proto.v1.LeaseRef;
import io.commandcenter.proto.v1.ListAgentsRequest;
import io.commandcenter.proto.v1.ListAgentsResponse;
import io.commandcenter.proto.v1.ListAssignmentsRequest;
import io.commandcenter.proto.v1.ListTasksRequest;
import io.commandcenter.proto.v1.ListTasksResponse;
import io.commandcenter.proto.v1.PredictionCause;
import io.commandcenter.proto.v1.ScheduledTaskState;
import io.commandcenter.proto.v1.SubmitTaskRequest;
import io.commandcenter.proto.v1.SubmitTaskResponse;
import io.commandcenter.proto.v1.TaskOutcome;
import io.commandcenter.proto.v1.TaskResultReport;
import io.commandcenter.proto.v1.WatchAssignmentsRequest;
import io.commandcenter.proto.v1.WatchAssignmentsResponse;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.mesh.InMemoryMesh;
import io.commandcenter.scheduler.state.InMemorySchedulerState;
import io.commandcenter.scheduler.testing.GrpcFixture;
import io.commandcenter.scheduler.testing.MutableClock;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleGrpcServiceTest {
    static final String P = "payments";

    final MutableClock clock = new MutableClock();
    final InMemoryMesh.Network network = new InMemoryMesh.Network(Executors.newSingleThreadExecutor());
    final Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub-a").withMaxPayloadBytes(1024),
            new InMemorySchedulerState(clock), new InMemoryMesh(network), clock);
    final GrpcFixture grpc = GrpcFixture.inProcess(scheduler, new ScheduleGrpcService.Options(1, 16));

    @AfterEach
    void close() throws InterruptedException {
        grpc.close();
        scheduler.close();
    }

    /** A remote agent on a ConnectAgent stream. */
    final class Agent implements StreamObserver<ConnectAgentResponse> {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final StreamObserver<ConnectAgentRequest> out;

        Agent(String project) {
            out = grpc.async(project).connectAgent(this);
        }

        /** Calling with a test credential: {@code owner} or {@code owner@project} (see GrpcFixture). */
        Agent(String project, String credential) {
            out = grpc.async(project, credential).connectAgent(this);
        }

        Agent register(String id, int capacity, String... actions) {
            return registerFor(java.util.List.of(), id, capacity, actions);
        }

        Agent registerFor(java.util.List<String> projects, String id, int capacity, String... actions) {
            out.onNext(ConnectAgentRequest.newBuilder().setRegister(AgentRegistration.newBuilder().setAgentId(id)
                    .setAgentType("devops").addAllActions(java.util.List.of(actions)).setCapacity(capacity)
                    .addAllProjects(projects)).build());
            return this;
        }

        ConnectAgentResponse next() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("a message within 10 s").isNotNull().isInstanceOf(ConnectAgentResponse.class);
            return (ConnectAgentResponse) o;
        }

        Throwable error() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("the stream's end within 10 s").isInstanceOf(Throwable.class);
            return (Throwable) o;
        }

        void send(ConnectAgentRequest request) {
            out.onNext(request);
        }

        @Override
        public void onNext(ConnectAgentResponse value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            received.add(t);
        }

        @Override
        public void onCompleted() {
            received.add("completed");
        }
    }

    static SubmitTaskRequest restart() {
        return SubmitTaskRequest.newBuilder().setCapability("devops.restart").build();
    }

    static ErrorInfo info(StatusRuntimeException e) throws Exception {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        for (var any : status.getDetailsList()) {
            if (any.is(ErrorInfo.class)) {
                return any.unpack(ErrorInfo.class);
            }
        }
        throw new AssertionError("no ErrorInfo in " + status);
    }

    static BadRequest badRequest(StatusRuntimeException e) throws Exception {
        for (var any : StatusProto.fromThrowable(e).getDetailsList()) {
            if (any.is(BadRequest.class)) {
                return any.unpack(BadRequest.class);
            }
        }
        throw new AssertionError("no BadRequest");
    }

    static void assertInvalid(Runnable call, String reason, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            try {
                assertThat(info(e).getDomain()).isEqualTo("commandcenter.io");
                assertThat(info(e).getReason()).isEqualTo(reason);
                assertThat(badRequest(e).getFieldViolationsList()).anySatisfy(v -> assertThat(v.getField()).isEqualTo(field));
            } catch (Exception x) {
                throw new AssertionError(x);
            }
        });
    }

    // ------------------------------------------------------------------ the happy path

    @Test
    void aRemoteAgent_registers_receivesATask_reportsItsResult_andTheTaskSucceeds() throws Exception {
        Agent agent = new Agent(P).register("devops-1", 2, "restart");
        assertThat(agent.next().getRegistered().getHeartbeatInterval().getSeconds()).isEqualTo(10);

        SubmitTaskResponse submitted = grpc.blocking(P).submitTask(restart().toBuilder()
                .setInputs(Struct.newBuilder().putFields("service", Value.newBuilder().setStringValue("api").build()))
                .setTarget(EntityRef.newBuilder().setKind("service").setId("api")).build());
        ConnectAgentResponse assignment = agent.next();

        assertThat(submitted.getCreated()).isTrue();
        assertThat(assignment.getAssignment().getTaskId()).isEqualTo(submitted.getTask().getTaskId());
        assertThat(assignment.getAssignment().getInputs().getFieldsOrThrow("service").getStringValue()).isEqualTo("api");
        agent.send(ConnectAgentRequest.newBuilder().setResult(TaskResultReport.newBuilder()
                .setTaskId(assignment.getAssignment().getTaskId())
                .setFencingToken(assignment.getAssignment().getFencingToken())
                .setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED)).build());
        assertThat(agent.next().getResultAccepted().getState()).isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED);
        var task = grpc.blocking(P).getTask(GetTaskRequest.newBuilder().setTaskId(submitted.getTask().getTaskId()).build())
                .getTask();
        assertThat(task.getState()).isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED);
        assertThat(task.getAssignment().getScore().getWeights().getHeadroom()).isEqualTo(0.35);
        assertThat(grpc.blocking(P).listAssignments(ListAssignmentsRequest.getDefaultInstance()).getAssignmentsList())
                .singleElement().satisfies(a -> assertThat(a.getAgentId()).isEqualTo("devops-1"));
    }

    @Test
    void listings_showTasksAgentsAndPools_andPageTokensAreTiedToTheirFilters() {
        new Agent(P).register("devops-1", 1, "restart");
        org.awaitility.Awaitility.await().until(() -> !grpc.blocking(P).listAgents(ListAgentsRequest.getDefaultInstance())
                .getAgentsList().isEmpty());
        for (int i = 0; i < 3; i++) {
            grpc.blocking(P).submitTask(restart());
            clock.advance(Duration.ofMillis(1));
        }

        ListTasksResponse page = grpc.blocking(P).listTasks(ListTasksRequest.newBuilder().setPageSize(2).build());
        ListAgentsResponse agents = grpc.blocking(P).listAgents(ListAgentsRequest.getDefaultInstance());

        assertThat(page.getTasksList()).hasSize(2);
        assertThat(grpc.blocking(P).listTasks(ListTasksRequest.newBuilder().setPageSize(2)
                .setPageToken(page.getNextPageToken()).build()).getTasksList()).hasSize(1);
        assertInvalid(() -> grpc.blocking(P).listTasks(ListTasksRequest.newBuilder().setPageSize(2)
                .setCapability("devops.restart").setPageToken(page.getNextPageToken()).build()),
                "INVALID_PAGE_TOKEN", "page_token");
        assertThat(agents.getAgentsList()).singleElement().satisfies(a -> {
            assertThat(a.getLabelsMap()).containsEntry("hub", "hub-a");
            assertThat(a.getProjectsList()).containsExactly(P);
        });
        assertThat(agents.getPoolsList()).singleElement().satisfies(p -> assertThat(p.getCapacity()).isEqualTo(1));
    }

    @Test
    void cancel_endsATask_andASecondCancelReturnsItUnchanged() {
        new Agent(P).register("devops-1", 1, "restart");
        org.awaitility.Awaitility.await().until(() -> !grpc.blocking(P).listAgents(ListAgentsRequest.getDefaultInstance())
                .getAgentsList().isEmpty());
        grpc.blocking(P).submitTask(restart());
        String id = grpc.blocking(P).submitTask(restart()).getTask().getTaskId();

        var cancelled = grpc.blocking(P).cancelTask(CancelTaskRequest.newBuilder().setTaskId(id).setReason("x").build());

        assertThat(cancelled.getTask().getState()).isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_CANCELLED);
        assertThat(grpc.blocking(P).cancelTask(CancelTaskRequest.newBuilder().setTaskId(id).build()).getTask()
                .getState()).isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_CANCELLED);
    }

    @Test
    void aFollower_seesEachAssignmentOfItsProject_andASecondFollowerOverTheLimitIsRefused() throws Exception {
        new Agent(P).register("devops-1", 4, "restart");
        Iterator<WatchAssignmentsResponse> watch = grpc.blocking(P).watchAssignments(
                WatchAssignmentsRequest.getDefaultInstance());
        assertThat(watch.next().getStarted().getProjectId()).isEqualTo(P);

        String id = grpc.blocking(P).submitTask(restart()).getTask().getTaskId();

        assertThat(watch.next().getAssignment().getTaskId()).isEqualTo(id);
        assertThatThrownBy(() -> grpc.blocking(P).watchAssignments(WatchAssignmentsRequest.getDefaultInstance()).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    try {
                        assertThat(info(e).getReason()).isEqualTo("TOO_MANY_WATCHERS");
                    } catch (Exception x) {
                        throw new AssertionError(x);
                    }
                });
    }

    @Test
    void endingTheStreams_endsAgentStreamsAndWatchesShuttingDown_disconnectsTheAgents_andEndsLaterOnesAtOnce()
            throws Exception {
        Agent agent = new Agent(P).register("devops-1", 2, "restart");
        assertThat(agent.next().hasRegistered()).isTrue();
        Iterator<WatchAssignmentsResponse> watch = grpc.blocking(P).watchAssignments(
                WatchAssignmentsRequest.getDefaultInstance());
        assertThat(watch.next().hasStarted()).isTrue();

        grpc.service().endStreams();

        assertShuttingDown(agent.error());
        assertThatThrownBy(watch::next).isInstanceOfSatisfying(StatusRuntimeException.class,
                ScheduleGrpcServiceTest::assertShuttingDown);
        // marked disconnected in its pool (other hubs stop choosing it), not left for its silence
        assertThat(scheduler.agents(P, "devops").agents()).singleElement().satisfies(a -> {
            assertThat(a.registration().agentId()).isEqualTo("devops-1");
            assertThat(a.state()).isEqualTo(io.commandcenter.scheduler.agents.AgentState.DISCONNECTED);
        });
        // a stream opened afterwards (a call gRPC accepted before it stopped taking new ones) ends at once,
        // unregistered; the ended watch no longer counts against the limit of one follower
        Agent late = new Agent(P).register("devops-2", 2, "restart");
        assertShuttingDown(late.error());
        assertThatThrownBy(() -> grpc.blocking(P).watchAssignments(WatchAssignmentsRequest.getDefaultInstance()).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class, ScheduleGrpcServiceTest::assertShuttingDown);
        assertThat(scheduler.agents(P, "devops").agents()).extracting(a -> a.registration().agentId()).containsExactly("devops-1");
    }

    static void assertShuttingDown(Throwable ended) {
        assertThat(ended).isInstanceOf(StatusRuntimeException.class);
        StatusRuntimeException e = (StatusRuntimeException) ended;
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        try {
            assertThat(info(e).getReason()).isEqualTo("SHUTTING_DOWN");
        } catch (Exception x) {
            throw new AssertionError(x);
        }
    }

    // ------------------------------------------------------------------ bad input, one kind each

    @Test
    void anUnknownCapability_isInvalidArgument_namingTheField() throws Exception {
        new Agent(P).register("devops-1", 1, "restart").next();

        assertInvalid(() -> grpc.blocking(P).submitTask(SubmitTaskRequest.newBuilder().setCapability("devops.reboot")
                .build()), "UNKNOWN_CAPABILITY", "capability");
        assertInvalid(() -> grpc.blocking(P).submitTask(SubmitTaskRequest.newBuilder().setCapability("restart")
                .build()), "INVALID_CAPABILITY", "capability");
    }

    @Test
    void aNegativeCost_isInvalidArgument_namingTheField() throws Exception {
        new Agent(P).register("devops-1", 1, "restart").next();

        assertInvalid(() -> grpc.blocking(P).submitTask(restart().toBuilder().setCost(-2).build()), "OUT_OF_RANGE",
                "cost");
        assertInvalid(() -> grpc.blocking(P).submitTask(restart().toBuilder().setPrediction(PredictionCause
                .newBuilder().setPredictionId("p1").setRisk(92)).build()), "OUT_OF_RANGE", "prediction.risk");
    }

    @Test
    void aCallWithoutAProject_isInvalidArgument_namingTheHeader() {
        assertInvalid(() -> grpc.blocking(null).submitTask(restart()), "INVALID_PROJECT", "x-cc-project");
        assertInvalid(() -> grpc.blocking("Not A Project").listTasks(ListTasksRequest.getDefaultInstance()),
                "INVALID_PROJECT", "x-cc-project");
    }

    @Test
    void oversizedInputs_areInvalidArgument_namingTheField() throws Exception {
        new Agent(P).register("devops-1", 1, "restart").next();

        assertInvalid(() -> grpc.blocking(P).submitTask(restart().toBuilder().setInputs(Struct.newBuilder()
                .putFields("blob", Value.newBuilder().setStringValue("x".repeat(2000)).build())).build()),
                "PAYLOAD_TOO_LARGE", "inputs");
    }

    @Test
    void nanOrInfinityInInputs_isInvalidArgument_namingTheValue_andNoTaskIsQueued() throws Exception {
        new Agent(P).register("devops-1", 1, "restart").next();
        Struct inputs = Struct.newBuilder()
                .putFields("latency", Value.newBuilder().setNumberValue(Double.NaN).build())
                .putFields("hosts", Value.newBuilder().setListValue(com.google.protobuf.ListValue.newBuilder()
                        .addValues(Value.newBuilder().setNumberValue(1))
                        .addValues(Value.newBuilder().setNumberValue(Double.POSITIVE_INFINITY))).build())
                .build();

        StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                () -> grpc.blocking(P).submitTask(restart().toBuilder().setInputs(inputs).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(info(e).getReason()).isEqualTo("NOT_FINITE");
        assertThat(badRequest(e).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .containsExactlyInAnyOrder("inputs.latency", "inputs.hosts[1]");
        assertThat(grpc.blocking(P).listTasks(ListTasksRequest.getDefaultInstance()).getTasksList()).isEmpty();
    }

    @Test
    void aResultWithNanInItsOutput_isRejectedNamingTheValue_andTheAgentCanStillReportTheTask() throws Exception {
        Agent agent = new Agent(P).register("devops-1", 1, "restart");
        agent.next();
        String id = grpc.blocking(P).submitTask(restart()).getTask().getTaskId();
        var work = agent.next().getAssignment();
        TaskResultReport.Builder result = TaskResultReport.newBuilder().setTaskId(id)
                .setFencingToken(work.getFencingToken()).setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED);

        agent.send(ConnectAgentRequest.newBuilder().setResult(result.clone().setOutput(Struct.newBuilder()
                .putFields("took", Value.newBuilder().setNumberValue(Double.NaN).build()))).build());
        var rejected = agent.next().getRejected();
        agent.send(ConnectAgentRequest.newBuilder().setResult(result.clone().setOutput(Struct.newBuilder()
                .putFields("took", Value.newBuilder().setNumberValue(1.5).build()))).build());

        assertThat(rejected.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(rejected.getReason()).isEqualTo("NOT_FINITE");
        assertThat(rejected.getFieldsList()).singleElement()
                .satisfies(f -> assertThat(f.getField()).isEqualTo("result.output.took"));
        assertThat(agent.next().getResultAccepted().getState())
                .isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED);
    }

    @Test
    void aResultForATaskTheAgentDoesNotHold_isRejectedOnTheStream_whichGoesOn() throws Exception {
        Agent holder = new Agent(P).register("holder", 1, "restart");
        holder.next();
        String id = grpc.blocking(P).submitTask(restart()).getTask().getTaskId();
        var work = holder.next().getAssignment();
        Agent intruder = new Agent(P).register("intruder", 1, "restart");
        intruder.next();

        intruder.send(ConnectAgentRequest.newBuilder().setResult(TaskResultReport.newBuilder().setTaskId(id)
                .setFencingToken(work.getFencingToken()).setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED)).build());
        var rejected = intruder.next().getRejected();
        intruder.send(ConnectAgentRequest.newBuilder().setResult(TaskResultReport.newBuilder().setTaskId(id)
                .setFencingToken(work.getFencingToken())).build());
        var noOutcome = intruder.next().getRejected();
        holder.send(ConnectAgentRequest.newBuilder().setResult(TaskResultReport.newBuilder().setTaskId(id)
                .setFencingToken(work.getFencingToken()).setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED)
                .setOutput(Struct.newBuilder().putFields("x", Value.newBuilder().setStringValue("y".repeat(2000))
                        .build()))).build());
        var tooLarge = holder.next().getRejected();
        holder.send(ConnectAgentRequest.newBuilder().setResult(TaskResultReport.newBuilder().setTaskId(id)
                .setFencingToken(work.getFencingToken()).setOutcome(TaskOutcome.TASK_OUTCOME_SUCCEEDED)).build());

        assertThat(rejected.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
        assertThat(rejected.getReason()).isEqualTo("LEASE_NOT_HELD");
        assertThat(rejected.getTaskId()).isEqualTo(id);
        assertThat(rejected.getFieldsList()).singleElement()
                .satisfies(f -> assertThat(f.getField()).isEqualTo("result.fencing_token"));
        assertThat(noOutcome.getFieldsList()).anySatisfy(f -> assertThat(f.getField()).isEqualTo("result.outcome"));
        assertThat(tooLarge.getReason()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(holder.next().getResultAccepted().getState())
                .isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_SUCCEEDED);
        assertThat(grpc.blocking(P).submitTask(restart()).getCreated()).as("the scheduler keeps running").isTrue();
    }

    @Test
    void aHeartbeatForAForeignLease_isAnsweredWithRevoked_andABadHealthReportWithRejected() throws Exception {
        Agent agent = new Agent(P).register("devops-1", 1, "restart");
        agent.next();

        agent.send(ConnectAgentRequest.newBuilder().setHeartbeat(AgentHeartbeat.newBuilder()
                .addLeases(LeaseRef.newBuilder().setTaskId("t-unknown").setFencingToken(7))).build());
        var revoked = agent.next().getRevoked();
        agent.send(ConnectAgentRequest.newBuilder().setHealth(AgentHealthReport.newBuilder().setCpu(85)).build());
        var rejected = agent.next().getRejected();

        assertThat(revoked.getReason()).isEqualTo("LEASE_NOT_HELD");
        assertThat(rejected.getFieldsList()).singleElement().satisfies(f -> {
            assertThat(f.getField()).isEqualTo("health.cpu");
            assertThat(f.getDescription()).contains("percentage");
        });
    }

    @Test
    void anAgentId_belongsToTheCredentialThatFirstRegisteredIt_anotherCredentialIsRefused() throws Exception {
        Agent first = new Agent(P, "key-a").register("devops-1", 1, "restart");
        first.next();

        Agent rogue = new Agent(P, "key-b").register("devops-1", 1, "restart");
        StatusRuntimeException refused = (StatusRuntimeException) rogue.error();
        String id = grpc.blocking(P).submitTask(restart()).getTask().getTaskId();

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(info(refused).getReason()).isEqualTo("AGENT_ID_TAKEN");
        assertThat(refused.getStatus().getDescription()).doesNotContain("key-a");
        assertThat(first.next().getAssignment().getTaskId()).as("the first agent keeps its place").isEqualTo(id);
        Agent again = new Agent(P, "key-a").register("devops-1", 1, "restart");
        assertThat(again.next().hasRegistered()).as("its own credential may reconnect it").isTrue();
    }

    @Test
    void theHubsOwnAgentIds_areReserved_noCredentialTakesTheirPlace() throws Exception {
        java.util.List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        var builtIn = scheduler.connect(io.commandcenter.scheduler.agents.AgentRegistration
                .of("devops:hub-a", "devops", 1, "restart").withOwner(io.commandcenter.scheduler.agents
                        .AgentRegistration.HUB_OWNER), new io.commandcenter.scheduler.AgentListener() {
                    @Override
                    public void onAssignment(io.commandcenter.scheduler.pool.Dispatched work) {
                        ran.add(work.assignment().taskId());
                    }

                    @Override
                    public void onRevoked(io.commandcenter.scheduler.leases.Revocation revocation) {
                    }

                    @Override
                    public void onClosed(io.commandcenter.common.error.CommandCenterException reason) {
                    }
                });

        StatusRuntimeException refused = (StatusRuntimeException) new Agent(P, "admin-key")
                .register("devops:hub-a", 8, "*").error();
        String id = grpc.blocking(P).submitTask(restart()).getTask().getTaskId();

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(info(refused).getReason()).isEqualTo("AGENT_ID_TAKEN");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(ran).containsExactly(id));
        assertThat(builtIn.isClosed()).isFalse();
    }

    @Test
    void aCredentialOfOneProject_connectsAgentsForThatProjectOnly() throws Exception {
        StatusRuntimeException other = (StatusRuntimeException) new Agent("billing", "key-b@billing")
                .registerFor(java.util.List.of(P), "b-1", 1, "restart").error();
        StatusRuntimeException every = (StatusRuntimeException) new Agent("billing", "key-b@billing")
                .registerFor(java.util.List.of("*"), "b-2", 1, "restart").error();
        Agent own = new Agent("billing", "key-b@billing").register("b-3", 1, "restart");
        own.next();
        String paymentsTask = grpc.blocking(P).submitTask(restart()).getTask().getTaskId();
        String billingTask = grpc.blocking("billing").submitTask(restart()).getTask().getTaskId();

        for (StatusRuntimeException e : java.util.List.of(other, every)) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(info(e).getReason()).isEqualTo("PROJECT_NOT_COVERED");
            assertThat(e.getStatus().getDescription()).startsWith("register.projects");
        }
        assertThat(own.next().getAssignment().getTaskId()).as("it serves its own project").isEqualTo(billingTask);
        assertThat(grpc.blocking(P).getTask(GetTaskRequest.newBuilder().setTaskId(paymentsTask).build()).getTask()
                .getState()).as("another project's task waits for an agent of its own")
                .isEqualTo(ScheduledTaskState.SCHEDULED_TASK_STATE_QUEUED);
        assertThat(grpc.blocking(P).listAgents(ListAgentsRequest.getDefaultInstance()).getAgentsList())
                .extracting(a -> a.getAgentId()).doesNotContain("b-3");
    }

    @Test
    void aStreamWhoseFirstMessageIsNotARegistration_endsWithInvalidArgument() throws Exception {
        Agent agent = new Agent(P);

        agent.send(ConnectAgentRequest.newBuilder().setHealth(AgentHealthReport.getDefaultInstance()).build());

        Throwable error = agent.error();
        assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(info((StatusRuntimeException) error).getReason()).isEqualTo("REGISTRATION_REQUIRED");
    }

    @Test
    void anInvalidRegistration_endsTheStream_namingEachField() throws Exception {
        Agent agent = new Agent(P);

        agent.send(ConnectAgentRequest.newBuilder().setRegister(AgentRegistration.newBuilder().setAgentId("bad id")
                .setAgentType("devops").setCapacity(0)).build());

        StatusRuntimeException error = (StatusRuntimeException) agent.error();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badRequest(error).getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .contains("register.agent_id", "register.actions", "register.capacity");
    }

    @Test
    void unknownAndMalformedTaskIds_areNotFoundAndInvalid() {
        assertThatThrownBy(() -> grpc.blocking(P).getTask(GetTaskRequest.newBuilder().setTaskId("t-nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertInvalid(() -> grpc.blocking(P).getTask(GetTaskRequest.newBuilder().setTaskId("../etc").build()),
                "BAD_FORMAT", "task_id");
        assertInvalid(() -> grpc.blocking(P).listTasks(ListTasksRequest.newBuilder()
                .addStates(ScheduledTaskState.SCHEDULED_TASK_STATE_UNSPECIFIED).build()), "UNKNOWN_ENUM", "states");
    }
}
