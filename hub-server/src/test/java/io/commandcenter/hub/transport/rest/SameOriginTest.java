package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SameOriginTest {

    private static Optional<String> reason(String method, String host, String origin, boolean loopbackOnly) {
        return SameOrigin.refusal(method, host, origin, "http", loopbackOnly).map(CommandCenterException::reason);
    }

    @Test
    void aChangeFromAnotherSitesPage_isRefused_whateverTheAuthentication() {
        assertThat(reason("POST", "localhost:9080", "https://evil.example", false)).contains(SameOrigin.CROSS_ORIGIN);
        assertThat(reason("PUT", "localhost:9080", "http://localhost:9081", true)).as("another port is another origin")
                .contains(SameOrigin.CROSS_ORIGIN);
        assertThat(reason("DELETE", "localhost:9080", "null", true)).as("a sandboxed or file: page")
                .contains(SameOrigin.CROSS_ORIGIN);
        assertThat(reason("POST", "localhost:9080", "https://localhost:9080", false)).as("another scheme")
                .contains(SameOrigin.CROSS_ORIGIN);
    }

    @Test
    void theConsolesOwnCalls_andClientsWithoutOrigin_pass() {
        assertThat(reason("POST", "localhost:9080", "http://localhost:9080", true)).isEmpty();
        assertThat(reason("POST", "LOCALHOST:9080", "http://localhost:9080", true)).as("names are case-blind").isEmpty();
        assertThat(reason("POST", "[::1]:9080", "http://[::1]:9080", true)).isEmpty();
        assertThat(reason("POST", "hub.example", "http://hub.example:80", false)).as("the default port").isEmpty();
        assertThat(reason("POST", "hub.example:9080", null, false)).as("curl, the CLI's peers").isEmpty();
        assertThat(reason("GET", "hub.example:9080", "https://evil.example", false))
                .as("reads are not a change; with a key another site cannot send, they answer nothing to it").isEmpty();
    }

    @Test
    void withoutAuthentication_onlyLoopbackHostsAreAnswered_readsIncluded() {
        assertThat(reason("GET", "rebound.example:9080", null, true)).contains(SameOrigin.HOST_NOT_LOOPBACK);
        assertThat(reason("GET", null, null, true)).contains(SameOrigin.HOST_NOT_LOOPBACK);
        assertThat(reason("GET", "127.0.0.2:9080", null, true)).isEmpty();
        assertThat(reason("GET", "localhost", null, true)).isEmpty();
        assertThat(reason("GET", "[::1]:9080", null, true)).isEmpty();
        assertThat(reason("GET", "127.0.0.1.evil.example:9080", null, true)).contains(SameOrigin.HOST_NOT_LOOPBACK);
        assertThat(reason("GET", "rebound.example:9080", null, false)).as("with authentication on, any name").isEmpty();
    }
}
