package io.commandcenter.cli;

import io.commandcenter.hub.runtime.Hub;
import io.commandcenter.hub.runtime.HubSettings;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One real hub (embedded database, in-memory scheduler with the built-in devops and notifier
 * agents, gRPC on a free port) shared by the test classes that extend with it: started before the
 * first of them, closed when the test run ends. Each test works in a project of its own.
 */
final class SharedHub implements BeforeAllCallback {
    private static Started started;

    /** The hub and its directory; closed by JUnit with the root context. */
    private static final class Started implements AutoCloseable {
        final Path dir;
        final Hub hub;

        Started() {
            try {
                dir = Files.createTempDirectory("cc-cli-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            hub = Hub.start(HubSettings.defaults(dir.resolve("data"), 0), Clock.systemUTC());
        }

        @Override
        public void close() {
            hub.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (SharedHub.class) {
            started = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(SharedHub.class.getName(), k -> new Started(), Started.class);
        }
    }

    static Hub hub() {
        return started.hub;
    }

    /** The administrator key the shared hub wrote on start. */
    static String adminToken() {
        try {
            return Files.readString(hub().settings().security().adminKeyFile()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path dir() {
        return started.dir;
    }

    record Result(int exit, String out, String err) {
    }

    /** A command line against the shared hub, with nothing to read on standard input. */
    static Result cc(String... args) {
        return ccReading("", args);
    }

    /** A command line against the shared hub, reading {@code input} as its standard input. */
    static Result ccReading(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(new BufferedReader(new StringReader(input)), out, err, args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs a command line writing into the given writers (a test may read them while it runs). */
    static int run(BufferedReader in, StringWriter out, StringWriter err, String... args) {
        return runAs(adminToken(), in, out, err, args);
    }

    /** A command line sending {@code token} (or no credentials at all when it is null). */
    static Result ccAs(String token, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = runAs(token, new BufferedReader(new StringReader("")), out, err, args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static int runAs(String token, BufferedReader in, StringWriter out, StringWriter err, String... args) {
        List<String> all = new ArrayList<>(List.of("--hub", "localhost:" + hub().grpcPort()));
        if (token != null) {
            all.addAll(List.of("--token", token));
        }
        all.addAll(List.of(args));
        return Cc.run(all.toArray(String[]::new), in, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    static String project() {
        return "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Path file(String name, String text) {
        try {
            Path file = dir().resolve(UUID.randomUUID() + "-" + name);
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
