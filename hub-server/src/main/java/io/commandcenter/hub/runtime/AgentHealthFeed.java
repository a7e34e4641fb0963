package io.commandcenter.hub.runtime;

import io.commandcenter.hub.events.Event;
import io.commandcenter.hub.events.InProcessSink;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.TelemetryRecord;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.agents.AgentLoad;

/**
 * Agents' load from telemetry: a health sample of the service {@code agent.<type>.<id>} (subject
 * {@code hub.health.agent.<type>.<id>}, the only ones this feed subscribes to) reports that agent's
 * cpu and memory, and its metrics {@code running_tasks} and {@code capacity} (absent or 0: keep),
 * to the scheduler's agent score — for agents whose host
 * reports its health through the hub's ingest rather than on the agent's own stream. Samples of
 * agents that are not registered are ignored.
 */
final class AgentHealthFeed extends InProcessSink {
    private static final System.Logger LOG = System.getLogger(AgentHealthFeed.class.getName());
    static final String PREFIX = "agent.";
    /** The subjects of agents' health samples. */
    static final String SUBJECTS = "hub.health.agent";

    private final Scheduler scheduler;

    AgentHealthFeed(Scheduler scheduler) {
        super("agent health samples");
        this.scheduler = scheduler;
    }

    @Override
    protected void handle(Event event) {
        event.payload().as(TelemetryRecord.class).filter(r -> r instanceof HealthSampleRecord)
                .map(r -> (HealthSampleRecord) r).filter(s -> s.service().startsWith(PREFIX)).ifPresent(this::report);
    }

    private void report(HealthSampleRecord sample) {
        String rest = sample.service().substring(PREFIX.length());
        int slash = rest.indexOf('.');
        if (slash <= 0 || slash == rest.length() - 1) {
            return;
        }
        try {
            scheduler.reportAgentHealth(rest.substring(0, slash), rest.substring(slash + 1), new AgentLoad(
                    sample.cpu() == null ? 0 : sample.cpu(), sample.memory() == null ? 0 : sample.memory(),
                    (int) Math.round(sample.metrics().getOrDefault("running_tasks", 0.0)),
                    (int) Math.round(sample.metrics().getOrDefault("capacity", 0.0))));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "agent health of {0} not taken: {1}", sample.service(), e.getMessage());
        }
    }
}
