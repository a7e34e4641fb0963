package io.commandcenter.hub.remediate;

import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.task.TaskSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rule that keeps workflows from feeding themselves: a run's events start runs one step deep
 * at most.
 * <ul>
 *   <li>An <em>event about a run</em> is one the engine published about one of its runs: its payload
 *       is the run ({@code workflow.run.<state>}), its approval ({@code approval.*}) or its decision
 *       row ({@code remediation.outcome.*}); or the mesh's scheduler published it about one of the
 *       run's tasks ({@code mesh.schedule.task.*}: the task names the run and its workflow;
 *       {@code mesh.schedule.assignment}: the assignment names the workflow only, so it is refused
 *       for that workflow and read no further; a task of no workflow, {@code default}, is about no run).</li>
 *   <li>A <em>run started by a run</em> is one whose trigger subject is below {@code workflow.run},
 *       {@code approval}, {@code remediation.outcome} or {@code mesh.schedule} (an event about a
 *       run, or a record ingested as telemetry under the same subjects).</li>
 *   <li>An event about run R starts no run of workflow W when R is a run of W, or when R was itself
 *       started by a run. Such an event is counted, and logged at INFO at most once a minute per
 *       workflow of a project with the number refused meanwhile.</li>
 * </ul>
 * So from a run started otherwise (a prediction, a schedule, a person), each workflow listening to
 * its events starts at most one run per event, and those runs' own events start nothing.
 */
final class RunChains {
    private static final System.Logger LOG = System.getLogger(RunChains.class.getName());
    /** How often at most the refusals of one workflow are logged. */
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    /** The subjects the engine publishes about its runs. */
    private static final List<SubjectPattern> RUN_SUBJECTS = List.of(SubjectPattern.parse("workflow.run"),
            SubjectPattern.parse("approval"), SubjectPattern.parse("remediation.outcome"),
            SubjectPattern.parse("mesh.schedule"));

    /**
     * The run an event is about: its id (null when the payload does not name it: an assignment), its
     * workflow when the payload names it, and the run itself when the payload is the run.
     */
    record About(String runId, Optional<String> workflow, Optional<RunRecord> run) {
    }

    /** How many project and workflow pairs the log throttle remembers at most. */
    static final int MAX_THROTTLED = 10_000;

    /** The log throttle of one project's workflow: when its last line was written, and what was refused since. */
    private static final class Throttle {
        final AtomicReference<Instant> lastLogged = new AtomicReference<>();
        final AtomicLong refusedSinceLog = new AtomicLong();
    }

    private final Clock clock;
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, Throttle> throttles = new ConcurrentHashMap<>();

    RunChains(Clock clock) {
        this.clock = clock;
    }

    /** Whether a run with this trigger subject was started by a run (an event about one). */
    static boolean startedByARun(String triggerSubject) {
        return RUN_SUBJECTS.stream().anyMatch(p -> p.matches(triggerSubject));
    }

    /** The run the event is about, when the engine published it about one of its runs. */
    static Optional<About> about(Event event) {
        Optional<RunRecord> run = event.payload().as(RunRecord.class);
        if (run.isPresent()) {
            return Optional.of(new About(run.get().runId(), Optional.of(run.get().workflow()), run));
        }
        Optional<ApprovalRecord> approval = event.payload().as(ApprovalRecord.class);
        if (approval.isPresent()) {
            return Optional.of(new About(approval.get().runId(), Optional.of(approval.get().workflow()),
                    Optional.empty()));
        }
        Optional<ActionRecord> action = event.payload().as(ActionRecord.class);
        if (action.isPresent()) {
            return Optional.of(new About(action.get().runId(), Optional.empty(), Optional.empty()));
        }
        // the scheduler's events of a run's tasks, as the mesh publishes them on the run's project bus
        Optional<SchedulerEvent.TaskChanged> task = event.payload().as(SchedulerEvent.TaskChanged.class)
                .filter(t -> notEmpty(t.task().spec().workflowRunId()));
        if (task.isPresent()) {
            TaskSpec spec = task.get().task().spec();
            return Optional.of(new About(spec.workflowRunId(), Optional.ofNullable(spec.workflow())
                    .filter(RunChains::notEmpty), Optional.empty()));
        }
        return event.payload().as(SchedulerEvent.AssignmentMade.class)
                .filter(a -> notEmpty(a.assignment().workflow())
                        && !TaskSpec.DEFAULT_WORKFLOW.equals(a.assignment().workflow()))
                .map(a -> new About(null, Optional.of(a.assignment().workflow()), Optional.empty()));
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    /**
     * Why an event about {@code run} starts no run of {@code workflow}; empty when it may start one.
     */
    static Optional<String> refusal(String workflow, RunRecord run) {
        if (run.workflow().equals(workflow)) {
            return Optional.of("it is about a run of the same workflow (" + run.runId() + ")");
        }
        if (startedByARun(run.triggerSubject())) {
            return Optional.of("it is about run " + run.runId() + " of " + run.workflow()
                    + ", itself started by an event about a run (" + run.triggerSubject() + ")");
        }
        return Optional.empty();
    }

    /** Why an event about a run of {@code about}'s workflow starts no run of {@code workflow}, as far as the payload tells. */
    static Optional<String> refusal(String workflow, About about) {
        if (about.run().isPresent()) {
            return refusal(workflow, about.run().get());
        }
        return about.workflow().filter(workflow::equals)
                .map(w -> "it is about a run of the same workflow (" + about.runId() + ")");
    }

    /**
     * Counts a refused event and logs it, at most once a {@link #LOG_EVERY} per workflow of a project.
     * The throttle remembers {@value #MAX_THROTTLED} pairs at most: when full, those whose minute has
     * passed are forgotten (their refusals since their last line stay in {@link #refused()}, not in a
     * later line), and all of them if none has.
     */
    void refused(ProjectId project, String workflow, String subject, String why) {
        refused.incrementAndGet();
        Instant now = clock.instant();
        String key = project.value() + "\u0000" + workflow;
        Throttle throttle = throttles.get(key);
        if (throttle == null) {
            if (throttles.size() >= MAX_THROTTLED) {
                forgetQuiet(now);
            }
            throttle = throttles.computeIfAbsent(key, k -> new Throttle());
        }
        throttle.refusedSinceLog.incrementAndGet();
        Instant last = throttle.lastLogged.get();
        if (last != null && now.isBefore(last.plus(LOG_EVERY))) {
            return;
        }
        if (throttle.lastLogged.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.INFO, "workflow {0} of project {1}: {2} starts no run: {3} (a run''s events"
                    + " start runs one step deep at most; {4} event(s) refused so for this workflow since the last"
                    + " line)", workflow, project.value(), subject, why, throttle.refusedSinceLog.getAndSet(0));
        }
    }

    /** Forgets the throttles whose minute has passed; all of them when none has (the map stays bounded). */
    private void forgetQuiet(Instant now) {
        throttles.values().removeIf(t -> {
            Instant last = t.lastLogged.get();
            return last != null && !now.isBefore(last.plus(LOG_EVERY));
        });
        if (throttles.size() >= MAX_THROTTLED) {
            throttles.clear();
        }
    }

    /** How many project and workflow pairs the log throttle remembers (tests). */
    int throttled() {
        return throttles.size();
    }

    /** Events about runs that started nothing by this rule. */
    long refused() {
        return refused.get();
    }
}
