package io.commandcenter.hub.events;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.project.ProjectShares;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub's in-process event bus. Publishing hands the event to every matching subscription of
 * the event's project (a bounded buffer each) and returns at once: a slow subscriber never slows
 * the publisher or another subscriber. Delivery happens on the given executor.
 */
public final class EventBus implements AutoCloseable {
    private final String hubId;
    private final Clock clock;
    private final Executor deliveryExecutor;
    private final ProjectShares shares;

    private final Map<ProjectId, List<Subscription>> byProject = new ConcurrentHashMap<>();
    private final List<Subscription> everyProject = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence;
    private final AtomicLong subscriptionSequence = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param hubId            stamped on every event
     * @param clock            event times
     * @param deliveryExecutor runs subscriber drains; must not run tasks on the caller's thread
     * @param maxSubscribers   subscriptions beyond this are refused with EXHAUSTED
     */
    public EventBus(String hubId, Clock clock, Executor deliveryExecutor, int maxSubscribers) {
        this(hubId, clock, deliveryExecutor, maxSubscribers, maxSubscribers);
    }

    /**
     * @param maxSubscribers   subscriptions beyond this are refused with EXHAUSTED ({@code TOO_MANY_SUBSCRIBERS})
     * @param perProject       subscriptions one project may hold; beyond, EXHAUSTED
     *                         ({@code TOO_MANY_SUBSCRIBERS_IN_PROJECT})
     */
    public EventBus(String hubId, Clock clock, Executor deliveryExecutor, int maxSubscribers, int perProject) {
        this.hubId = hubId;
        this.clock = clock;
        this.deliveryExecutor = deliveryExecutor;
        this.shares = new ProjectShares("event subscriptions", "TOO_MANY_SUBSCRIBERS", maxSubscribers, perProject);
        // Ids sort in publication order, also across restarts of the hub (micros at start + n).
        this.sequence = new AtomicLong(clock.millis() * 1000);
    }

    public String hubId() {
        return hubId;
    }

    /** Publishes an event and returns it. Never blocks. */
    public Event publish(ProjectId project, String subject, TraceContext trace, Payload payload) {
        Event event = stamp(project, subject, trace, payload);
        published.incrementAndGet();
        List<Subscription> subscriptions = byProject.get(project);
        if (subscriptions != null) {
            for (Subscription subscription : subscriptions) {
                if (subscription.offer(event)) {
                    dropped.incrementAndGet();
                }
            }
        }
        for (Subscription subscription : everyProject) {
            if (subscription.offer(event)) {
                dropped.incrementAndGet();
            }
        }
        return event;
    }

    /** An event to publish with {@link #publishAll}: what {@link #publish} takes. */
    public record Draft(ProjectId project, String subject, TraceContext trace, Payload payload, String origin) {
        /** A draft of no known origin ({@link Event#origin}). */
        public Draft(ProjectId project, String subject, TraceContext trace, Payload payload) {
            this(project, subject, trace, payload, "");
        }
    }

    /**
     * Publishes events in order, as {@link #publish} one after the other would (each subscriber gets
     * the ones it matches in this order, with the same drop rule), but hands each subscription all of
     * its events at once: one lock and one wake-up a subscriber, not one an event. Never blocks.
     */
    public void publishAll(List<Draft> drafts) {
        if (drafts.isEmpty()) {
            return;
        }
        List<Event> events = new java.util.ArrayList<>(drafts.size());
        Map<ProjectId, List<Event>> followed = null;
        for (Draft d : drafts) {
            Event event = stamp(d.project(), d.subject(), d.trace(), d.payload(), d.origin());
            events.add(event);
            List<Subscription> subscriptions = byProject.get(d.project());
            if (subscriptions != null && !subscriptions.isEmpty()) {
                if (followed == null) {
                    followed = new java.util.LinkedHashMap<>();
                }
                followed.computeIfAbsent(d.project(), p -> new java.util.ArrayList<>()).add(event);
            }
        }
        published.addAndGet(events.size());
        if (followed != null) {
            followed.forEach((project, ofProject) -> {
                List<Subscription> subscriptions = byProject.get(project);
                if (subscriptions != null) {
                    for (Subscription subscription : subscriptions) {
                        dropped.addAndGet(subscription.offerAll(ofProject));
                    }
                }
            });
        }
        for (Subscription subscription : everyProject) {
            dropped.addAndGet(subscription.offerAll(events));
        }
    }

    /** A new event of this hub: the next id in sequence, stamped now. */
    private Event stamp(ProjectId project, String subject, TraceContext trace, Payload payload) {
        return stamp(project, subject, trace, payload, "");
    }

