package io.commandcenter.hub.agents;

import io.commandcenter.common.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
        // every NUL byte is escaped as six characters: the ends shrink until the JSON fits where it is stored
        assertThat(result.output().length()).isLessThanOrEqualTo(CommandExecutor.STORED_OUTPUT_CHARS);
        assertThat(Json.string(Json.parseObject(result.output()), "output")).contains("bytes not kept");
    }

    @Test
    void aSucceedingCommandsLongOutput_fitsWhereItIsStored_asValidJson_withItsEnd() {
        ActionResult result = run(List.of("sh", "-c", "seq 1 100000; echo 'all \"done\"'"), Duration.ofSeconds(5));

        assertThat(result.ok()).isTrue();
        assertThat(result.output().length()).isLessThanOrEqualTo(CommandExecutor.STORED_OUTPUT_CHARS);
        assertThat(Json.string(Json.parseObject(result.output()), "output")).startsWith("1\n2\n")
                .endsWith("100000\nall \"done\"");
    }

    @Test
    void aFailingCommandsLongOutput_keepsItsLastLine_withinWhatAnAgentMayReport() {
        ActionResult result = run(List.of("sh", "-c",
                "head -c 100000 /dev/zero | tr '\\0' x; echo; echo 'MARKER: disk full'; exit 1"), Duration.ofSeconds(5));

        assertThat(result.reason()).isEqualTo("EXIT_1");
        assertThat(result.message()).startsWith("sh exited 1: xxx").endsWith("\nMARKER: disk full");
        assertThat(result.message().length()).isLessThanOrEqualTo(CommandExecutor.REPORTED_ERROR_CHARS);
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
        // seq 1 100000 prints 588,895 bytes; a failure shows its first 1024 and its last 2560
        assertThat(result.message()).startsWith("sh exited 3: 1\n2\n3\n")
                .endsWith("99999\n100000")
                .contains("\n… " + (588_895 - CommandExecutor.FAILURE_HEAD_BYTES - CommandExecutor.FAILURE_TAIL_BYTES)
                        + " bytes not kept …\n");
    }

    @Test
    void aShortOutput_isKeptWhole() {
        ActionResult result = run(List.of("sh", "-c", "echo one; echo two >&2"), Duration.ofSeconds(5));

        assertThat(result.ok()).isTrue();
        assertThat(result.output()).isEqualTo("{\"exit\":0,\"output\":\"one\\ntwo\"}");
    }

    @Test
    void aCommandThatLeavesABackgroundProcessHoldingItsOutput_endsAtOnce_andLeavesNoReaderBehind() {
        long started = System.nanoTime();
        ActionResult result = run(List.of("sh", "-c", "sleep 30 & echo $!"), Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        long sleepPid = Long.parseLong(Json.string(Json.parseObject(result.output()), "output").strip());
        try {
            assertThat(result.ok()).isTrue();
            // generous: the background sleep holds the pipe for 30 s
            assertThat(took).isLessThan(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> readers().isEmpty());
            assertThat(running(sleepPid)).as("the background process goes on").isTrue();
        } finally {
            ProcessHandle.of(sleepPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aTimeout_killsTheCommandsChildrenToo(@TempDir Path dir) throws IOException {
        Path pids = dir.resolve("pids");
        ActionResult result = run(List.of("sh", "-c", "sleep 60 & echo $! > " + pids + "; sleep 60 & echo $! >> "
                + pids + "; wait"), Duration.ofSeconds(2));

        assertThat(result.reason()).isEqualTo("COMMAND_TIMEOUT");
        List<Long> children = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        assertThat(children).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(CommandExecutorTest::running));
    }

    @Test
    void anInterruptWhileTakingTheOutputOfAnExitedCommand_keepsItsResult() throws Exception {
        Process process = new ProcessBuilder("sh", "-c", "echo restarted").redirectErrorStream(true).start();
        process.waitFor();
        OutputCapture output = new OutputCapture(CommandExecutor.KEPT_BYTES);
        output.drain(process.getInputStream(), process::isAlive);
        CountDownLatch never = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        try {
            Thread.currentThread().interrupt();
            ActionResult result = CommandExecutor.exited(process, output, reader, "sh");

            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            assertThat(result.ok()).isTrue();
            assertThat(result.output()).isEqualTo("{\"exit\":0,\"output\":\"restarted\"}");
        } finally {
            never.countDown();
        }
    }

    private static List<Thread> readers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("cc-command-output-") && t.isAlive()).toList();
    }

    /** Whether the process exists and is no zombie (a killed child waits for a parent that may not reap it). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
