package io.commandcenter.scheduler.events;

/**
 * Where the scheduler's events go: the port the hub implements to bridge them onto its event bus.
 * Receives the events of every hub of the cluster (each exactly once per subscribing hub, in the
 * order each deciding hub published them). Called on the scheduler's event thread: return quickly,
 * never block; a listener that throws is logged and keeps receiving.
 */
@FunctionalInterface
public interface SchedulerEvents {
    void onEvent(SchedulerEvent event);
}
