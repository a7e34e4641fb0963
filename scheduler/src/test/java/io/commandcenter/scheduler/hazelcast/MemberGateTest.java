package io.commandcenter.scheduler.hazelcast;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The gate's two socket checks on real loopback sockets: whom a member accepts, and where it connects. */
class MemberGateTest {
    final List<AutoCloseable> sockets = new ArrayList<>();
    final ServerSocket server;

    MemberGateTest() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        sockets.add(server);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable socket : sockets) {
            socket.close();
        }
    }

    /** A connection to the test server from {@code source}; returns {connecting side, accepted side}. */
    Socket[] connection(String source) throws IOException {
        Socket out = new Socket();
        sockets.add(out);
        out.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        out.connect(server.getLocalSocketAddress(), 2_000);
        Socket in = server.accept();
        sockets.add(in);
        return new Socket[] {out, in};
    }

    static MemberGate gate(String... entries) {
        return new MemberGate(new AllowList(List.of(entries).stream().map(e -> HostPort.parse(e, false)).toList()));
    }

    @Test
    void connectingOut_isAllowedToAListedMemberAddress_andRefusedToAnotherPortOfTheSameHost() throws IOException {
        Socket out = connection("127.0.0.1")[0];
        int port = server.getLocalPort();

        assertThatCode(() -> gate("127.0.0.1:" + port).onConnect(out)).doesNotThrowAnyException();
        assertThatThrownBy(() -> gate("127.0.0.1:" + (port == 65535 ? 1 : port + 1)).onConnect(out))
                .isInstanceOf(IOException.class).hasMessageContaining("refused").hasMessageContaining("allow-list");
    }

    @Test
    void acceptingIn_isAllowedFromAListedHost_whateverTheSourcePort_andRefusedFromAnotherHost() throws IOException {
        assumeTrue(canBind("127.0.0.2"), "127.0.0.2 cannot be bound here (Linux routes all of 127/8 to loopback)");
        Socket fromListedHost = connection("127.0.0.1")[1];
        Socket fromElsewhere = connection("127.0.0.2")[1];
        MemberGate gate = gate("127.0.0.1:5701");

        assertThatCode(() -> gate.onAccept(fromListedHost)).doesNotThrowAnyException();
        assertThatThrownBy(() -> gate.onAccept(fromElsewhere)).isInstanceOf(IOException.class)
                .hasMessageContaining("from 127.0.0.2 refused");
        assertThat(fromElsewhere.getInetAddress().getHostAddress()).isEqualTo("127.0.0.2");
    }

    static boolean canBind(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
