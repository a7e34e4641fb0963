package io.commandcenter.cli.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cc feedback export}'s spool file beside the output is gone when the command is stopped by a signal (Ctrl-C's
 * SIGINT, or SIGTERM: the JVM's shutdown runs, the command's finally block does not). On the old command the spool
 * was deleted in the finally block only, and stayed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FeedbackSpoolTest {

    /** The child JVM: makes the spool beside the output named in {@code args[0]}, tells its path, then waits. */
    public static void main(String[] args) throws Exception {
        System.out.println(FeedbackCommand.ExportCommand.spool(Path.of(args[0])));
        System.out.flush();
        System.in.read(); // until stopped
    }

    @Test
    void aCommandStoppedBySignal_leavesNoSpoolBesideTheOutput(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                FeedbackSpoolTest.class.getName(), dir.resolve("out.csv").toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Path spool;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            spool = Path.of(out.readLine());
            assertThat(spool).exists().hasParent(dir);
            child.destroy(); // SIGTERM: the shutdown hooks run, as on Ctrl-C
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(spool).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
