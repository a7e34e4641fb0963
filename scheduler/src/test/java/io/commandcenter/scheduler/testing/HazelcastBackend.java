package io.commandcenter.scheduler.testing;

import io.commandcenter.scheduler.hazelcast.Configs;
import io.commandcenter.scheduler.hazelcast.HazelcastCluster;
import io.commandcenter.scheduler.hazelcast.HazelcastSettings;
import io.commandcenter.scheduler.mesh.SchedulerMesh;
import io.commandcenter.scheduler.state.SchedulerState;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real cluster of embedded members on loopback (TCP-IP, listed one by one), one per hub; most
 * pools are owned by a member other than the calling hub, so operations and results cross the
 * network and go through the serializers.
 */
public final class HazelcastBackend implements Backend {
    private final List<HazelcastCluster> members = new ArrayList<>();

    public HazelcastBackend(int size) {
        this(size, null);
    }

    /** @param applyClock the clock every member applies pool operations by (null: the system clock) */
    public HazelcastBackend(int size, java.time.Clock applyClock) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports.add(Ports.free());
        }
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        String cluster = "test-" + UUID.randomUUID();
        try {
            for (int i = 0; i < size; i++) {
                members.add(HazelcastCluster.start(HazelcastSettings.embedded("hub-" + i, "127.0.0.1", ports.get(i),
                        addresses).withClusterName(cluster).withPartitionCount(31)));
                if (applyClock != null) {
                    members.get(i).applyClock(applyClock);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public HazelcastCluster member(int n) {
        return members.get(n);
    }

    @Override
    public SchedulerState state(int hub) {
        return members.get(hub).state();
    }

    @Override
    public SchedulerMesh mesh(int hub) {
        return members.get(hub).mesh();
    }

    @Override
    public void reset() {
        var instance = members.get(0).instance();
        instance.getMap(Configs.POOLS).clear();
        instance.getMap(Configs.GATES).clear();
        instance.getMap(Configs.KEYS).clear();
        instance.getReplicatedMap(Configs.WEIGHTS).clear();
    }

    @Override
    public boolean asynchronous() {
        return true;
    }

    @Override
    public void close() {
        for (HazelcastCluster member : members) {
            try {
                member.instance().getLifecycleService().terminate();
            } catch (RuntimeException ignored) {
                // already down
            }
        }
    }
}
