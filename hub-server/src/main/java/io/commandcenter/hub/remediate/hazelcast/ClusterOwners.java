package io.commandcenter.hub.remediate.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.commandcenter.hub.remediate.RemediationEngine;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A trigger, not a judge (ADR 0028): when a member of this hub's Hazelcast cluster leaves, the
 * attached engine looks for runs to adopt once the leaver's lease can have lapsed (the lease TTL and
 * a little later), sooner than its own periodic sweep would. Membership decides nothing: in a
 * split-brain each half sees the other leave while both still renew their leases in the shared
 * database, and a run is adopted only when its owner's lease lapsed, checked in the statement that
 * changes its owner.
 */
public final class ClusterOwners implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterOwners.class.getName());
    /** How long {@link #close} waits for a sweep under way. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final HazelcastInstance instance;
    private final RemediationEngine engine;
    private final Duration after;
    private final ScheduledThreadPoolExecutor adopting;
    private final UUID registration;

    private ClusterOwners(HazelcastInstance instance, RemediationEngine engine, Duration leaseTtl) {
        this.instance = instance;
        this.engine = engine;
        this.after = leaseTtl.plus(leaseTtl.dividedBy(6)); // a renewal's period more: the last one may be late
        this.adopting = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cc-remediate-owners");
            t.setDaemon(true);
            return t;
        });
        // at close, sweeps not started yet are dropped; one under way finishes
        adopting.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.registration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // nothing: a joining hub renews its own lease
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                LOG.log(System.Logger.Level.INFO, "member {0} left the cluster: looking for runs to adopt in {1} ms,"
                        + " once its hub's lease can have lapsed", event.getMember().getAddress(), after.toMillis());
                adopting.schedule(ClusterOwners.this::sweep, after.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Makes {@code engine} look for runs to adopt a lease TTL ({@code leaseTtl}, the engine's
     * {@link RemediationEngine.Settings#leaseTtl}) after a member of {@code instance}'s cluster left.
     */
    public static ClusterOwners watch(HazelcastInstance instance, RemediationEngine engine, Duration leaseTtl) {
        return new ClusterOwners(instance, engine, leaseTtl);
    }

    private void sweep() {
        int adopted = engine.adoptOrphans();
        LOG.log(System.Logger.Level.INFO, "{0} run(s) adopted after a member left", adopted);
    }

    @Override
    public void close() {
        if (instance.getLifecycleService().isRunning()) {
            instance.getCluster().removeMembershipListener(registration);
        }
        // never interrupt a sweep: an interrupt closes H2's file channel under its write
        adopting.shutdown();
        try {
            if (!adopting.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "a sweep for runs to adopt still runs after {0} ms; not waiting"
                        + " for it", CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
