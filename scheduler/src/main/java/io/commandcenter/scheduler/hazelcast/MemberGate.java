package io.commandcenter.scheduler.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.SocketInterceptorConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;
import com.hazelcast.internal.cluster.impl.JoinMessage;
import com.hazelcast.nio.MemberSocketInterceptor;

import java.io.IOException;
import java.net.Socket;
import java.util.Properties;

/**
 * The {@link AllowList} enforced inside a Hazelcast member, at the two points where open-source
 * Hazelcast lets one in:
 * <ol>
 * <li><b>sockets</b>: every connection the member accepts must come from an allowed host, and every
 *     connection it opens must go to an allowed member address, before a byte of Hazelcast's protocol
 *     is read or written (a refused socket is closed);</li>
 * <li><b>join</b>: the master admits a joining member only if the address it advertises is allowed
 *     (refused: Hazelcast tells the joiner, which shuts itself down).</li>
 * </ol>
 *
 * <p>Open-source Hazelcast calls a socket interceptor only through its node extension, whose own
 * version warns that the feature is Enterprise's and returns none; so a member is started with a
 * node context whose extension returns this gate and checks join requests. Those types live in
 * Hazelcast's {@code impl} packages (not a public API): a Hazelcast upgrade must pass
 * {@code HazelcastIsolationTest}, which fails if the gate is no longer called.
 *
 * <p>What this does not do: authenticate anyone. A process on an allowed host can connect, and one
 * that advertises an allowed member address can join; nothing is encrypted.
 */
final class MemberGate implements MemberSocketInterceptor {
    private final AllowList allowList;

    MemberGate(AllowList allowList) {
        this.allowList = allowList;
    }

    AllowList allowList() {
        return allowList;
    }

    /** Starts a member of {@code config}, whose socket interceptor (on the member endpoint) must be a gate. */
    static HazelcastInstance startMember(Config config) {
        MemberGate gate = installedIn(config);
        return HazelcastInstanceFactory.newHazelcastInstance(config, config.getInstanceName(), new Context(gate));
    }

    private static MemberGate installedIn(Config config) {
        SocketInterceptorConfig interceptor = config.getAdvancedNetworkConfig().isEnabled()
                ? config.getAdvancedNetworkConfig().getEndpointConfigs().get(EndpointQualifier.MEMBER)
                .getSocketInterceptorConfig()
                : config.getNetworkConfig().getSocketInterceptorConfig();
        if (interceptor != null && interceptor.isEnabled() && interceptor.getImplementation() instanceof MemberGate g) {
            return g;
        }
        throw new IllegalStateException("the member configuration has no MemberGate socket interceptor");
    }

    @Override
    public void init(Properties properties) {
    }

    /** A connection to this member: its other end must be an allowed host. */
    @Override
    public void onAccept(Socket socket) throws IOException {
        if (!allowList.allowsHost(socket.getInetAddress())) {
            throw new IOException("Hazelcast connection from " + socket.getInetAddress().getHostAddress()
                    + " refused: not on the allow-list " + allowList + " (cc.hazelcast.members, cc.hazelcast.allow)");
        }
    }

    /** A connection from this member: it must go to an allowed member address. */
    @Override
    public void onConnect(Socket socket) throws IOException {
        if (!allowList.allowsMember(socket.getInetAddress(), socket.getPort())) {
            throw new IOException("Hazelcast connection to " + socket.getInetAddress().getHostAddress() + ":"
                    + socket.getPort() + " refused: not on the allow-list " + allowList
                    + " (cc.hazelcast.members, cc.hazelcast.allow)");
        }
    }

    /** Checked on the master for each join request; a refusal reaches the joiner and Hazelcast's log. */
    void checkJoin(JoinMessage request) {
        String host = request.getAddress().getHost();
        int port = request.getAddress().getPort();
        if (!allowList.allowsMember(host, port)) {
            throw new SecurityException("member " + request.getAddress() + " may not join: not on the allow-list "
                    + allowList + " (cc.hazelcast.members, cc.hazelcast.allow)");
        }
    }

    /** Builds nodes whose extension is {@link Extension}. */
    private static final class Context extends DefaultNodeContext {
        private final MemberGate gate;

        Context(MemberGate gate) {
            this.gate = gate;
        }

        @Override
        public NodeExtension createNodeExtension(Node node) {
            return new Extension(node, gate);
        }
    }

    /** Hazelcast's open-source extension, with the gate as socket interceptor and join check. */
    private static final class Extension extends DefaultNodeExtension {
        private final MemberGate gate;

        Extension(Node node, MemberGate gate) {
            super(node);
            this.gate = gate;
        }

        @Override
        public MemberSocketInterceptor getSocketInterceptor(EndpointQualifier qualifier) {
            return gate;
        }

        @Override
        public void validateJoinRequest(JoinMessage request) {
            super.validateJoinRequest(request);
            gate.checkJoin(request);
        }
    }
}
