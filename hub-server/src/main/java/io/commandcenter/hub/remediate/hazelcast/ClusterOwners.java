package io.commandcenter.hub.remediate.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.commandcenter.hub.remediate.GoneHubs;
import io.commandcenter.hub.remediate.RemediationEngine;
import io.commandcenter.scheduler.hazelcast.Configs;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Which hubs of this hub's Hazelcast cluster are gone, for adopting their runs (ADR 0028). Every
 * member names its hub in a member attribute ({@link Configs#HUB_ATTRIBUTE}); every hub records the
 * hub ids of the members it sees in a cluster map ({@value #HUBS}). A hub is gone when it was seen
 * as a member and no member names it now. A hub never seen as a member (a hub in client mode, or
 * one from before the whole cluster restarted) is never gone here: its runs stay where they are.
 *
 * <p>When a member leaves, the attached engine adopts the runs of hubs gone
 * ({@link RemediationEngine#adoptOrphans}) on this class's own thread.
 */
public final class ClusterOwners implements GoneHubs, AutoCloseable {
    /** The cluster map of hub ids seen as members (the value is unused). */
    static final String HUBS = "cc-remediate-hubs";
    private static final System.Logger LOG = System.getLogger(ClusterOwners.class.getName());

    private final HazelcastInstance instance;
    private final IMap<String, Boolean> hubs;
    private final ExecutorService adopting;
    private final UUID registration;
    private volatile RemediationEngine engine;

    private ClusterOwners(HazelcastInstance instance) {
        this.instance = instance;
        this.hubs = instance.getMap(HUBS);
        this.adopting = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cc-remediate-owners");
            t.setDaemon(true);
            return t;
        });
        this.registration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                adopting.execute(() -> seen(Set.of(event.getMember())));
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                LOG.log(System.Logger.Level.INFO, "hub {0} left the cluster: adopting the runs of hubs that are gone",
                        hubOf(event.getMember()));
                adopting.execute(() -> {
                    RemediationEngine e = engine;
                    if (e != null) {
                        e.adoptOrphans();
                    }
                });
            }
        });
        // before the engine starts: the members there now, this one included when it is a member
        seen(instance.getCluster().getMembers());
    }

    /** Watches the members of {@code instance} (an embedded member or a client). */
    public static ClusterOwners of(HazelcastInstance instance) {
        return new ClusterOwners(instance);
    }

    /** The engine that adopts when a member left (declare it with {@link RemediationEngine#adoptingFrom} too). */
    public ClusterOwners attach(RemediationEngine value) {
        engine = value;
        return this;
    }

    private void seen(Set<Member> members) {
        try {
            for (Member m : members) {
                String hub = hubOf(m);
                if (hub != null) {
                    hubs.set(hub, Boolean.TRUE);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record the hubs of the cluster''s members: {0}", e.getMessage());
        }
    }

    private static String hubOf(Member member) {
        return member.getAttribute(Configs.HUB_ATTRIBUTE);
    }

    /**
     * Whether {@code hubId} was seen as a member of this cluster and no member names it now. Reads
     * the cluster map (a remote call); fails as Hazelcast fails.
     */
    @Override
    public boolean gone(String hubId) {
        for (Member m : instance.getCluster().getMembers()) {
            if (hubId.equals(hubOf(m))) {
                return false;
            }
        }
        return hubs.containsKey(hubId);
    }

    @Override
    public void close() {
        if (instance.getLifecycleService().isRunning()) {
            instance.getCluster().removeMembershipListener(registration);
        }
        adopting.shutdownNow();
    }
}
