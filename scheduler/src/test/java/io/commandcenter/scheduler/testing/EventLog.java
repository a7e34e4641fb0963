package io.commandcenter.scheduler.testing;

import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.events.SchedulerEvents;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects scheduler events. */
public final class EventLog implements SchedulerEvents {
    public final List<SchedulerEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(SchedulerEvent event) {
        events.add(event);
    }

    public List<SchedulerEvent> withSubject(String subject) {
        return events.stream().filter(e -> e.subject().equals(subject)).toList();
    }

    public List<SchedulerEvent.AssignmentMade> assignments() {
        return events.stream().filter(e -> e instanceof SchedulerEvent.AssignmentMade)
                .map(e -> (SchedulerEvent.AssignmentMade) e).toList();
    }
}
