package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectIdTest {

    @Test
    void theHubWideScopesName_isNotAProject() {
        assertThatThrownBy(() -> ProjectId.of("global")).isInstanceOfSatisfying(CommandCenterException.class, e -> {
            assertThat(e.reason()).isEqualTo("INVALID_PROJECT");
            assertThat(e.getMessage()).contains("'global' is not a project");
        });
        assertThat(ProjectId.isValid("global")).isFalse();
        assertThat(ProjectId.isValid("global-ops")).as("only the exact name").isTrue();
        assertThat(ProjectId.of("global2").value()).isEqualTo("global2");
    }

    @Test
    void theForm_isCheckedAsBefore() {
        assertThat(ProjectId.isValid("shop.eu-1")).isTrue();
        assertThat(ProjectId.isValid("Shop")).isFalse();
        assertThat(ProjectId.isValid("-shop")).isFalse();
        assertThat(ProjectId.isValid("a".repeat(64))).isFalse();
    }
}
