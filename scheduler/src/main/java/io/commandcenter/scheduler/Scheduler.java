package io.commandcenter.scheduler;

import io.commandcenter.scheduler.agents.AgentLoad;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.capacity.LoadSignal;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.events.SchedulerEvents;
import io.commandcenter.scheduler.leases.Assignment;
import io.commandcenter.scheduler.mesh.SchedulerMesh;
import io.commandcenter.scheduler.pool.AssignmentQuery;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.Enqueued;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.pool.PoolOps;
import io.commandcenter.scheduler.pool.PoolSummary;
import io.commandcenter.scheduler.pool.Registered;
import io.commandcenter.scheduler.pool.TargetRelease;
import io.commandcenter.scheduler.pool.TaskQuery;
import io.commandcenter.scheduler.state.IdempotencyRecord;
import io.commandcenter.scheduler.state.SchedulerState;
import io.commandcenter.scheduler.targets.GateOp;
import io.commandcenter.scheduler.targets.TargetGate;
import io.commandcenter.scheduler.task.Capability;
import io.commandcenter.scheduler.task.Forms;
import io.commandcenter.scheduler.task.Placement;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One hub's mesh scheduler: the API the hub calls. Tasks are submitted, read and cancelled here;
 * agents (built in, or remote through the gRPC adapter) connect here; decisions are published to
 * every hub through the mesh and reach {@link SchedulerEvents} subscribers.
 *
 * <p>The scheduler keeps no state of its own beyond the agents whose streams this hub holds:
 * queues, leases, agents and gates live in the {@link SchedulerState} (shared by every hub of a
 * cluster), and every decision is one atomic operation there. Any hub may dispatch any pool and
 * the best agent may sit on any hub; a hub that dies loses nothing but its agents' streams.
 *
 * <p>Failure modes: a state failure surfaces as {@link CommandCenterException} UNAVAILABLE
 * ({@code STATE_UNAVAILABLE}); submitting again with the same idempotency key is then safe. Calls
 * after {@link #close()} fail with UNAVAILABLE ({@code SHUTTING_DOWN}). Background work (dispatch,
 * maintenance, federation) logs its failures and carries on. Thread-safe.
 *
 * <p>Closing stops this hub's threads and ends its agents' sessions, marking them disconnected in
 * their pools (waited for {@value #DISCONNECT_WAIT_MILLIS} ms at most, while its own threads are
 * joined: the close takes no longer than before); it does not close the state or the mesh, which
 * belong to the caller.
 */
public final class Scheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
    /** How long {@link #close} waits for the pools to mark its agents disconnected. */
    static final long DISCONNECT_WAIT_MILLIS = 5_000;

    private final SchedulerSettings settings;
    private final SchedulerState state;
    private final SchedulerMesh mesh;
    private final Clock clock;
    private final PoolConfig config;
    private final LocalAgents agents;
    private final DispatchLoop dispatcher;
    private final Maintenance maintenance;
    private final EventPublisher publisher;
    private final CopyOnWriteArrayList<SchedulerEvents> listeners = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private final ScheduledExecutorService timers;
    private final AtomicLong sequence = new AtomicLong();
    private final QuietLog quiet = new QuietLog(LOG, Duration.ofSeconds(30));
    private final String idPrefix;
    private volatile boolean closed;

    private Scheduler(SchedulerSettings settings, SchedulerState state, SchedulerMesh mesh, Clock clock) {
        this.settings = settings;
        this.state = state;
        this.mesh = mesh;
        this.clock = clock;
        this.config = settings.poolConfig();
        this.idPrefix = Long.toString(clock.millis(), 36) + "-" + sanitize(settings.hubId()) + "-";
        this.agents = new LocalAgents(this);
        this.maintenance = new Maintenance(this);
        this.dispatcher = new DispatchLoop(this::dispatch, settings.background(),
                "cc-scheduler-dispatch-" + settings.hubId(), quiet);
        this.publisher = new EventPublisher(mesh, settings.background(), "cc-scheduler-events-" + settings.hubId(),
                quiet);
        this.timers = settings.background() ? Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("cc-scheduler-maintenance-" + settings.hubId())) : null;
    }

    /**
     * Starts a hub's scheduler over a state and a mesh (in memory, or Hazelcast for a cluster).
     * In background mode, dispatch runs on its own thread and maintenance every
     * {@code sweepInterval} (federation every {@code federationInterval} on a meta hub).
     */
    public static Scheduler start(SchedulerSettings settings, SchedulerState state, SchedulerMesh mesh, Clock clock) {
        Scheduler s = new Scheduler(settings, state, mesh, clock);
        try {
            s.begin();
        } catch (RuntimeException | Error e) {
            // the threads are running and the mesh may hear this scheduler already: stop them before failing
            s.close();
            throw e;
        }
        LOG.log(Level.INFO, "scheduler of hub {0} started: placement {1}, policy {2}, lease {3}, meta hub {4}",
                settings.hubId(), settings.placement(), settings.policy(), settings.lease(),
                settings.metaHub() ? (settings.delegation() ? "delegating" : "observing") : "no");
        return s;
    }

    /** Subscribes to the mesh, seeds the configured weights, starts the timers and signals every pool. */
    private void begin() {
        subscriptions.add(mesh.subscribeEvents(this::fanOut));
        subscriptions.add(mesh.receive(settings.hubId(), agents::receive));
        subscriptions.add(mesh.onPeerLost(maintenance::peerLost));
        settings.projectWeights().forEach((project, w) -> {
            if (state.weight(project, -1) < 0) {
                setProjectWeight(project, w);
            }
        });
        if (timers != null) {
            long sweep = settings.sweepInterval().toMillis();
            timers.scheduleWithFixedDelay(this::sweepQuietly, sweep, sweep, TimeUnit.MILLISECONDS);
            if (settings.metaHub()) {
                long every = settings.federationInterval().toMillis();
                timers.scheduleWithFixedDelay(this::rebalanceQuietly, every, every, TimeUnit.MILLISECONDS);
            }
        }
        for (String type : state.agentTypes()) {
            signal(type);
        }
    }

    // ------------------------------------------------------------------ tasks

    /**
     * Queues a task (see {@code ScheduleService.SubmitTask} for the rules).
     *
     * @throws CommandCenterException INVALID ({@code PAYLOAD_TOO_LARGE}, {@code UNKNOWN_CAPABILITY}),
     *         CONFLICT ({@code IDEMPOTENCY_KEY_REUSED}, {@code IDEMPOTENCY_KEY_USED}), EXHAUSTED
     *         ({@code QUEUE_FULL}), UNAVAILABLE
     */
    public SubmitResult submit(TaskSpec spec) {
        checkOpen();
        int size = spec.inputsJson().getBytes(StandardCharsets.UTF_8).length;
        if (size > settings.maxPayloadBytes()) {
            throw CommandCenterException.invalid("PAYLOAD_TOO_LARGE", "inputs", "inputs: inputs are " + size
                    + " bytes, at most " + settings.maxPayloadBytes());
        }
        TaskSpec resolved = spec.placement() == Placement.DEFAULT ? spec.withPlacement(settings.placement()) : spec;
        String project = resolved.project();
        String type = resolved.capability().agentType();
        String taskId = newId("t");
        String key = null;
        IdempotencyRecord record = null;
        long ttl = settings.idempotencyRetention().toMillis();
        if (!resolved.idempotencyKey().isEmpty()) {
            key = project + "\u0000" + resolved.idempotencyKey();
            record = new IdempotencyRecord(taskId, type, resolved.fingerprint(), false);
            IdempotencyRecord existing = state.reserveKey(key, record, ttl);
            if (existing != null) {
                if (!existing.fingerprint().equals(record.fingerprint())) {
                    throw new CommandCenterException(ErrorKind.CONFLICT, "IDEMPOTENCY_KEY_REUSED", "idempotency key '"
                            + resolved.idempotencyKey() + "' was used for another task (" + existing.taskId() + ")",
                            Map.of("task_id", existing.taskId()), List.of(), null);
                }
                Task found = state.pool(existing.agentType(), config, new PoolOps.GetTask(project, existing.taskId()));
                if (found != null) {
                    return new SubmitResult(found, false);
                }
                if (existing.enqueued()) {
                    throw new CommandCenterException(ErrorKind.CONFLICT, "IDEMPOTENCY_KEY_USED", "idempotency key '"
                            + resolved.idempotencyKey() + "' was used for task " + existing.taskId()
                            + ", which is no longer retained", Map.of("task_id", existing.taskId()), List.of(), null);
                }
                // a submission failed between reserving the key and queueing: finish it under its id
                taskId = existing.taskId();
                record = existing;
            }
        }
        double weight = state.weight(project, settings.weightOf(project));
        Enqueued enqueued = state.pool(type, config, new PoolOps.Enqueue(taskId, resolved, settings.hubId(),
                effectivePriority(resolved), weight, resolved.exclusiveTarget(), now()));
        switch (enqueued.status()) {
            case UNKNOWN_CAPABILITY -> throw CommandCenterException.invalid("UNKNOWN_CAPABILITY", "capability",
                    "capability: no agent of the cluster declares " + resolved.capability() + " (connect one first)");
            case QUEUE_FULL -> throw CommandCenterException.exhausted("QUEUE_FULL", "project " + project + " already has "
                    + settings.maxUnfinishedPerProject() + " unfinished tasks for agent type " + type);
            case EXISTS, CREATED -> {
                // go on
            }
        }
        Task task = enqueued.task();
        if (task.state() == io.commandcenter.scheduler.task.TaskState.WAITING) {
            task = acquireTarget(type, task);
        }
        if (key != null && !record.enqueued()) {
            state.recordKey(key, record.asEnqueued(), ttl);
        }
        boolean created = enqueued.status() == Enqueued.Status.CREATED;
        if (created) {
            publish(List.of(new SchedulerEvent.TaskChanged(task, "queued", settings.hubId(), clock.instant())));
        }
        signal(type);
        return new SubmitResult(task, created);
    }

    /**
     * A task of the project.
     *
     * @throws CommandCenterException INVALID (malformed id), NOT_FOUND ({@code TASK_NOT_FOUND}), UNAVAILABLE
     */
    public Task get(String project, String taskId) {
        checkOpen();
        checkTaskId(taskId);
        for (Task task : state.pools(config, new PoolOps.GetTask(project, taskId)).values()) {
            return task;
        }
        throw new CommandCenterException(ErrorKind.NOT_FOUND, "TASK_NOT_FOUND", "no task " + taskId + " in project "
                + project, Map.of("task_id", taskId), List.of(), null);
    }

    /**
     * The task submitted under an idempotency key of the project, while the key is remembered and
     * the task retained: how a hub that restarted finds a task whose id it had not stored.
     *
     * @throws CommandCenterException UNAVAILABLE
     */
    public Optional<Task> taskWithKey(String project, String idempotencyKey) {
        checkOpen();
        IdempotencyRecord record = state.key(project + "\u0000" + idempotencyKey);
        if (record == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(state.pool(record.agentType(), config,
                new PoolOps.GetTask(project, record.taskId())));
    }

    /**
     * Tasks of the project, newest first. {@code cursor} is "" for the first page, else the
     * {@link Page#nextCursor()} of the previous page (an opaque {@code millis:id}).
     *
     * @throws CommandCenterException INVALID ({@code INVALID_PAGE_TOKEN}), UNAVAILABLE
     */
    public Page<Task> tasks(String project, Set<io.commandcenter.scheduler.task.TaskState> states,
                            Capability capability, String workflow, int limit, String cursor) {
        checkOpen();
        long before = Long.MAX_VALUE;
        String beforeId = "";
        if (!cursor.isEmpty()) {
            int colon = cursor.indexOf(':');
            try {
                before = Long.parseLong(cursor.substring(0, colon));
                beforeId = cursor.substring(colon + 1);
            } catch (RuntimeException e) {
                throw CommandCenterException.invalid("INVALID_PAGE_TOKEN", "page_token", "page_token: malformed page token");
            }
        }
        TaskQuery query = new TaskQuery(project, states, capability == null ? null : capability.action(), workflow,
                before, beforeId, limit + 1);
        List<Task> all = new ArrayList<>();
        Map<String, List<Task>> byPool = capability == null ? state.pools(config, new PoolOps.ListTasks(query))
                : Map.of(capability.agentType(), state.pool(capability.agentType(), config,
                new PoolOps.ListTasks(query)));
        byPool.values().forEach(all::addAll);
        all.sort(Comparator.comparing(Task::submittedAt).thenComparing(Task::id).reversed());
        if (all.size() <= limit) {
            return new Page<>(all, "");
        }
        Task last = all.get(limit - 1);
        return new Page<>(all.subList(0, limit), last.submittedAt().toEpochMilli() + ":" + last.id());
    }

    /**
     * Cancels a task: a queued or waiting task leaves the queue, an assigned task's lease is
     * revoked (its agent is told), later results for it are refused.
     *
     * @throws CommandCenterException NOT_FOUND, PRECONDITION ({@code TASK_FINISHED}), UNAVAILABLE
     */
    public Task cancel(String project, String taskId, String reason) {
        Task task = get(project, taskId);
        String type = task.spec().capability().agentType();
        var settled = state.pool(type, config, new PoolOps.Cancel(project, taskId,
                reason == null || reason.isEmpty() ? "CANCELLED" : "CANCELLED: " + reason, now()));
        switch (settled.status()) {
            case REJECTED -> {
                if (settled.reason().equals("TASK_FINISHED")) {
                    throw CommandCenterException.precondition("TASK_FINISHED", "task_id", "task " + taskId
                            + " already finished (" + settled.task().state() + ")");
                }
                throw new CommandCenterException(ErrorKind.NOT_FOUND, "TASK_NOT_FOUND", "no task " + taskId
                        + " in project " + project, Map.of("task_id", taskId), List.of(), null);
            }
            case DUPLICATE -> {
                return settled.task();
            }
            case ACCEPTED -> {
                if (settled.revocation() != null) {
                    agents.revoke(settled.revocation());
                }
                publish(List.of(new SchedulerEvent.TaskChanged(settled.task(), "cancelled", settings.hubId(),
                        clock.instant())));
                if (settled.release() != null) {
                    releaseTarget(type, settled.release());
                }
                signal(type);
                return settled.task();
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Recent assignment decisions of the project, newest first; cursor as {@link #tasks}. */
    public Page<Assignment> assignments(String project, String taskId, String agentId, int limit, String cursor) {
        checkOpen();
        long before = Long.MAX_VALUE;
        String beforeType = "";
        long beforeToken = Long.MAX_VALUE;
        if (!cursor.isEmpty()) {
            String[] parts = cursor.split(":", 3);
            try {
                before = Long.parseLong(parts[0]);
                beforeType = parts[1];
                beforeToken = Long.parseLong(parts[2]);
            } catch (RuntimeException e) {
                throw CommandCenterException.invalid("INVALID_PAGE_TOKEN", "page_token", "page_token: malformed page token");
            }
        }
        AssignmentQuery query = new AssignmentQuery(project, taskId, agentId, before, beforeType, beforeToken,
                limit + 1);
        List<Assignment> all = new ArrayList<>();
        state.pools(config, new PoolOps.ListAssignments(query)).values().forEach(all::addAll);
        all.sort(AssignmentQuery.NEWEST_FIRST);
        if (all.size() <= limit) {
            return new Page<>(all, "");
        }
        Assignment last = all.get(limit - 1);
        return new Page<>(all.subList(0, limit), last.assignedAt().toEpochMilli() + ":" + last.agentType() + ":"
                + last.fencingToken());
    }

    /**
     * Agents serving the project ({@code project} null: agents of every project), of one type
     * ({@code agentType} null: all types), and each type's capacity.
     */
    public AgentListing agents(String project, String agentType) {
        checkOpen();
        long now = now();
        List<AgentView> views = new ArrayList<>();
        List<PoolSummary> pools = new ArrayList<>();
        if (agentType != null) {
            views.addAll(state.pool(agentType, config, new PoolOps.ListAgents(project, now)));
            PoolSummary summary = state.pool(agentType, config, new PoolOps.Summary(now));
            if (summary != null) {
                pools.add(summary);
            }
        } else {
            state.pools(config, new PoolOps.ListAgents(project, now)).values().forEach(views::addAll);
            pools.addAll(state.pools(config, new PoolOps.Summary(now)).values());
        }
        return new AgentListing(views, pools);
    }

    /** Queued tasks by agent type, then by project (cluster-wide; for the hub's metrics). */
    public Map<String, Map<String, Integer>> queuedByProject() {
        checkOpen();
        return state.pools(config, new PoolOps.QueuedByProject());
    }

    // ------------------------------------------------------------------ agents

    /**
     * Connects an agent to this hub: registers it (superseding an earlier session of the same
     * agent anywhere, keeping its leases) and starts delivering assignments to the listener.
     *
     * @throws CommandCenterException UNAVAILABLE; PERMISSION_DENIED {@code AGENT_ID_TAKEN} when the id
     *                                belongs to another owner (see {@link AgentRegistration#owner()})
     */
    public AgentConnection connect(AgentRegistration registration, AgentListener listener) {
        checkOpen();
        String session = newId("s");
        Registered registered = state.pool(registration.agentType(), config, new PoolOps.Register(registration,
                settings.hubId(), state.peerId(), session, now()));
        if (registered.taken()) {
            throw CommandCenterException.permissionDenied("AGENT_ID_TAKEN", "register.agent_id: agent "
                    + registration.agentType() + "/" + registration.agentId()
                    + " was registered with another credential; an agent id belongs to the credential that first"
                    + " registered it");
        }
        AgentConnection connection = new AgentConnection(this, registration, session, listener,
                registered.heldLeases());
        agents.add(connection);
        if (registered.supersededHub() != null) {
            agents.supersede(registration.agentType(), registration.agentId(), registered.supersededHub(),
                    registered.supersededSession());
        }
        signal(registration.agentType());
        return connection;
    }

    /**
     * Records an agent's load from {@code agent.health.<agent>} telemetry the hub received some
     * other way than the agent's own stream.
     *
     * @return false when no such agent is registered
     */
    public boolean reportAgentHealth(String agentType, String agentId, AgentLoad load) {
        return reportAgentHealth(agentType, agentId, load, null, null);
    }

    /**
     * {@link #reportAgentHealth(String, String, AgentLoad)}, taken only when {@code owner} registered the
     * agent and it serves {@code project}, checked in the same pool operation (null: any).
     *
     * @return false when no such agent is registered, or the report is not taken
     */
    public boolean reportAgentHealth(String agentType, String agentId, AgentLoad load, String owner, String project) {
        checkOpen();
        boolean known = state.pool(agentType, config, new PoolOps.ReportLoad(agentId, load, now(), owner, project));
        if (known) {
            signal(agentType);
        }
        return known;
    }

    // ------------------------------------------------------------------ fairness, capacity, federation

    /** Sets a project's weight (> 0) on every hub, for the tasks charged from now on. */
    public void setProjectWeight(String project, double weight) {
        if (!Forms.isProject(project) || !(weight > 0) || !Double.isFinite(weight)) {
            throw CommandCenterException.invalid("OUT_OF_RANGE", "weight", "weight: a project id and a finite weight > 0");
        }
        state.setWeight(project, weight);
        state.pools(config, new PoolOps.SetWeight(project, weight));
    }

    /**
     * Announces remediation work a prediction makes likely: capacity for {@code capability} is
     * reserved by the anticipation rule until the horizon ends or the task arrives.
     */
    public void anticipate(String predictionId, Capability capability, double risk, double confidence,
                           Duration horizon) {
        checkOpen();
        state.pool(capability.agentType(), config, new PoolOps.Signal(new LoadSignal(predictionId,
                capability.action(), risk, confidence, now() + horizon.toMillis())));
    }

    /**
     * One look of the meta hub: every hub's load and, when delegation is on, the delegations made
     * (each published as {@code mesh.schedule.delegation}). Runs periodically on a meta hub in
     * background mode; callable anywhere.
     */
    public FederationReport rebalance() {
        checkOpen();
        return maintenance.rebalance();
    }

    // ------------------------------------------------------------------ events, driving

    /**
     * Waits, at most {@code bound}, until the events this hub published so far have been handed to the mesh
     * (a hub closing: the last task results reach the listeners still subscribed before they go). The mesh
     * may deliver them asynchronously still.
     *
     * @return false when the bound passed first
     */
    public boolean flushEvents(Duration bound) {
        return publisher.flush(bound);
    }

    /** Subscribes to the events of every hub; close the returned handle to stop. */
    public AutoCloseable subscribe(SchedulerEvents listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Dispatches every pool signalled since the last call (manual mode; also safe in background mode). */
    public void runPending() {
        dispatcher.runPending();
    }

    /** Runs maintenance now: lease expiry, silent agents, retention, gate redrives. */
    public void sweep() {
        checkOpen();
        maintenance.sweep();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timers != null) {
            timers.shutdownNow();
        }
        // the sessions end before the publisher stops (a result recorded meanwhile has its event queued and sent),
        // and are marked disconnected in their pools while the dispatch and event threads are joined
        List<AgentConnection> open = agents.all();
        agents.closeAll(CommandCenterException.unavailable("SHUTTING_DOWN", "the hub is shutting down", null));
        long disconnectDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DISCONNECT_WAIT_MILLIS);
        Thread disconnects = disconnect(open);
        dispatcher.close();
        publisher.close();
        awaitDisconnects(disconnects, open.size(), disconnectDeadline);
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing a subscription failed", e);
            }
        }
        LOG.log(Level.INFO, "scheduler of hub {0} stopped", settings.hubId());
    }

    /**
     * Marks the sessions this close ended disconnected in their pools, so that other hubs stop choosing their
     * agents (else until {@code agent-silence}), on a thread of its own (null: no session).
     */
    private Thread disconnect(List<AgentConnection> sessions) {
        if (sessions.isEmpty()) {
            return null;
        }
        Thread disconnects = DaemonThreads.named("cc-scheduler-disconnect-" + settings.hubId()).newThread(() ->
                sessions.forEach(AgentConnection::disconnect));
        disconnects.start();
        return disconnects;
    }

    /**
     * Waits for {@link #disconnect} until the deadline, {@value #DISCONNECT_WAIT_MILLIS} ms after it began (the
     * dispatch and event threads are joined meanwhile); beside a pool that does not answer it ends when the
     * state does.
     */
    private void awaitDisconnects(Thread disconnects, int sessions, long deadline) {
        if (disconnects == null) {
            return;
        }
        try {
            disconnects.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (disconnects.isAlive()) {
            LOG.log(Level.WARNING, "scheduler of hub {0}: {1} agents not yet marked disconnected {2} ms into the close"
                    + " (a pool does not answer); other hubs disconnect them when they fall silent", settings.hubId(),
                    sessions, DISCONNECT_WAIT_MILLIS);
        }
    }

    // ------------------------------------------------------------------ internals shared with collaborators

    /** This hub's settings. */
    public SchedulerSettings settings() {
        return settings;
    }

    SchedulerState state() {
        return state;
    }

    SchedulerMesh mesh() {
        return mesh;
    }

    Clock clock() {
        return clock;
    }

    PoolConfig config() {
        return config;
    }

    LocalAgents agents() {
        return agents;
    }

    /** This hub's id. */
    public String hubId() {
        return settings.hubId();
    }

    long now() {
        return clock.millis();
    }

    void signal(String agentType) {
        if (!closed) {
            dispatcher.signal(agentType);
        }
    }

    void publish(List<SchedulerEvent> events) {
        if (!events.isEmpty()) {
            publisher.publish(events);
        }
    }

    /** One dispatch round of a pool: batches until the pool has nothing more to assign. */
    private void dispatch(String type) {
        while (!closed) {
            List<Dispatched> batch = state.pool(type, config, new PoolOps.Dispatch(newId("d"), settings.hubId(),
                    settings.dispatchBatch(), now()));
            if (batch.isEmpty()) {
                return;
            }
            List<SchedulerEvent> events = new ArrayList<>(batch.size());
            for (Dispatched d : batch) {
                events.add(new SchedulerEvent.AssignmentMade(d.assignment()));
            }
            publish(events);
            agents.deliver(batch);
            if (batch.size() < settings.dispatchBatch()) {
                return;
            }
        }
    }

    /** Tries to take a waiting task's target; queues the task when it got it. */
    Task acquireTarget(String type, Task task) {
        GateOp.Result r = state.gate(gateKey(task.project(), task.spec().target()),
                new GateOp(GateOp.Kind.ACQUIRE, task.id(), type));
        if (!r.acquired()) {
            return task;
        }
        Task unblocked = state.pool(type, config, new PoolOps.Unblock(task.id(), now()));
        return unblocked == null ? task : unblocked;
    }

    /** Releases a finished exclusive task's target: the next waiter is queued, the release confirmed. */
    void releaseTarget(String type, TargetRelease release) {
        GateOp.Result r = state.gate(gateKey(release.project(), release.target()),
                new GateOp(GateOp.Kind.RELEASE, release.taskId(), type));
        TargetGate.Holder next = r.nextHolder();
        if (next != null) {
            state.pool(next.agentType(), config, new PoolOps.Unblock(next.taskId(), now()));
            signal(next.agentType());
        }
        state.pool(type, config, new PoolOps.TargetReleased(release.taskId()));
    }

    private static String gateKey(String project, io.commandcenter.scheduler.task.TargetRef target) {
        return TargetGate.key(project, target.kind(), target.id());
    }

    private double effectivePriority(TaskSpec spec) {
        double risk = spec.prediction() == null ? 0 : spec.prediction().risk();
        return spec.priority() / 5.0 * (1 + settings.riskBoost() * risk);
    }

    private void fanOut(List<SchedulerEvent> events) {
        for (SchedulerEvent event : events) {
            for (SchedulerEvents listener : listeners) {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a scheduler event listener failed", e);
                }
            }
        }
    }

    private void sweepQuietly() {
        try {
            maintenance.sweep();
        } catch (RuntimeException e) {
            quiet.warn("scheduler maintenance of hub " + settings.hubId(), e);
        }
    }

    private void rebalanceQuietly() {
        try {
            maintenance.rebalance();
        } catch (RuntimeException e) {
            quiet.warn("federation round of hub " + settings.hubId(), e);
        }
    }

    String newId(String kind) {
        return kind + "-" + idPrefix + Long.toString(sequence.incrementAndGet(), 36);
    }

    private static String sanitize(String hubId) {
        String s = hubId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    private void checkTaskId(String taskId) {
        if (taskId == null || taskId.isEmpty()) {
            throw CommandCenterException.invalid("REQUIRED", "task_id", "task_id: task_id is required");
        }
        if (!Forms.TASK_ID.matcher(taskId).matches()) {
            throw CommandCenterException.invalid("BAD_FORMAT", "task_id", "task_id: not a task id: '" + Forms.abbreviate(taskId)
                    + "'");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw CommandCenterException.unavailable("SHUTTING_DOWN", "the scheduler is stopping", null);
        }
    }

    /** Agent types this hub knows of: every pool of the state. */
    Set<String> agentTypes() {
        return new TreeSet<>(state.agentTypes());
    }
}
