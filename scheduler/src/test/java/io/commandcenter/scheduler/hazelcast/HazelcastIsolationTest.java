package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.scheduler.AgentListener;
import io.commandcenter.scheduler.Scheduler;
import io.commandcenter.scheduler.SchedulerSettings;
import io.commandcenter.scheduler.agents.AgentRegistration;
import io.commandcenter.scheduler.leases.Revocation;
import io.commandcenter.scheduler.pool.Dispatched;
import io.commandcenter.scheduler.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a hub's Hazelcast member lets in (issue 13): real members on loopback, against a stock
 * Hazelcast client and stock Hazelcast members ("strangers") that know the cluster's name and its
 * members' addresses, as anyone who reads the configuration does.
 */
class HazelcastIsolationTest {
    static final AgentListener IDLE = new AgentListener() {
        @Override
        public void onAssignment(Dispatched work) {
        }

        @Override
        public void onRevoked(Revocation revocation) {
        }

        @Override
        public void onClosed(CommandCenterException reason) {
        }
    };

    final String cluster = "isolation-" + UUID.randomUUID();
    final List<HazelcastCluster> hubs = new ArrayList<>();
    final List<Scheduler> schedulers = new ArrayList<>();
    final List<HazelcastInstance> strangers = new ArrayList<>();

    @AfterEach
    void stop() {
        schedulers.forEach(Scheduler::close);
        strangers.forEach(s -> s.getLifecycleService().terminate());
        hubs.forEach(h -> h.instance().getLifecycleService().terminate());
        HazelcastClient.shutdownAll(); // a client that should not have got in
    }

    HazelcastCluster hub(HazelcastSettings settings) {
        HazelcastCluster hub = HazelcastCluster.start(settings);
        hubs.add(hub);
        return hub;
    }

    HazelcastSettings member(String hubId, int port, List<String> members) {
        return HazelcastSettings.embedded(hubId, "127.0.0.1", port, members).withClusterName(cluster)
                .withPartitionCount(31);
    }

    /** Two hubs listing each other, with the pool of agent type "devops" (an agent connected to the first). */
    List<HazelcastCluster> twoHubsWithADevopsPool() {
        int a = Ports.free();
        int b = Ports.free();
        List<String> members = List.of("127.0.0.1:" + a, "127.0.0.1:" + b);
        HazelcastCluster first = hub(member("hub-a", a, members));
        HazelcastCluster second = hub(member("hub-b", b, members));
        await().atMost(Duration.ofSeconds(20)).until(() -> first.memberCount() == 2 && second.memberCount() == 2);
        Scheduler scheduler = Scheduler.start(SchedulerSettings.defaults("hub-a"), first.state(), first.mesh(),
                Clock.systemUTC());
        schedulers.add(scheduler);
        scheduler.connect(AgentRegistration.of("agent-a", "devops", 1, "restart"), IDLE);
        await().atMost(Duration.ofSeconds(10)).until(() -> pools(second).containsKey("devops"));
        return List.of(first, second);
    }

    static IMap<Object, Object> pools(HazelcastCluster hub) {
        return hub.instance().getMap(Configs.POOLS);
    }

    static List<String> addresses(List<HazelcastCluster> hubs) {
        return hubs.stream().map(h -> h.settings().host() + ":" + h.settings().port()).toList();
    }

    /** A stock Hazelcast client of one member, giving up after about a second. */
    static ClientConfig client(String clusterName, String address) {
        ClientConfig config = new ClientConfig().setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getNetworkConfig().addAddress(address).setConnectionTimeout(1_000);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(1_000);
        return config;
    }

