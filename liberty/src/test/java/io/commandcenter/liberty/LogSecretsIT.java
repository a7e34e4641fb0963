package io.commandcenter.liberty;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never logged (issue 13): after every other integration test of the run (ordered last,
 * see {@code junit-platform.properties}), every log under {@code target} — the Liberty IT server's
 * {@code messages.log} and console, the packaged hubs' consoles — is searched for each key and token
 * the run used: the administrator keys the hubs wrote (every {@code admin.key} under {@code target}),
 * the keys the tests created and the identity provider's tokens they sent ({@link UsedSecrets}).
 * Neither a whole credential nor a key's secret part may appear.
 */
@Order(Integer.MAX_VALUE)
class LogSecretsIT {
    static final Path TARGET = Path.of(System.getProperty("it.work.dir", "target"));

    @Test
    void noKeyOrTokenTheRunUsed_appearsInAnyLog() throws IOException {
        Set<String> secrets = new HashSet<>(UsedSecrets.all());
        List<Path> logs = new ArrayList<>();
        // a server may still be writing under target (its OSGi workarea, rotated logs): a file that goes while the
        // walk reaches it is not a log of the run, and the workarea holds none
        Files.walkFileTree(TARGET, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.getFileName() != null && dir.getFileName().toString().equals("workarea")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                String name = f.getFileName().toString();
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                if (name.equals("admin.key")) {
                    secrets.add(read(f).strip());
                } else if (name.endsWith(".log") && !f.toString().contains("failsafe-reports")) {
                    logs.add(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        Set<String> needles = new HashSet<>();
        for (String secret : secrets) {
            needles.add(secret);
            if (secret.matches("cck_[0-9a-f]{16}_.{43}")) {
                // the secret part alone: after the key id, not after the last '_' (base64url has '_' too)
                needles.add(secret.substring(21));
            }
        }

        assertThat(secrets).as("credentials the run used").isNotEmpty();
        assertThat(logs).as("logs the run wrote").anySatisfy(f -> assertThat(f.getFileName().toString())
                .isEqualTo("messages.log"));
        for (Path log : logs) {
            String text = read(log);
            for (String needle : needles) {
                assertThat(text.contains(needle)).as("%s holds a credential the run used (%s…)", log,
                        needle.substring(0, Math.min(8, needle.length()))).isFalse();
            }
        }
        System.out.printf("secrets in logs: %d credentials searched for in %d logs (%d KB), none found%n",
                secrets.size(), logs.size(), logs.stream().mapToLong(LogSecretsIT::size).sum() / 1024);
    }

    static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
