package io.commandcenter.scheduler.hazelcast;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code cc.hazelcast.*} settings that decide what a member lets in, and the allow-list they make. */
class HazelcastSettingsTest {
    @Test
    void withNothingConfigured_aMemberBindsLoopback_refusesClients_andAllowsOnlyItself() throws Exception {
        HazelcastSettings s = HazelcastSettings.from("hub-a", name -> null);

        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.clients()).isFalse();
        assertThat(s.allow()).isEmpty();
        assertThat(AllowList.of(s).entries()).containsExactly(new HostPort("127.0.0.1", 5701));
        assertThat(AllowList.of(s).allowsHost(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(AllowList.of(s).allowsHost(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void aMemberNamesNoPeer_onlyWithNoMembersListed_orItselfAlone() {
        assertThat(HazelcastSettings.from("hub-a", name -> null).namesNoPeer()).as("nothing listed").isTrue();
        assertThat(HazelcastSettings.embedded("hub-a", "127.0.0.1", 5701, List.of("127.0.0.1:5701")).namesNoPeer())
                .as("itself only").isTrue();
        assertThat(HazelcastSettings.embedded("hub-a", "127.0.0.1", 5701, List.of("127.0.0.1:5701", "127.0.0.1:5702"))
                .namesNoPeer()).as("itself and a peer").isFalse();
        assertThat(HazelcastSettings.embedded("hub-a", "127.0.0.1", 5701, List.of("10.0.0.2:5701")).namesNoPeer())
                .as("a peer only").isFalse();
    }

    @Test
    void clientsAndExtraAllowEntries_comeFromTheirKeys() {
        HazelcastSettings s = HazelcastSettings.from("hub-a", Map.of("cc.hazelcast.host", "10.0.0.1",
                "cc.hazelcast.members", "10.0.0.1:5701,10.0.0.2:5701", "cc.hazelcast.clients", "on",
                "cc.hazelcast.allow", "10.0.0.9, 10.0.0.8:5705, [fd00::7]")::get);

        assertThat(s.clients()).isTrue();
        assertThat(s.allow()).containsExactly("10.0.0.9", "10.0.0.8:5705", "[fd00::7]");
        assertThat(AllowList.of(s).entries()).as("members, this member once, then the extra entries")
                .containsExactly(new HostPort("10.0.0.1", 5701), new HostPort("10.0.0.2", 5701),
                        new HostPort("10.0.0.9", HostPort.ANY_PORT), new HostPort("10.0.0.8", 5705),
                        new HostPort("fd00::7", HostPort.ANY_PORT));
        assertThat(AllowList.of(s)).hasToString("[10.0.0.1:5701, 10.0.0.2:5701, 10.0.0.9, 10.0.0.8:5705, [fd00::7]]");
    }

    @Test
    void aHostPortEntry_allowsThatMemberOnly_aHostEntry_anyPortOfTheHost() throws Exception {
        AllowList list = new AllowList(List.of(HostPort.parse("10.0.0.1:5701", true), HostPort.parse("10.0.0.9", false),
                HostPort.parse("localhost:5703", true)));
        InetAddress first = InetAddress.getByName("10.0.0.1");

        assertThat(list.allowsMember(first, 5701)).isTrue();
        assertThat(list.allowsMember(first, 5702)).as("another port of a host:port entry").isFalse();
        assertThat(list.allowsMember("10.0.0.9", 6000)).isTrue();
        assertThat(list.allowsMember("127.0.0.1", 5703)).as("a name is resolved").isTrue();
        assertThat(list.allowsMember("127.0.0.1", 5701)).isFalse();
        assertThat(list.allowsHost(first)).as("connections from a listed member's host").isTrue();
        assertThat(list.allowsHost(InetAddress.getByName("10.0.0.2"))).isFalse();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            cc.hazelcast.mode       | member
            cc.hazelcast.port       | 0
            cc.hazelcast.port       | 57o1
            cc.hazelcast.backups    | 0
            cc.hazelcast.partitions | 0
            cc.hazelcast.clients    | maybe
            cc.hazelcast.members    | 10.0.0.1:5701-5703
            cc.hazelcast.members    | 10.0.0.1
            cc.hazelcast.allow      | 10.0.0.1:99999
            cc.hazelcast.allow      | 10.0.0.1:x
            cc.hazelcast.host       | 0.0.0.0
            cc.hazelcast.host       | ::
            cc.hazelcast.host       | 10.0.0.1:5701
            cc.hazelcast.host       | [::1
            cc.hazelcast.shutdown-wait | 60
            cc.hazelcast.shutdown-wait | PT0.5S
            cc.hazelcast.shutdown-wait | -PT60S
            """)
    void aBadValue_isRefused_namingItsKey(String key, String value) {
        Map<String, String> properties = new HashMap<>(Map.of(key, value));

        assertThatThrownBy(() -> HazelcastSettings.from("hub-a", properties::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
    }
}