    /**
     * A stock Hazelcast member (no gate) bound to {@code host:port}, with the cluster's name, partition
     * count and members. {@code fromItsOwnAddress}: its connections leave from {@code host}, as they would
     * from another machine; otherwise Hazelcast's default (the kernel picks the source address).
     */
    Config stranger(String host, int port, List<String> members, boolean fromItsOwnAddress) {
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.partition.count", "31");
        if (fromItsOwnAddress) {
            config.setProperty("hazelcast.socket.client.bind.any", "false");
        }
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false).getMemberAddressProviderConfig()
                .setEnabled(true).setImplementation(new Configs.BoundAddress(new InetSocketAddress(host, port)));
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(members);
        return config;
    }

    @Test
    void aMemberWithNoHostConfigured_bindsLoopbackOnly_andSaysSoWhenItStarts() throws Exception {
        int port = Ports.free();
        List<String> log = new CopyOnWriteArrayList<>();

        try (AutoCloseable capture = capture(HazelcastCluster.class, log)) {
            hub(HazelcastSettings.from("hub-a", Map.of("cc.hazelcast.port", Integer.toString(port),
                    "cc.hazelcast.cluster", cluster, "cc.hazelcast.partitions", "31")::get));
        }

        connect(InetAddress.getByName("127.0.0.1"), port);
        assertThat(log).anySatisfy(line -> assertThat(line).contains("bound to 127.0.0.1:" + port + " only",
                "cluster name \"" + cluster + "\"", "allow-list [127.0.0.1:" + port + "]", "Hazelcast clients off"));
        Optional<InetAddress> elsewhere = nonLoopbackIpv4();
        assumeTrue(elsewhere.isPresent(),
                "no non-loopback IPv4 address on this machine: that the port is closed elsewhere is not checked");
        assertThatThrownBy(() -> connect(elsewhere.get(), port)).as("port %d on %s", port, elsewhere.get())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aStockHazelcastClient_withTheClusterName_cannotConnectByDefault_andThePoolStaysIntact() {
        List<HazelcastCluster> hubs = twoHubsWithADevopsPool();
        ClientConfig config = client(cluster, addresses(hubs).get(0));

        assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(config))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Unable to connect");
        assertThat(hubs.get(0).instance().getClientService().getConnectedClients()).isEmpty();
        assertThat(hubs.get(1).instance().getClientService().getConnectedClients()).isEmpty();
        assertThat(pools(hubs.get(0)).containsKey("devops")).as("the devops pool is still there").isTrue();
    }

    @Test
    void withClientsOn_aClientIsAcceptedOnlyFromAHostOnTheAllowList() {
        assumeTrue(canBind("127.0.0.2"), "127.0.0.2 cannot be bound here (Linux routes all of 127/8 to loopback)");
        // a member on 127.0.0.2 sees this JVM's client connect from 127.0.0.1 (loopback's source address)
        int closed = Ports.free();
        int open = Ports.free();
        hub(HazelcastSettings.embedded("hub-a", "127.0.0.2", closed, List.of()).withClusterName(cluster)
                .withPartitionCount(31).withClients(true));
        hub(HazelcastSettings.embedded("hub-b", "127.0.0.2", open, List.of()).withClusterName(cluster + "-b")
                .withPartitionCount(31).withClients(true).withAllow(List.of("127.0.0.1")));

        assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client(cluster, "127.0.0.2:" + closed)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Unable to connect");
        HazelcastInstance admitted = HazelcastClient.newHazelcastClient(client(cluster + "-b", "127.0.0.2:" + open));
        assertThat(admitted.getCluster().getMembers()).hasSize(1);
    }

    @Test
    void aStrangerMemberOnAnotherAddress_withTheClusterName_isRefusedAtTheSocket_andSeesNoSchedulerData() {
        assumeTrue(canBind("127.0.0.2"), "127.0.0.2 cannot be bound here (Linux routes all of 127/8 to loopback)");
        List<HazelcastCluster> hubs = twoHubsWithADevopsPool();

        HazelcastInstance stranger = Hazelcast.newHazelcastInstance(stranger("127.0.0.2", Ports.free(),
                addresses(hubs), true));
        strangers.add(stranger);

        assertThat(stranger.getCluster().getMembers()).as("the stranger ends up alone").hasSize(1);
        assertThat(stranger.getMap(Configs.POOLS).size()).as("the scheduler's pools, seen by the stranger").isZero();
        assertThat(hubs.get(0).instance().getCluster().getMembers()).extracting(Member::getAddress)
                .extracting(a -> a.getHost() + ":" + a.getPort())
                .containsExactlyInAnyOrderElementsOf(addresses(hubs));
        assertThat(pools(hubs.get(0)).containsKey("devops")).as("the devops pool is still there").isTrue();
    }

    @Test
    void aStrangerMemberOnAnAllowedHost_atAnAddressNotOnTheList_isRefusedAtJoin_andStops() {
        List<HazelcastCluster> hubs = twoHubsWithADevopsPool();
        Config config = stranger("127.0.0.1", Ports.free(), addresses(hubs), false);

        assertThatThrownBy(() -> strangers.add(Hazelcast.newHazelcastInstance(config)))
                .as("Hazelcast stops a member whose join is refused").isInstanceOf(IllegalStateException.class);
        assertThat(hubs.get(0).memberCount()).isEqualTo(2);
        assertThat(hubs.get(1).memberCount()).isEqualTo(2);
        assertThat(pools(hubs.get(1)).containsKey("devops")).as("the devops pool is still there").isTrue();
    }

    @Test
    void aMemberOnTheAllowList_joinsAlthoughTheOthersDoNotListItAsAMember() {
        int a = Ports.free();
        int b = Ports.free();
        int c = Ports.free();
        List<String> ab = List.of("127.0.0.1:" + a, "127.0.0.1:" + b);
        List<String> allowC = List.of("127.0.0.1:" + c);
        HazelcastCluster first = hub(member("hub-a", a, ab).withAllow(allowC));
        HazelcastCluster second = hub(member("hub-b", b, ab).withAllow(allowC));
        HazelcastCluster third = hub(member("hub-c", c, List.of(ab.get(0), ab.get(1), allowC.get(0))));

        await().atMost(Duration.ofSeconds(20)).until(() -> first.memberCount() == 3 && second.memberCount() == 3
                && third.memberCount() == 3);
    }

    @Test
    void aMemberWithAnotherClusterName_doesNotJoin_evenWhenListedAndAllowed() {
        int a = Ports.free();
        int b = Ports.free();
        List<String> both = List.of("127.0.0.1:" + a, "127.0.0.1:" + b);
        HazelcastCluster first = hub(member("hub-a", a, both));

        HazelcastCluster second = hub(member("hub-b", b, both).withClusterName(cluster + "-staging"));

        assertThat(second.memberCount()).as("the other cluster's member started alone").isEqualTo(1);
        assertThat(first.memberCount()).isEqualTo(1);
    }

    @Test
    void aHostThatIsNotAnAddressOfThisMachine_failsTheStart_namingTheKey() {
        HazelcastSettings elsewhere = HazelcastSettings.embedded("hub-a", "203.0.113.7", Ports.free(), List.of());

        assertThatThrownBy(() -> hub(elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cc.hazelcast.host").hasMessageContaining("not an address of this machine");
    }

    @Test
    void theLoopbackDefault_withMembersOnOtherMachines_failsTheStart_namingTheKey() {
        HazelcastSettings settings = HazelcastSettings.from("hub-a", Map.of(
                "cc.hazelcast.members", "10.0.0.1:5701,10.0.0.2:5701", "cc.hazelcast.cluster", cluster)::get);

        assertThatThrownBy(() -> hub(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cc.hazelcast.host").hasMessageContaining("10.0.0.1:5701");
    }

    static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
        }
    }

    static Optional<InetAddress> nonLoopbackIpv4() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(HazelcastIsolationTest::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    static boolean canBind(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    /** Collects what {@code type}'s logger says at INFO and above until closed. */
    static AutoCloseable capture(Class<?> type, List<String> lines) {
        Logger logger = Logger.getLogger(type.getName());
        Level before = logger.getLevel();
        SimpleFormatter formatter = new SimpleFormatter();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(formatter.formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.setLevel(Level.INFO);
        logger.addHandler(handler);
        return () -> {
            logger.removeHandler(handler);
            logger.setLevel(before);
        };
    }
}
