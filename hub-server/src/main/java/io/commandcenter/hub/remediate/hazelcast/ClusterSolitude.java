package io.commandcenter.hub.remediate.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import io.commandcenter.common.concurrent.Shutdowns;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.hub.remediate.Solitude;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Whether this hub's embedded Hazelcast member is alone in its cluster, for the remediation engine's
 * decision facts (ADR 0027): {@link #spell()} is one volatile read, kept by a membership listener.
 *
 * <p>The rule that closes the join race: a member that sees another join drops its memory and
 * drains every decision it took from memory ({@link RemediationEngine#membersChanged}), then
 * acknowledges the joiner in a cluster map ({@value #ACKS}); a joining hub waits for those
 * acknowledgements ({@link #awaitAcknowledged}) before its engine starts. So no run of the joiner is
 * written while another member may still decide from memory. A member that does not answer within
 * the wait is named in a warning and the joiner goes on (its own decisions read the database).
 */
public final class ClusterSolitude implements Solitude, AutoCloseable {
    /** The cluster map of acknowledgements, keyed {@code joiner/acknowledger} (member UUIDs). */
    static final String ACKS = "cc-remediate-joins";
    private static final System.Logger LOG = System.getLogger(ClusterSolitude.class.getName());

    private final HazelcastInstance instance;
    private final IMap<String, Boolean> acks;
    private final UUID self;
    private final ExecutorService acking;
    private final UUID registration;
    private final Object changed = new Object();
    /** The current spell alone, or {@link #NOT_ALONE}; bumped with every membership event. */
    private volatile long spell;
    private long events;
    private volatile RemediationEngine engine;

    private ClusterSolitude(HazelcastInstance instance) {
        this.instance = instance;
        this.acks = instance.getMap(ACKS);
        this.self = instance.getCluster().getLocalMember().getUuid();
        this.acking = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cc-remediate-members");
            t.setDaemon(true);
            return t;
        });
        this.spell = NOT_ALONE;
        this.registration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                seen(event.getMembers());
                Member joiner = event.getMember();
                acking.execute(() -> {
                    changed();
                    acks.set(joiner.getUuid() + "/" + self, Boolean.TRUE, 10, TimeUnit.MINUTES);
                });
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                seen(event.getMembers());
                // alone again: every target's runs are read now rather than at the next decision
                acking.execute(ClusterSolitude.this::changed);
            }
        });
        seen(instance.getCluster().getMembers());
        // members that joined before this listener: this hub has decided nothing from memory yet
        for (Member other : instance.getCluster().getMembers()) {
            if (!other.getUuid().equals(self)) {
                acks.set(other.getUuid() + "/" + self, Boolean.TRUE, 10, TimeUnit.MINUTES);
            }
        }
    }

    /** Listens to the membership of {@code instance} (an embedded member). */
    public static ClusterSolitude of(HazelcastInstance instance) {
        return new ClusterSolitude(instance);
    }

    /** The engine told of membership changes (before it starts). */
    public ClusterSolitude attach(RemediationEngine value) {
        engine = value;
        return this;
    }

    @Override
    public long spell() {
        return spell;
    }

    private synchronized void seen(Set<Member> members) {
        boolean was = spell != NOT_ALONE;
        events++;
        spell = members.size() == 1 ? events : NOT_ALONE;
        if (was != (spell != NOT_ALONE) || events == 1) {
            LOG.log(System.Logger.Level.INFO, spell != NOT_ALONE
                    ? "alone in the cluster: remediation decisions take their facts from memory"
                    : "{0} members in the cluster: remediation decisions read the database", members.size());
        }
    }

    private void changed() {
        RemediationEngine e = engine;
        if (e != null) {
            e.membersChanged();
        }
    }

    /**
     * Waits until every other member has acknowledged this one's join (it decides from memory no
     * longer and its decisions taken from memory are stored), at most {@code timeout}; members that
     * leave meanwhile are not waited for. Call before the engine starts.
     *
     * @return the members that did not answer in time (empty: all did)
     */
    public List<UUID> awaitAcknowledged(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        UUID listening = acks.addEntryListener((EntryAddedListener<String, Boolean>) e -> {
            synchronized (changed) {
                changed.notifyAll();
            }
        }, false);
        try {
            boolean interrupted = false;
            while (true) {
                List<UUID> waiting = instance.getCluster().getMembers().stream().map(Member::getUuid)
                        .filter(u -> !u.equals(self) && !acks.containsKey(self + "/" + u)).toList();
                long left = deadline - System.nanoTime();
                if (waiting.isEmpty() || left <= 0 || interrupted) {
                    if (!waiting.isEmpty()) {
                        LOG.log(System.Logger.Level.WARNING, "members {0} did not confirm within {1} that they no longer"
                                + " decide remediation from memory; this hub decides from the database anyway",
                                waiting, timeout);
                    }
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    return waiting;
                }
                synchronized (changed) {
                    try {
                        // an acknowledgement wakes this; a departure is seen within 100 ms
                        changed.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            acks.removeEntryListener(listening);
        }
    }

    @Override
    public void close() {
        if (instance.getLifecycleService().isRunning()) {
            instance.getCluster().removeMembershipListener(registration);
        }
        // its work may read the database (the engine takes the facts of its targets again): not interrupted
        Shutdowns.closeWithoutInterrupt(acking, Duration.ofSeconds(5), "cluster membership work");
    }
}
