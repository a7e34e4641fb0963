package io.commandcenter.cli;

import io.commandcenter.memory.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.Map;

import static io.commandcenter.cli.SharedHub.Result;
import static io.commandcenter.cli.SharedHub.cc;
import static io.commandcenter.cli.SharedHub.hub;
import static io.commandcenter.cli.SharedHub.project;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code cc memory search|get|list|delete} against a real hub's embedded memory. */
@ExtendWith(SharedHub.class)
class MemoryCliTest {

    static float[] vector(int hot) {
        float[] v = new float[64];
        v[hot] = 1;
        v[(hot + 1) % 64] = 0.2f;
        return v;
    }

    static void remember(String project, String id, int hot, String action, String outcome, Instant at) {
        hub().memory().add(Memory.builder().id(id).project(project).entity("service/checkout-api").kind("remediation")
                .at(at).vector(vector(hot)).action(action).outcome(outcome).text("latency creep, " + action)
                .metadata(Map.of("decidedBy", "ana")).build());
    }

    @Test
    void listGetSearchDelete_workOnTheProjectsMemory_only() {
        String p = project();
        remember(p, "run-1", 1, "restart", "recovered", Instant.parse("2026-12-01T09:00:00Z"));
        remember(p, "run-2", 1, "scale", "not_recovered", Instant.parse("2026-12-02T09:00:00Z"));
        remember(p, "run-3", 30, "notify", "worse", Instant.parse("2026-12-03T09:00:00Z"));

        Result list = cc("--project", p, "memory", "list", "--action", "restart");
        Result get = cc("--project", p, "memory", "get", "run-2");
        Result search = cc("--project", p, "memory", "search", "--like", "run-1", "-k", "2");
        Result elsewhere = cc("--project", project(), "memory", "get", "run-1");

        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("run-1", "restart", "recovered", "1 of 1").doesNotContain("run-2");
        assertThat(get.out()).contains("memory    run-2", "outcome   not_recovered", "decidedBy", "ana");
        assertThat(search.exit()).as(search.err()).isZero();
        assertThat(search.out().lines().skip(1).map(l -> l.split("\\s+")[1]).toList())
                .containsExactly("run-1", "run-2");
        assertThat(search.out()).contains("1.000");
        assertThat(elsewhere.exit()).isNotZero();
        assertThat(elsewhere.err()).contains("NOT_FOUND: no memory 'run-1' in this project");

        Result deleted = cc("--project", p, "memory", "delete", "run-3");
        assertThat(deleted.out()).contains("deleted run-3");
        assertThat(cc("--project", p, "memory", "list").out()).contains("2 of 2");
    }

    @Test
    void badOptions_exitTwo() {
        assertThat(cc("memory", "search").exit()).isEqualTo(2);
        assertThat(cc("memory", "search", "--like", "x", "-k", "500").exit()).isEqualTo(2);
        assertThat(cc("memory", "list", "--limit", "0").exit()).isEqualTo(2);
    }
}
