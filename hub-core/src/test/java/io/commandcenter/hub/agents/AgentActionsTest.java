package io.commandcenter.hub.agents;

import io.commandcenter.hub.demo.DemoFleet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class AgentActionsTest {
    final FakeHttp remote = new FakeHttp();
    final HttpExecutor http = new HttpExecutor(Duration.ofSeconds(5));

    @AfterEach
    void close() {
        remote.close();
    }

    @Test
    void anEndpointThatStallsInItsBody_failsRetryablyWithinTheTimeout_insteadOfHoldingTheAgent() {
        remote.stallInTheBody = true;
        HttpExecutor quick = new HttpExecutor(Duration.ofMillis(500));

        ActionResult result = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> quick.post(remote.uri("/admin/restart"), "{}", Map.of()));

        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("HTTP_UNREACHABLE");
        assertThat(result.retryable()).isTrue();
    }

    @Test
    void sendSlack_postsSlacksIncomingWebhookJson() {
        NotifierActions notifier = new NotifierActions(Optional.of(remote.uri("/services/T000/B000/XXX")), Map.of(), http);

        ActionResult result = notifier.execute("sendSlack", Map.of("message", "Service \"api\" restarted\nafter predicted failure."));

        assertThat(result.ok()).isTrue();
        assertThat(remote.received).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/services/T000/B000/XXX");
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.body()).isEqualTo("{\"text\":\"Service \\\"api\\\" restarted\\nafter predicted failure.\"}");
        });
    }

    @Test
    void aFailingFarEnd_isRetryableOn5xx_andNotOn4xx() {
        NotifierActions notifier = new NotifierActions(Optional.of(remote.uri("/hook")), Map.of(), http);

        remote.status.set(503);
        ActionResult unavailable = notifier.execute("sendSlack", Map.of("message", "x"));
        remote.status.set(400);
        ActionResult refused = notifier.execute("sendSlack", Map.of("message", "x"));

        assertThat(unavailable.ok()).isFalse();
        assertThat(unavailable.reason()).isEqualTo("HTTP_503");
        assertThat(unavailable.retryable()).isTrue();
        assertThat(refused.reason()).isEqualTo("HTTP_400");
        assertThat(refused.retryable()).isFalse();
    }

    @Test
    void anUnreachableWebhook_isARetryableFailure() {
        remote.close();
        NotifierActions notifier = new NotifierActions(Optional.of(remote.uri("/hook")), Map.of(), http);

        ActionResult result = notifier.execute("sendSlack", Map.of("message", "x"));

        assertThat(result.reason()).isEqualTo("HTTP_UNREACHABLE");
        assertThat(result.retryable()).isTrue();
    }

    @Test
    void withoutASlackWebhook_theMessageGoesToTheLog() {
        assertThat(new NotifierActions(Optional.empty(), Map.of(), http).execute("sendSlack", Map.of("message", "x")))
                .isEqualTo(ActionResult.done("{\"channel\":\"log\"}"));
    }

    @Test
    void webhook_postsToAConfiguredTargetOnly() {
        NotifierActions notifier = new NotifierActions(Optional.empty(), Map.of("pager", remote.uri("/page")), http);

        ActionResult sent = notifier.execute("webhook", Map.of("target", "pager", "message", "disk full"));
        ActionResult unknown = notifier.execute("webhook", Map.of("target", "http://evil.example/", "message", "x"));

        assertThat(sent.ok()).isTrue();
        assertThat(remote.received).singleElement().satisfies(r -> assertThat(r.body()).contains("\"message\":\"disk full\""));
        assertThat(unknown.reason()).isEqualTo("UNKNOWN_TARGET");
    }

    @Test
    void devops_restartsThroughTheServicesAdminEndpoint() {
        DevopsActions devops = new DevopsActions(Optional.empty(), Map.of("billing", remote.uri("/admin")),
                new CommandExecutor(Map.of(), Duration.ofSeconds(5)), http);

        ActionResult result = devops.execute("restart", Map.of("service", "billing", "reason", "predicted failure"));

        assertThat(result.ok()).isTrue();
        assertThat(remote.received).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/admin/restart");
            assertThat(r.body()).isEqualTo("{\"reason\":\"predicted failure\",\"service\":\"billing\"}");
        });
    }

    @Test
    void devops_runsTheAllowListedCommand_withAnArgumentVector() {
        CommandExecutor commands = new CommandExecutor(Map.of("restart", List.of("/bin/echo", "restarting", "{service}")),
                Duration.ofSeconds(10));
        DevopsActions devops = new DevopsActions(Optional.empty(), Map.of(), commands, http);

        ActionResult result = devops.execute("restart", Map.of("service", "worker-7"));

        assertThat(result.ok()).isTrue();
        assertThat(result.output()).contains("restarting worker-7");
    }

    @Test
    void aFailingCommand_isARetryableFailureWithItsExitCode() {
        CommandExecutor commands = new CommandExecutor(Map.of("rollback", List.of("/bin/false")), Duration.ofSeconds(10));

        ActionResult result = new DevopsActions(Optional.empty(), Map.of(), commands, http)
                .execute("rollback", Map.of("service", "x"));

        assertThat(result.reason()).isEqualTo("EXIT_1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api; rm -rf /", "$(reboot)", "`id`", "../../etc/passwd", "-rf", "a b", "x\ny", "..", "a|b",
            ".hidden", "api&&halt"})
    void aCraftedEntityId_neverReachesACommand_norAnEndpoint(String hostile) {
        CommandExecutor commands = new CommandExecutor(Map.of("restart", List.of("/bin/echo", "{service}")),
                Duration.ofSeconds(10));
        DevopsActions devops = new DevopsActions(Optional.empty(), Map.of(hostile, remote.uri("/admin")), commands, http);

        ActionResult result = devops.execute("restart", Map.of("service", hostile));

        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("UNSAFE_INPUT");
        assertThat(commands.argv("restart", Map.of("service", hostile)).ok()).isFalse();
        assertThat(remote.received).isEmpty();
    }

    @Test
    void devops_restartsADemoServiceForReal() {
        DemoFleet fleet = new DemoFleet(new SplittableRandom(1), Integer.MAX_VALUE, Integer.MAX_VALUE);
        fleet.service("payments").orElseThrow().startFault(io.commandcenter.hub.demo.SimulatedService.Fault.MEMORY_LEAK);
        DevopsActions devops = new DevopsActions(Optional.of(fleet), Map.of(), new CommandExecutor(Map.of(),
                Duration.ofSeconds(1)), http);

        ActionResult result = devops.execute("restart", Map.of("service", "payments"));

        assertThat(result.ok()).isTrue();
        assertThat(fleet.service("payments").orElseThrow().isDegraded()).isFalse();
        assertThat(fleet.service("payments").orElseThrow().restarts()).isEqualTo(1);
    }

    @Test
    void devops_actsOnTheDemosServices_onlyForTheDemosProject() {
        DemoFleet fleet = new DemoFleet(new SplittableRandom(1), Integer.MAX_VALUE, Integer.MAX_VALUE);
        DevopsActions devops = new DevopsActions(Optional.of(fleet), "default", Map.of(), new CommandExecutor(Map.of(),
                Duration.ofSeconds(1)), http);

        ActionResult other = devops.execute(task("sandbox"), "restart", Map.of("service", "payments"));
        assertThat(other.ok()).isFalse();
        assertThat(other.reason()).as("another project's payments is not the demo's").isEqualTo("NO_EXECUTOR");
        assertThat(fleet.service("payments").orElseThrow().restarts()).isZero();

        assertThat(devops.execute(task("default"), "restart", Map.of("service", "payments")).ok()).isTrue();
        assertThat(fleet.service("payments").orElseThrow().restarts()).isEqualTo(1);
    }

    static HubAgents.Task task(String project) {
        return new HubAgents.Task(project, "run-1", "restart_service", "service", "payments", () -> false);
    }

    @Test
    void devops_withoutAnExecutor_orWithoutAService_failsForGood() {
        DevopsActions devops = new DevopsActions(Optional.empty(), Map.of(), new CommandExecutor(Map.of(),
                Duration.ofSeconds(1)), http);

        assertThat(devops.execute("restart", Map.of("service", "nowhere")).reason()).isEqualTo("NO_EXECUTOR");
        assertThat(devops.execute("restart", Map.of()).reason()).isEqualTo("MISSING_INPUT");
        assertThat(devops.execute("delete", Map.of("service", "a")).reason()).isEqualTo("UNKNOWN_ACTION");
    }
}
