package io.commandcenter.scheduler.hazelcast;

import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.pool.PoolConfig;
import io.commandcenter.scheduler.task.Task;
import io.commandcenter.scheduler.task.TaskSpec;
import io.commandcenter.scheduler.testing.MutableClock;
import io.commandcenter.scheduler.testing.Ports;
import io.commandcenter.scheduler.testing.TestAgent;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The pause rule (guide 14.15) where only real members can show it: the owner decides the move by
 * its clock and its backup applies the same move without reading its own; a leaping clock moves a
 * lease by no more than the bound; members of another wire version are refused at start. Hubs run
 * in manual mode on a hand clock (lease 30 s).
 */
class LeasePauseClusterTest {
    static final String P = "payments";
    final MutableClock clock = new MutableClock();
    final List<HazelcastCluster> members = new ArrayList<>();
    final List<HazelcastInstance> strangers = new ArrayList<>();
    final List<Scheduler> hubs = new ArrayList<>();

    @AfterEach
    void stop() {
        HazelcastClusterTest.closeAll(hubs);
        members.forEach(m -> m.instance().getLifecycleService().terminate());
        strangers.forEach(s -> s.getLifecycleService().terminate());
    }

    /** Two members, both applying operations by the hand clock; hub i on member i. */
    void cluster() {
        List<Integer> ports = List.of(Ports.free(), Ports.free());
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        String name = "pause-" + UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            HazelcastCluster member = HazelcastCluster.start(HazelcastSettings.embedded("hub-" + i, "127.0.0.1",
                    ports.get(i), addresses).withClusterName(name).withPartitionCount(31)).applyClock(clock);
            members.add(member);
            hubs.add(Scheduler.start(SchedulerSettings.defaults("hub-" + i).withBackground(false), member.state(),
                    member.mesh(), clock));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> members.get(0).memberCount() == 2);
        // partitions placed and backed up: the owner found next stays the owner
        await().atMost(Duration.ofSeconds(30)).until(() -> members.stream()
                .allMatch(m -> m.instance().getPartitionService().isClusterSafe()));
    }

    /** The index of the member that owns the pool of agent type "devops". */
    int owner() {
        var owner = members.get(0).instance().getPartitionService().getPartition("devops").getOwner();
        return members.get(0).instance().getCluster().getLocalMember().equals(owner) ? 0 : 1;
    }

    /** A lease of a restart task, held by an agent connected to hub {@code on}, granted at the clock's time. */
    Dispatched leased(int on) {
        Scheduler hub = hubs.get(on);
        TestAgent agent = TestAgent.connect(hub, AgentRegistration.of("steady", "devops", 1, "restart"));
        hub.submit(TaskSpec.of(P, "devops.restart"));
        hub.runPending();
        return agent.drain().get(0);
    }

    long expiry(Scheduler hub, Dispatched work) {
        Task task = hub.get(P, work.assignment().taskId());
        return task.assignment().leaseExpiresAt().toEpochMilli();
    }

    /** Sweeps on the owner's hub while the owner applies operations {@code ahead} of the hubs' clock: the lease's expiry then. */
    long sweptAhead(int owner, Duration ahead, Dispatched work) {
        members.get(owner).applyClock(Clock.offset(clock, ahead));
        hubs.get(owner).sweep();
        return expiry(hubs.get(owner), work);
    }

    @Test
    void theOwnersMove_isAppliedAsIsOnTheBackup_soThePromotedBackupShowsTheSameExpiry() {
        cluster();
        int owner = owner();
        int survivor = 1 - owner;
        // the backup's clock stands still: a backup that judged the gap by its own clock would move nothing
        members.get(survivor).applyClock(Clock.fixed(clock.instant(), ZoneOffset.UTC));
        Dispatched work = leased(survivor);
        long granted = work.assignment().leaseExpiresAt().toEpochMilli();

        clock.advance(Duration.ofSeconds(45)); // the pool was not reached for 45 s
        hubs.get(survivor).sweep();
        long moved = expiry(hubs.get(survivor), work);
        assertThat(moved - granted).as("moved by the gap less one heartbeat interval").isEqualTo(35_000);

        members.get(owner).instance().getLifecycleService().terminate();
        assertThat(expiry(hubs.get(survivor), work)).as("on the promoted backup").isEqualTo(moved);
        clock.advance(Duration.ofMillis(moved - clock.millis()));
        hubs.get(survivor).sweep();
        assertThat(hubs.get(survivor).get(P, work.assignment().taskId()).attempt()).isEqualTo(1);
        assertThat(expiry(hubs.get(survivor), work)).isEqualTo(moved);
    }

    @Test
    void anOwnerWhoseClockLeaps_movesALeaseByNoMoreThanTheBound_betweenTwoHeartbeats() {
        cluster();
        int owner = owner();
        Dispatched work = leased(1 - owner);
        long granted = work.assignment().leaseExpiresAt().toEpochMilli();
        long bound = PoolConfig.DEFAULT.moveBoundMillis();

        assertThat(sweptAhead(owner, Duration.ofHours(1), work) - granted).isEqualTo(bound).isEqualTo(60_000);

        assertThat(sweptAhead(owner, Duration.ofHours(2), work) - granted).as("no more until the agent is heard again")
                .isEqualTo(bound);
    }

    /** Unlike the leaps above, the first gap leaves the lease in the window: the bound must hold in total. */
    @Test
    void aSmallMoveThenALeap_moveTheLeaseByTheBoundInAll_notTheBoundMore() {
        cluster();
        int owner = owner();
        Dispatched work = leased(1 - owner);
        long granted = work.assignment().leaseExpiresAt().toEpochMilli();

        assertThat(sweptAhead(owner, Duration.ofSeconds(20), work) - granted).as("a 20 s gap moves 10 s")
                .isEqualTo(10_000);

        assertThat(sweptAhead(owner, Duration.ofSeconds(100), work) - granted).as("an 80 s gap: a further 50 s, not 60 s")
                .isEqualTo(PoolConfig.DEFAULT.moveBoundMillis()).isEqualTo(60_000);
    }

    /**
     * An older member: version 1 announced nothing; version 2 (session 12) reads the same pool encoding as 3 but
     * decides which leases a pause moves by another rule, so its backups would diverge from a version-3 owner;
     * version 3 (session 13) cannot read a version-4 load report (it carries owner and project); a version-4 backup
     * (session 14) expires a lease its heartbeat finds run out, where a version-5 owner leaves that to the sweep.
     */
    @ParameterizedTest(name = "a member of version {0}")
    @ValueSource(strings = {"1", "2", "3", "4"})
    void aHubRefusesToStart_whenAMemberSpeaksAnotherWireVersion(String oldVersion) throws Exception {
        int oldPort = Ports.free();
        int newPort = Ports.free();
        List<String> addresses = List.of("127.0.0.1:" + oldPort, "127.0.0.1:" + newPort);
        String name = "wire-" + UUID.randomUUID();
        HazelcastSettings old = HazelcastSettings.embedded("old", "127.0.0.1", oldPort, addresses)
                .withClusterName(name).withPartitionCount(31);
        Config config = Configs.member(old, InetAddress.getByName("127.0.0.1"));
        if (oldVersion.equals("1")) {
            config.getMemberAttributeConfig().removeAttribute(Serialization.WIRE_ATTRIBUTE); // as version 1 had none
        } else {
            config.getMemberAttributeConfig().setAttribute(Serialization.WIRE_ATTRIBUTE, oldVersion);
        }
        strangers.add(MemberGate.startMember(config));

        HazelcastSettings current = HazelcastSettings.embedded("new", "127.0.0.1", newPort, addresses)
                .withClusterName(name).withPartitionCount(31);
        assertThatThrownBy(() -> members.add(HazelcastCluster.start(current)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(oldVersion.equals("1")
                        ? "speaks scheduler wire version 1 (no cc.scheduler.wire attribute)"
                        : "speaks scheduler wire version " + oldVersion + ",")
                .hasMessageContaining("this hub speaks version " + Serialization.WIRE_VERSION)
                .hasMessageContaining("stop all, start all");
        await("the refused hub left").atMost(Duration.ofSeconds(20))
                .until(() -> strangers.get(0).getCluster().getMembers().size() == 1);
    }

    @Test
    void membersOfTheSameWireVersion_formOneCluster() {
        cluster();
        assertThat(members.get(1).instance().getCluster().getMembers())
                .allSatisfy(m -> assertThat(m.getAttribute(Serialization.WIRE_ATTRIBUTE)).isEqualTo(Integer.toString(Serialization.WIRE_VERSION)));
    }
}
