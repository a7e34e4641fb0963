package io.commandcenter.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who the CLI says acts ({@code x-cc-user}): --user, else USER when it is a login, else nobody. */
class HubConnectionTest {
    @Test
    void anExplicitUser_isSent_andOneThatIsNotALogin_isRefused() {
        assertThat(HubConnection.user("ana.lima@example.com", "root")).isEqualTo("ana.lima@example.com");
        assertThat(HubConnection.user(" bob ", null)).isEqualTo("bob");
        for (String bad : new String[]{"ana lima", "-rf", "a".repeat(65), "", "<script>"}) {
            assertThatThrownBy(() -> HubConnection.user(bad, "root")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--user must be a login");
        }
    }

    @Test
    void withoutUser_theEnvironmentsUserIsSent_onlyWhenItIsALogin() {
        assertThat(HubConnection.user(null, "carol")).isEqualTo("carol");
        assertThat(HubConnection.user(null, null)).isNull();
        assertThat(HubConnection.user(null, "")).isNull();
        assertThat(HubConnection.user(null, "Carol Jones")).isNull();
        assertThat(HubConnection.user(null, "x".repeat(65))).isNull();
    }

    @Test
    void aConnection_keepsOnlyAUserItCanSend() {
        try (HubConnection c = HubConnection.open("localhost:1", "shop", "dora", null)) {
            assertThat(c.user()).isEqualTo("dora");
            assertThat(c.project()).isEqualTo("shop");
        }
        try (HubConnection c = HubConnection.open("localhost:1", null, "not a login", null)) {
            assertThat(c.user()).isNull();
        }
    }
}