    private Event stamp(ProjectId project, String subject, TraceContext trace, Payload payload, String origin) {
        return new Event(hubId + "-" + Long.toHexString(sequence.incrementAndGet()), subject, project, hubId,
                clock.instant(), trace, payload, origin);
    }

    /** Whether anyone in the project listens; publishers may skip building payloads otherwise. */
    public boolean hasSubscribers(ProjectId project) {
        List<Subscription> subscriptions = byProject.get(project);
        return subscriptions != null && !subscriptions.isEmpty();
    }

    /**
     * Subscribes to the project's events matching the pattern, from now on.
     *
     * @throws CommandCenterException EXHAUSTED ({@code TOO_MANY_SUBSCRIBERS}) past the limit,
     *         ({@code TOO_MANY_SUBSCRIBERS_IN_PROJECT}) past the project's share, UNAVAILABLE
     *         ({@code SHUTTING_DOWN}) once the bus is closed
     */
    public Subscription subscribe(ProjectId project, SubjectPattern pattern, int bufferSize, EventSink sink) {
        return subscribe(project, pattern, bufferSize, sink, deliveryExecutor);
    }

    /**
     * Subscribes with a delivery executor of the subscriber's own: for sinks whose delivery may
     * block (a servlet writing to a slow socket), so they never hold up the shared executor.
     */
    public Subscription subscribe(ProjectId project, SubjectPattern pattern, int bufferSize, EventSink sink,
                                  Executor executor) {
        if (closed) {
            throw CommandCenterException.unavailable("SHUTTING_DOWN", "the hub is shutting down", null);
        }
        Runnable release = shares.acquire(project);
        String id = "sub-" + subscriptionSequence.incrementAndGet();
        List<Subscription> list = byProject.computeIfAbsent(project, p -> new CopyOnWriteArrayList<>());
        Subscription[] holder = new Subscription[1];
        Subscription subscription = new Subscription(id, project, pattern, bufferSize, sink, executor, clock,
                () -> {
                    if (list.remove(holder[0])) {
                        release.run();
                    }
                });
        holder[0] = subscription;
        list.add(subscription);
        return subscription;
    }

    /**
     * Subscribes a hub-internal consumer (the predictive engine) to matching events of every
     * project. Not counted against the subscriber limit; not reachable from the API.
     */
    public Subscription subscribeEveryProject(SubjectPattern pattern, int bufferSize, EventSink sink,
                                              Executor executor) {
        return everyProject(pattern, bufferSize, sink, executor, Integer.MAX_VALUE, executor);
    }

    /**
     * Subscribes a hub-internal consumer whose events are delivered on the publisher's thread (no
     * hand-over), at most {@code maxPerDrain} events by one publish: events that keep arriving
     * meanwhile (other publishers') are delivered beyond that on the bus's delivery executor, or by
     * the next publisher, so publishing waits for a bounded amount of delivery. The sink's delivery
     * must be quick and must not block.
     */
    public Subscription subscribeEveryProjectOnPublisher(SubjectPattern pattern, int bufferSize, EventSink sink,
                                                         int maxPerDrain) {
        return everyProject(pattern, bufferSize, sink, Runnable::run, maxPerDrain, deliveryExecutor);
    }

    private Subscription everyProject(SubjectPattern pattern, int bufferSize, EventSink sink, Executor executor,
                                      int maxPerDrain, Executor overflow) {
        if (closed) {
            throw CommandCenterException.unavailable("SHUTTING_DOWN", "the hub is shutting down", null);
        }
        Subscription[] holder = new Subscription[1];
        Subscription subscription = new Subscription("internal-" + subscriptionSequence.incrementAndGet(),
                ProjectId.of("all"), pattern, bufferSize, sink, executor, clock, () -> everyProject.remove(holder[0]),
                maxPerDrain, overflow);
        holder[0] = subscription;
        everyProject.add(subscription);
        return subscription;
    }

    /** Subscriptions currently registered, all projects. */
    public int subscriberCount() {
        return shares.used();
    }

    /** Subscriptions {@code project} holds. */
    public int subscriberCount(ProjectId project) {
        return shares.held(project);
    }

    /** Events published since start. */
    public long publishedCount() {
        return published.get();
    }

    /** Events dropped since start for subscribers that fell behind (each subscriber's drops count). */
    public long droppedCount() {
        return dropped.get();
    }

    /** Ends every subscription (their sinks hear {@link EventSink#closed()}) and refuses new ones. */
    @Override
    public void close() {
        closed = true;
        for (List<Subscription> list : byProject.values()) {
            for (Subscription subscription : list) {
                subscription.shutdown();
            }
        }
        for (Subscription subscription : everyProject) {
            subscription.shutdown();
        }
    }
}
