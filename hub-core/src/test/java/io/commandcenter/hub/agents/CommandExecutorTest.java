package io.commandcenter.hub.agents;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CommandExecutorTest {

    private static ActionResult run(List<String> argv, Duration timeout) {
        return new CommandExecutor(Map.of("act", argv), timeout).run("act", Map.of());
    }

    @Test
    void aCommandThatPrintsMoreThanAPipeHolds_endsDone_insteadOfBlockingUntilTheTimeout() {
        ActionResult result = run(List.of("sh", "-c", "head -c 200000 /dev/zero; exit 0"), Duration.ofSeconds(5));

        assertThat(result.reason()).isEmpty();
        assertThat(result.ok()).isTrue();
        assertThat(result.output()).contains("bytes not kept");
    }

    @Test
    void aCommandThatNeverExits_whilePrinting_stillTimesOut_retryably() {
        ActionResult result = run(List.of("sh", "-c", "while :; do echo busy; done"), Duration.ofSeconds(1));

        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("COMMAND_TIMEOUT");
        assertThat(result.retryable()).isTrue();
    }

    @Test
    void aLongOutput_keepsItsFirstAndLastLines_andSaysHowMuchWasLeftOut() {
        ActionResult result = run(List.of("sh", "-c", "seq 1 100000; exit 3"), Duration.ofSeconds(5));

        assertThat(result.reason()).isEqualTo("EXIT_3");
        // seq 1 100000 prints 588,895 bytes; the first and the last 4096 are kept.
        assertThat(result.message()).startsWith("sh exited 3: 1\n2\n3\n")
                .endsWith("99999\n100000")
                .contains("\n… " + (588_895 - 2 * CommandExecutor.KEPT_BYTES) + " bytes not kept …\n");
    }

    @Test
    void aShortOutput_isKeptWhole() {
        ActionResult result = run(List.of("sh", "-c", "echo one; echo two >&2"), Duration.ofSeconds(5));

        assertThat(result.ok()).isTrue();
        assertThat(result.output()).isEqualTo("{\"exit\":0,\"output\":\"one\\ntwo\"}");
    }

    @Test
    void aCommandThatLeavesABackgroundProcessHoldingItsOutput_endsWithItsOwnOutput() {
        ActionResult result = run(List.of("sh", "-c", "sleep 3 & echo started"), Duration.ofSeconds(30));

        assertThat(result.ok()).isTrue();
        assertThat(result.output()).contains("started");
    }
}
