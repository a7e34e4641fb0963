package io.commandcenter.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/cc} as a user runs it, from a copy of the checkout's layout in a temporary directory: the real
 * script and its {@code bin/lib} (the same Java check as {@code bin/hub}'s), a built jar so nothing is built,
 * and in place of a JDK a small {@code java} script that reports a version and prints what it was asked to run.
 */
class BinCcTest {
    private static final Path SCRIPT = Path.of(System.getProperty("repo.root", ".."), "bin", "cc");

    @TempDir
    Path dir;
    private Path root;
    private Path jar;

    @BeforeEach
    void checkout() throws IOException {
        root = dir.resolve("checkout");
        Files.createDirectories(root.resolve("bin/lib"));
        Files.copy(SCRIPT, root.resolve("bin/cc"), StandardCopyOption.COPY_ATTRIBUTES);
        for (String lib : new String[] {"build", "java"}) {
            Files.copy(SCRIPT.resolveSibling("lib/" + lib), root.resolve("bin/lib/" + lib),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        jar = root.resolve("cli/target/cc.jar");
        Files.createDirectories(jar.getParent());
        Files.writeString(jar, "");
    }

    /** A java of this version: answers {@code -XshowSettings} as a JDK does, and prints any other command. */
    private Path jdk(String version) throws IOException {
        Path java = dir.resolve("jdk-" + version).resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, """
                #!/usr/bin/env bash
                if [ "$1" = -XshowSettings:properties ]; then
                    echo 'Property settings:' >&2
                    echo '    java.specification.version = %s' >&2
                    exit 0
                fi
                echo "ran $*"
                """.formatted(version));
        assertThat(java.toFile().setExecutable(true)).isTrue();
        return java.getParent().getParent();
    }

    @Test
    void aJavaHomeOlderThan17_isRefusedBeforeTheCommandRuns() throws Exception {
        Path oldJdk = jdk("11");

        Result result = run(Map.of("JAVA_HOME", oldJdk.toString()));

        // before: bin/cc ran `java` from PATH whatever its version (a JDK 11 fails on the jar's class version)
        assertThat(result.exit).as(result.toString()).isEqualTo(1);
        assertThat(result.out).doesNotContain("ran");
        assertThat(result.err).contains("bin/cc: " + oldJdk.resolve("bin/java") + " is Java 11",
                "the command line needs 17+", "JAVA_HOME");
    }

    @Test
    void aJavaHomeOf17OrLater_runsTheCommandLine() throws Exception {
        Path jdk = jdk("21");

        Result result = run(Map.of("JAVA_HOME", jdk.toString()));

        assertThat(result.exit).as(result.toString()).isZero();
        assertThat(result.out.strip()).isEqualTo("ran -jar " + jar + " --help");
    }

    private record Result(int exit, String out, String err) {
    }

    private Result run(Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("bin/cc").toString(), "--help")
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("CC_JAVA_OPTS");
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("bin/cc ended").isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
