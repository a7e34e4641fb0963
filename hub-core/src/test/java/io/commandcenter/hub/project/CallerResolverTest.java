package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallerResolverTest {
    final CallerResolver resolver = CallerResolver.projectHeader(ProjectId.of("default"));

    Caller resolve(Map<String, String> headers) {
        return resolver.resolve(headers::get);
    }

    @Test
    void noHeaders_defaultProject_anonymous() {
        assertThat(resolve(Map.of())).isEqualTo(new Caller(ProjectId.of("default"), "anonymous"));
    }

    @Test
    void declaredUser_becomesThePrincipal() {
        Caller c = resolve(Map.of("x-cc-project", "shop", "x-cc-user", " ana.lima@example.com "));
        assertThat(c).isEqualTo(new Caller(ProjectId.of("shop"), "ana.lima@example.com"));
    }

    @Test
    void aUserThatIsNotALogin_isRefusedOnItsHeader() {
        for (String bad : new String[]{"ana lima", "-rf", "a".repeat(65), "ana\u0000", "<script>"}) {
            assertThatThrownBy(() -> resolve(Map.of("x-cc-user", bad)))
                    .as(bad).isInstanceOfSatisfying(CommandCenterException.class, e -> {
                        assertThat(e.reason()).isEqualTo("INVALID_USER");
                        assertThat(e.violations()).extracting(v -> v.field()).containsExactly("x-cc-user");
                    });
        }
    }
}
