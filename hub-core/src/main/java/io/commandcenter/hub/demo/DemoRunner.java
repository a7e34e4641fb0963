package io.commandcenter.hub.demo;

import io.commandcenter.hub.events.TraceContext;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.WorkflowCatalog;
import io.commandcenter.hub.telemetry.HealthSampleRecord;
import io.commandcenter.hub.telemetry.IngestPipeline;

import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the demo in a hub: every tick the {@link DemoFleet}'s services report a health sample,
 * ingested like any client's; the seed's {@code auto-restart} workflow and an {@code auto-scale}
 * twin are installed in the default project (once: a project that already has one keeps its own),
 * so predictions lead to automatic
 * restarts through the devops agent — which really restarts the simulated service — or to
 * approvals when the model is less sure.
 */
public final class DemoRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DemoRunner.class.getName());

    /**
     * Seed 3.2 as written, plus the approval block a demo needs. The demo's policy differs by action,
     * as a careful team's would: a restart is cheap and reversible, so it runs on its own from 0.5
     * confidence (the bootstrap model's confidence on a fleet a couple of minutes old is 0.6–0.8, so
     * the seed's 0.9 would never act); scaling out costs money, so below 0.9 a person decides. The
     * demo's first fault (an error burst) is therefore restarted automatically, its second (latency
     * creep, which recommends scaling) waits for an approval.
     */
    public static final String AUTO_RESTART = """
            name: auto-restart
            description: Restart a service the model expects to fail (seed 3.2); below 0.5 confidence a person decides.
            trigger:
              on: [prediction.created]
              filters:
                recommendedAction: restart
            approval:
              min_confidence: 0.5
              expires_after: 30m
            nodes:
              - id: restart_service
                agent: devops
                action: restart
                inputs:
                  service: $entity.id
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "Service $entity.id restarted after predicted failure."
            """;

    /** Latency creep recommends {@code scale}: scaling out costs money, so below 0.9 a person decides. */
    public static final String AUTO_SCALE = """
            name: auto-scale
            description: Scale out a service whose latency or load the model expects to break.
            trigger:
              on: [prediction.created]
              filters:
                recommendedAction: scale
            approval:
              min_confidence: 0.9
              expires_after: 30m
            nodes:
              - id: scale_out
                agent: devops
                action: scale
                inputs:
                  service: $entity.id
              - id: notify
                agent: notifier
                action: sendSlack
                inputs:
                  message: "Service $entity.id scaled out after predicted saturation."
            """;

    private final ScheduledExecutorService ticker;

    private DemoRunner(ScheduledExecutorService ticker) {
        this.ticker = ticker;
    }

    /** The fleet of a demo that is about to start (its devops executor needs it first). */
    public static DemoFleet fleet(DemoSettings settings) {
        return new DemoFleet(new SplittableRandom(settings.seed()), settings.firstFaultTick(),
                settings.meanTicksBetweenFaults());
    }

    /** Installs the demo workflow (unless the project has one by that name) and starts ticking. */
    public static DemoRunner start(DemoFleet fleet, DemoSettings settings, ProjectId project, IngestPipeline pipeline,
                                   WorkflowCatalog workflows, Clock clock) {
        install(workflows, project, "auto-restart", AUTO_RESTART);
        install(workflows, project, "auto-scale", AUTO_SCALE);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cc-demo");
            t.setDaemon(true);
            return t;
        });
        DemoRunner runner = new DemoRunner(ticker);
        SplittableRandom random = new SplittableRandom(settings.seed());
        long every = settings.tick().toMillis();
        ticker.scheduleAtFixedRate(() -> {
            try {
                java.util.List<HealthSampleRecord> samples;
                synchronized (fleet) {
                    samples = fleet.tick(clock.instant());
                }
                for (HealthSampleRecord sample : samples) {
                    pipeline.record(project, sample, TraceContext.newRoot(random));
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "demo tick failed: {0}", e.getMessage());
            }
        }, 0, every, TimeUnit.MILLISECONDS);
        LOG.log(System.Logger.Level.INFO, "demo: {0} simulated services report every {1} ms in project {2}",
                fleet.services().size(), every, project);
        return runner;
    }

    private static void install(WorkflowCatalog workflows, ProjectId project, String name, String yaml) {
        if (workflows.latest(project, name).isEmpty()) {
            workflows.put(project, yaml, "demo");
        }
    }
    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
