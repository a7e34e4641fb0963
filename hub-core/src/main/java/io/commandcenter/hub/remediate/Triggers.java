package io.commandcenter.hub.remediate;

import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.events.InProcessSink;
import io.commandcenter.hub.events.SubjectPattern;
import io.commandcenter.hub.events.Subscription;
import io.commandcenter.hub.predict.PredictionRecord;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.workflow.PredictionFields;
import io.commandcenter.hub.workflow.Workflow;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What starts runs without a person: events on the bus that a workflow's {@code on:} and filters
 * match, and cron schedules. Each trigger goes to its target's lane and to {@link RunStarter}; it
 * never blocks the bus (an event is matched on the publisher's thread and handed to a lane). A cron
 * minute renders the same idempotency key on every hub, so of hubs firing at once one run starts.
 * The engine's own events about runs start runs one step deep at most ({@link RunChains}): the
 * payload tells the run, or (an approval's or a decision row's event) the run is read on the lane.
 */
final class Triggers implements AutoCloseable {

    private final WorkflowCatalog catalog;
    private final EventBus bus;
    private final int eventBuffer;
    /** Events one publish delivers at most (other publishers' beyond that go to the bus's executor). */
    static final int MAX_PER_PUBLISH = 64;

    private final Timers timers;
    private final Clock clock;
    private final Stripes stripes;
    private final RunStarter starter;
    private final RunChains chains;
    private final Map<SubjectPattern, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Timers.Timer> schedules = new ConcurrentHashMap<>();
    private final AtomicLong triggers = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    Triggers(WorkflowCatalog catalog, EventBus bus, int eventBuffer, Timers timers, Clock clock,
             Stripes stripes, RunStarter starter) {
        this.catalog = catalog;
        this.bus = bus;
        this.eventBuffer = eventBuffer;
        this.timers = timers;
        this.clock = clock;
        this.stripes = stripes;
        this.starter = starter;
        this.chains = new RunChains(clock);
    }

    /** Subscribes to every workflow's events and plans every schedule; follows the catalog's changes. */
    void start() {
        catalog.onChange(entry -> {
            resubscribe();
            plan(entry);
        });
        resubscribe();
        catalog.all().forEach(this::plan);
    }

    long triggers() {
        return triggers.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Trigger events whose handling failed (logged; no run started for them). */
    long failed() {
        return failed.get();
    }

    /** Events about runs that a workflow's trigger matched and that started nothing ({@link RunChains}). */
    long chainsRefused() {
        return chains.refused();
    }

    // ---- events

    private synchronized void resubscribe() {
        if (closed) {
            return;
        }
        Set<SubjectPattern> wanted = new HashSet<>();
        for (WorkflowCatalog.Entry e : catalog.all()) {
            wanted.addAll(e.workflow().trigger().on());
        }
        for (SubjectPattern pattern : wanted) {
            // matched on the publisher's thread and handed to a lane; a publisher delivers a bounded share
            subscriptions.computeIfAbsent(pattern, p -> bus.subscribeEveryProjectOnPublisher(p, eventBuffer,
                    new Sink(p), MAX_PER_PUBLISH));
        }
        subscriptions.keySet().removeIf(p -> {
            if (!wanted.contains(p)) {
                subscriptions.get(p).close();
                return true;
            }
            return false;
        });
    }

    /** Delivers the events of one pattern; never blocks (the work goes to the target's lane). */
    private final class Sink extends InProcessSink {
        private final SubjectPattern pattern;

        Sink(SubjectPattern pattern) {
            super("trigger events on " + pattern + " (runs not started)");
            this.pattern = pattern;
        }

        @Override
        protected void handle(Event event) {
            onEvent(event, pattern);
        }

        @Override
        protected void failed(Event event, RuntimeException e) {
            failed.incrementAndGet(); // no run started for it; InProcessSink logs it and keeps listening
        }

        @Override
        public void dropped(long count, long total, Instant since) {
            dropped.addAndGet(count);
            super.dropped(count, total, since);
        }
    }

    private void onEvent(Event event, SubjectPattern via) {
        Optional<PredictionRecord> prediction = event.payload().as(PredictionRecord.class);
        Map<String, Object> fields = prediction.map(PredictionFields::of).orElse(Map.of());
        // an event about a run is one of the engine's own: never a prediction's
        Optional<RunChains.About> about = prediction.isPresent() ? Optional.empty() : RunChains.about(event);
        for (WorkflowCatalog.Entry entry : catalog.latest(event.project())) {
            Workflow workflow = entry.workflow();
            // an event matching several patterns of a workflow is handled once, by the first
            Optional<SubjectPattern> first = workflow.trigger().on().stream().filter(p -> p.matches(event.subject()))
                    .findFirst();
            if (first.isEmpty() || !first.get().equals(via) || !workflow.trigger().matches(event.subject(), fields)) {
                continue;
            }
            Optional<String> refusal = about.flatMap(a -> RunChains.refusal(workflow.name(), a));
            if (refusal.isPresent()) {
                chains.refused(event.project(), workflow.name(), event.subject(), refusal.get());
                continue;
            }
            triggers.incrementAndGet();
            Target target = Target.resolve(prediction, null, null, workflow.name());
            Trigger trigger = new Trigger(prediction.map(PredictionRecord::id).orElse(event.id()), event.subject(),
                    event.time());
            PathStep.mark(target.id(), PathStep.MATCHED);
            stripes.decide(target.lane(event.project()), () -> startUnlessClosed(entry, event.project(), trigger, target,
                    prediction, about));
        }
    }

    private void startUnlessClosed(WorkflowCatalog.Entry entry, ProjectId project, Trigger trigger, Target target,
                                   Optional<PredictionRecord> prediction, Optional<RunChains.About> about) {
        PathStep.mark(target.id(), PathStep.DECIDING);
        if (closed) {
            return;
        }
        if (about.isPresent() && about.get().run().isEmpty() && about.get().runId() != null) {
            // an approval's, a decision row's or a task's event: what started its run is read here, on the lane
            Optional<String> refusal;
            try {
                refusal = starter.run(about.get().runId())
                        .flatMap(run -> RunChains.refusal(entry.workflow().name(), run));
            } catch (RuntimeException e) {
                // not knowing what started the run, nothing is started (counted and logged as a refusal)
                refusal = Optional.of("its run " + about.get().runId() + " could not be read (" + e.getMessage() + ")");
            }
            if (refusal.isPresent()) {
                chains.refused(project, entry.workflow().name(), trigger.subject(), refusal.get());
                return;
            }
        }
        starter.start(entry, project, trigger, target, prediction);
    }

    // ---- schedules

    private void plan(WorkflowCatalog.Entry entry) {
        String key = entry.revision().project().value() + "/" + entry.workflow().name();
        Timers.Timer old = schedules.remove(key);
        if (old != null) {
            old.cancel();
        }
        if (closed) {
            return;
        }
        entry.workflow().trigger().nextFire(clock.instant()).ifPresent(at ->
                schedules.put(key, timers.at(at, () -> fire(entry, at))));
    }

    private void fire(WorkflowCatalog.Entry entry, Instant at) {
        ProjectId project = entry.revision().project();
        Optional<WorkflowCatalog.Entry> current = catalog.latest(project, entry.workflow().name());
        if (current.isEmpty() || current.get().revision().revision() != entry.revision().revision()) {
            return; // a newer revision planned its own schedule
        }
        triggers.incrementAndGet();
        Target target = new Target(Target.WORKFLOW, entry.workflow().name());
        // the key renders the scheduled time: every hub computes the same, so only one run starts
        stripes.decide(target.lane(project), () -> startUnlessClosed(entry, project,
                new Trigger(at.toString(), Trigger.SCHEDULE, at), target, Optional.empty(), Optional.empty()));
        plan(entry);
    }

    @Override
    public synchronized void close() {
        closed = true;
        subscriptions.values().forEach(Subscription::close);
        subscriptions.clear();
        schedules.values().forEach(Timers.Timer::cancel);
        schedules.clear();
    }
}
