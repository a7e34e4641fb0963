package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectSharesTest {
    final ProjectShares shares = new ProjectShares("streams", "TOO_MANY_STREAMS", 5, 2);
    final ProjectId a = ProjectId.of("a");
    final ProjectId b = ProjectId.of("b");

    @Test
    void aProjectHoldsItsShare_othersStillGetTheirs_untilTheHubIsFull() {
        Runnable first = shares.acquire(a);
        shares.acquire(a);

        assertThatThrownBy(() -> shares.acquire(a)).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.reason()).isEqualTo("TOO_MANY_STREAMS_IN_PROJECT");
            assertThat(e.getMessage()).contains("project a").doesNotContain("project b");
        });
        shares.acquire(b);
        shares.acquire(b);
        shares.acquire(ProjectId.of("c"));
        assertThatThrownBy(() -> shares.acquire(ProjectId.of("d"))).isInstanceOfSatisfying(
                CommandCenterException.class, e -> assertThat(e.reason()).isEqualTo("TOO_MANY_STREAMS"));

        first.run();
        first.run(); // once is enough: a second release frees nothing more
        assertThat(shares.used()).isEqualTo(4);
        assertThat(shares.held(a)).isEqualTo(1);
        shares.acquire(a);
        assertThatThrownBy(() -> shares.acquire(ProjectId.of("d"))).isInstanceOf(CommandCenterException.class);
    }

    @Test
    void aShareLargerThanTheHub_isRefused() {
        assertThatThrownBy(() -> new ProjectShares("x", "X", 2, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
