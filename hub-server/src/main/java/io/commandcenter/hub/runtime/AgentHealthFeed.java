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
 * reports its health through the hub's ingest rather than on the agent's own stream.
 *
 * <p>A sample speaks for an agent only when it was ingested with the key that registered the agent
 * (the event's {@link Event#origin}) in a project the agent serves, checked by the scheduler in the one
 * pool operation that takes the sample ({@link Scheduler#reportAgentHealth(String, String, AgentLoad,
 * String, String)}); never for the hub's own agents
 * (no key registered them) nor for agents registered in-process. Others are ignored (logged at
 * DEBUG): without that, any key that may ingest in any project could make every agent look busy, or
 * keep a silent agent looking alive. Samples of agents that are not registered are ignored too.
 */
final class AgentHealthFeed extends InProcessSink {
    private static final System.Logger LOG = System.getLogger(AgentHealthFeed.class.getName());
    static final String PREFIX = "agent.";
    /** How the mesh names an agent's owner from the key that registered it ({@code key:<key id>}). */
    static final String OWNER_PREFIX = "key:";
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
                .map(r -> (HealthSampleRecord) r).filter(s -> s.service().startsWith(PREFIX))
                .ifPresent(s -> report(event, s));
    }

    private void report(Event event, HealthSampleRecord sample) {
        String rest = sample.service().substring(PREFIX.length());
        int slash = rest.indexOf('.');
        if (slash <= 0 || slash == rest.length() - 1) {
            return;
        }
        String type = rest.substring(0, slash);
        String agentId = rest.substring(slash + 1);
        if (event.origin().isEmpty()) {
            return; // the hub's own samples, or another hub's: no key to check
        }
        try {
            // checked in the pool operation that takes it: one operation, and no registration can change between
            boolean taken = scheduler.reportAgentHealth(type, agentId, new AgentLoad(
                    sample.cpu() == null ? 0 : sample.cpu(), sample.memory() == null ? 0 : sample.memory(),
                    (int) Math.round(sample.metrics().getOrDefault("running_tasks", 0.0)),
                    (int) Math.round(sample.metrics().getOrDefault("capacity", 0.0))),
                    OWNER_PREFIX + event.origin(), event.project().value());
            if (!taken) {
                LOG.log(System.Logger.Level.DEBUG, "agent health of {0} ignored: no such agent, or not sent with the"
                        + " key that registered it in a project it serves", sample.service());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "agent health of {0} not taken: {1}", sample.service(), e.getMessage());
        }
    }
}
