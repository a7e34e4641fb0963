package io.commandcenter.hub.runtime;

import io.commandcenter.hub.events.EventBus;
import io.commandcenter.hub.metrics.HubMetrics;
import io.commandcenter.hub.metrics.MetricRegistry;
import io.commandcenter.hub.predict.PredictiveEngine;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.telemetry.IngestPipeline;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.agents.AgentState;
import io.commandcenter.scheduler.agents.AgentView;
import io.commandcenter.scheduler.events.SchedulerEvent;
import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.pool.PoolSummary;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The metrics of the hub's machinery, next to {@link HubMetrics}' domain ones: the ingest queue and
 * the event bus, the engine's counts, pending approvals, the mesh scheduler (queues, assignments,
 * task changes, agents by state), the JVM and the Hazelcast member. Gauges are read at scrape time, from
 * memory; the one that needs the database, pending approvals, is counted on its own timer
 * ({@link PendingApprovalsGauge}), so a scrape never waits on the database.
 */
final class PlatformMetrics {
    private PlatformMetrics() {
    }

    /**
     * Registers the gauges, starts counting pending approvals and subscribes to the scheduler's events.
     *
     * @return the scheduler subscription and the approvals' timer, to close with the hub
     */
    static AutoCloseable register(MetricRegistry r, HubMetrics domain, IngestPipeline pipeline, EventBus bus,
                                  PredictiveEngine engine, RemediationEngine remediation, Scheduler scheduler,
                                  Optional<HazelcastCluster> cluster, ProjectId defaultProject, String hubId) {
        r.gauge("cc_ingest_queue_records", "Records waiting for the ingest writer.", List.of(),
                s -> s.set(pipeline.queued()));
        r.counter("cc_ingest_failed_batches_total", "Ingest batches the store could not write.", List.of(),
                s -> s.set(pipeline.failedBatchCount()));
        r.counter("cc_events_published_total", "Events published on the hub's bus.", List.of(),
                s -> s.set(bus.publishedCount()));
        r.counter("cc_events_dropped_total",
                "Events the hub's bus dropped for subscribers that fell behind (consoles, gRPC and SSE subscribers,"
                        + " the engine): bus drops.", List.of(), s -> s.set(bus.droppedCount()));
        r.gauge("cc_events_subscribers", "Subscribers of the hub's event bus.", List.of(),
                s -> s.set(bus.subscriberCount()));
        r.counter("cc_engine_records_total", "Records the predictive engine received from the bus.", List.of(),
                s -> s.set(engine.stats().recordsSeen()));
        r.counter("cc_engine_records_dropped_total",
                "Records the predictive engine dropped because it fell behind (bus drops).", List.of(),
                s -> s.set(engine.stats().dropped()));
        r.counter("cc_engine_failures_total", "Scoring or storing failures of the predictive engine.", List.of(),
                s -> s.set(engine.stats().failures()));
        PendingApprovalsGauge approvals = new PendingApprovalsGauge(() -> {
            Set<ProjectId> projects = new java.util.HashSet<>(domain.projectsSeen());
            projects.add(defaultProject);
            return projects;
        }, remediation::pendingApprovals).register(r);

        AutoCloseable scheduled = scheduler(r, domain, scheduler, defaultProject, hubId);

        r.gauge("jvm_memory_used_bytes", "Used bytes of the JVM's memory areas.", List.of("area"), s -> {
            s.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), "heap");
            s.set(ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed(), "nonheap");
        });
        r.gauge("jvm_memory_max_bytes", "Maximum bytes of the JVM's heap (-1: unbounded).", List.of("area"),
                s -> s.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax(), "heap"));
        r.gauge("jvm_memory_pool_used_bytes", "Used bytes of each heap memory pool.", List.of("pool"), s -> {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                    s.set(pool.getUsage().getUsed(), pool.getName());
                }
            }
        });
        r.gauge("jvm_threads_current", "Live threads of the JVM.", List.of(),
                s -> s.set(ManagementFactory.getThreadMXBean().getThreadCount()));
        r.counter("jvm_gc_collection_seconds_total", "Time spent in garbage collection, by collector.",
                List.of("gc"), s -> {
                    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                        s.set(Math.max(0, gc.getCollectionTime()) / 1000.0, gc.getName());
                    }
                });
        r.counter("jvm_gc_collections_total", "Garbage collections, by collector.", List.of("gc"), s -> {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                s.set(Math.max(0, gc.getCollectionCount()), gc.getName());
            }
        });
        r.gauge("process_start_time_seconds", "Start time of the process since the epoch, in seconds.", List.of(),
                s -> s.set(ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0));
        r.counter("process_cpu_seconds_total", "CPU time of the process.", List.of(), s -> {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                s.set(Math.max(0, os.getProcessCpuTime()) / 1e9);
            }
        });
        r.gauge("cc_hazelcast_cluster_members", "Members of the hub's Hazelcast cluster (0: the hub runs alone).",
                List.of(), s -> s.set(cluster.map(HazelcastCluster::memberCount).orElse(0)));
        r.gauge("cc_hazelcast_partitions_unsafe",
                "1 while the Hazelcast cluster has partitions without their backups (migrating, a member lost).",
                List.of(), s -> cluster.ifPresent(c -> {
                    if (c.instance().getLifecycleService().isRunning()) {
                        s.set(c.instance().getPartitionService().isClusterSafe() ? 0 : 1);
                    }
                }));
        // the timer starts last: a registration that fails above leaves no thread behind
        approvals.start(java.time.Clock.systemUTC());
        return () -> {
            try {
                scheduled.close();
            } finally {
                approvals.close();
            }
        };
    }

    /**
     * The mesh scheduler's families: queue depth by project and agent type, assignments, task changes,
     * lease expiries, agents by type and state.
     *
     * @return the scheduler subscription, to close with the hub
     */
    static AutoCloseable scheduler(MetricRegistry r, HubMetrics domain, Scheduler scheduler, ProjectId defaultProject,
                                   String hubId) {
        // the queue gauge comes first in the exposition: reading it creates the counters' series below, so
        // they are in the same scrape
        MetricRegistry.Counter[] seriesOf = new MetricRegistry.Counter[2];
        r.gauge("cc_scheduler_queue_tasks", "Tasks queued, by project and agent type (cluster-wide).",
                List.of("project", "agent_type"), s -> {
                    Set<String> projects = new java.util.TreeSet<>();
                    domain.projectsSeen().forEach(p -> projects.add(p.value()));
                    projects.add(defaultProject.value());
                    for (Map.Entry<String, Map<String, Integer>> pool : scheduler.queuedByProject().entrySet()) {
                        // every known project at 0, so a quiet queue is a series of zeros, not no series; its
                        // counters too, so that PromQL's increase() counts a project's first lease (a series
                        // born at 1 shows no increase)
                        for (String p : projects) {
                            s.set(pool.getValue().getOrDefault(p, 0), p, pool.getKey());
                            seriesOf[0].touch(p, pool.getKey());
                            seriesOf[1].touch(p, pool.getKey());
                        }
                        pool.getValue().forEach((p, n) -> s.set(n, p, pool.getKey()));
                    }
                });
        MetricRegistry.Counter assignments = r.counter("cc_scheduler_assignments_total",
                "Tasks this hub leased to agents.", "project", "agent_type");
        MetricRegistry.Counter tasks = r.counter("cc_scheduler_task_changes_total",
                "Task changes this hub decided: queued, requeued (lease expired, retryable failure, not"
                        + " delivered), succeeded, failed, cancelled.", "project", "change");
        MetricRegistry.Counter expiries = r.counter("cc_scheduler_lease_expiries_total",
                "Leases that ran out before their agent answered (this hub's sweeps): the task was queued again, or"
                        + " failed with no attempts left.", "project", "agent_type");
        seriesOf[0] = assignments;
        seriesOf[1] = expiries;
        r.gauge("cc_scheduler_agents", "Agents known to the scheduler, by agent type and state (cluster-wide).",
                List.of("agent_type", "state"), s -> {
                    var listing = scheduler.agents(null, null);
                    Map<String, EnumMap<AgentState, Integer>> by = new java.util.TreeMap<>();
                    for (PoolSummary p : listing.pools()) {
                        by.computeIfAbsent(p.agentType(), t -> zeros());
                    }
                    for (AgentView a : listing.agents()) {
                        by.computeIfAbsent(a.registration().agentType(), t -> zeros()).merge(a.state(), 1, Integer::sum);
                    }
                    by.forEach((type, states) -> states.forEach((st, n) -> s.set(n, type,
                            st.name().toLowerCase(Locale.ROOT))));
                });
        AutoCloseable subscription = scheduler.subscribe(event -> {
            if (!hubId.equals(event.hubId())) {
                return; // every hub hears every event of the cluster: count only this hub's decisions
            }
            if (event instanceof SchedulerEvent.AssignmentMade a) {
                assignments.inc(a.project(), a.assignment().agentType());
                expiries.touch(a.project(), a.assignment().agentType()); // at 0 from the first lease on
            } else if (event instanceof SchedulerEvent.TaskChanged t) {
                tasks.inc(t.project(), t.change());
                if (isLeaseExpiry(t)) {
                    expiries.inc(t.project(), t.task().spec().capability().agentType());
                }
            }
        });
        return subscription;
    }

    /**
     * Whether the change is a lease running out: the task queued again for {@code LEASE_EXPIRED}, or
     * failed for {@code ATTEMPTS_EXHAUSTED} (which only an expiry with no attempts left gives).
     */
    static boolean isLeaseExpiry(SchedulerEvent.TaskChanged t) {
        String reason = t.task().stateReason();
        return t.change().equals("requeued") && reason.equals("LEASE_EXPIRED")
                || t.change().equals("failed") && reason.equals("ATTEMPTS_EXHAUSTED");
    }

    private static EnumMap<AgentState, Integer> zeros() {
        EnumMap<AgentState, Integer> m = new EnumMap<>(AgentState.class);
        for (AgentState st : AgentState.values()) {
            m.put(st, 0);
        }
        return m;
    }
}
