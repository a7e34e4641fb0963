package io.commandcenter.liberty;

import org.openqa.selenium.json.Json;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Firefox driven over WebDriver BiDi, the W3C protocol Firefox itself serves: no geckodriver
 * (Debian has no package for it and nothing may be downloaded at test time). Firefox is started with
 * {@code --remote-debugging-port=0} on a fresh profile, says on its error stream where it listens, and this
 * client opens a session on {@code ws://127.0.0.1:PORT/session} with {@link java.net.http.WebSocket}:
 * {@code session.new}, {@code browsingContext.getTree/navigate/setViewport/captureScreenshot},
 * {@code script.callFunction} and {@code input.performActions} (pointer clicks and key strokes, as a person's).
 * Debian's {@code firefox-esr} (bin/install-browser); another binary with {@code -Dfirefox.binary}.
 */
final class FirefoxBiDi implements ConsolePage {
    static final String FIREFOX = System.getProperty("firefox.binary", "/usr/bin/firefox-esr");
    static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    static final Json JSON = new Json();

    private final Path screenshots;
    private final Path profile;
    private final Process firefox;
    private final List<String> output = new ArrayList<>();
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final String context;

    FirefoxBiDi(Path screenshots, int width, int height) {
        if (!new File(FIREFOX).canExecute()) {
            throw new IllegalStateException("the console's Firefox test needs Debian's firefox-esr (" + FIREFOX
                    + "): run bin/install-browser (apt-get install firefox-esr), or point -Dfirefox.binary at one");
        }
        this.screenshots = screenshots;
        try {
            profile = Files.createTempDirectory("cc-firefox-");
            // no first-run pages, updates or telemetry in the way (the remote agent sets most of this too)
            Files.writeString(profile.resolve("user.js"), """
                    user_pref("browser.shell.checkDefaultBrowser", false);
                    user_pref("browser.startup.homepage_override.mstone", "ignore");
                    user_pref("datareporting.policy.dataSubmissionEnabled", false);
                    user_pref("app.update.disabledForTesting", true);
                    user_pref("intl.accept_languages", "en-GB");
                    """);
            firefox = new ProcessBuilder(FIREFOX, "--headless", "--no-remote", "--profile", profile.toString(),
                    "--remote-debugging-port=0", "--width=" + width, "--height=" + height)
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(firefox.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        address.complete(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // Firefox is gone: a pending start fails below
            }
            address.completeExceptionally(new IllegalStateException("Firefox stopped before listening: " + log()));
        }, "firefox-output");
        reader.setDaemon(true);
        reader.start();
        try {
            String ws = address.get(60, TimeUnit.SECONDS);
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(ws + "/session"), new Listener()).get(30, TimeUnit.SECONDS);
            command("session.new", Map.of("capabilities", Map.of()));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> contexts = (List<Map<String, Object>>) command("browsingContext.getTree",
                    Map.of("maxDepth", 0)).get("contexts");
            context = (String) contexts.get(0).get("context");
            command("browsingContext.setViewport", Map.of("context", context,
                    "viewport", Map.of("width", width, "height", height)));
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Firefox (WebDriver BiDi) did not start: " + e + "\n" + log(), e);
        }
    }

    @Override
    public String name() {
        return "firefox";
    }

    /** What Firefox printed so far (for failure messages). */
    String log() {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()));
        }
    }

    /** Sends one command and waits for its result; a BiDi error becomes an exception naming it. */
    Map<String, Object> command(String method, Map<String, Object> params) {
        long id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        try {
            synchronized (socket) {
                socket.sendText(JSON.toJson(message), true).get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> reply = answer.get(120, TimeUnit.SECONDS);
            if ("error".equals(reply.get("type"))) {
                throw new IllegalStateException(method + ": " + reply.get("error") + ": " + reply.get("message"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) reply.get("result");
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(method + " got no answer: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public void open(String url) {
        command("browsingContext.navigate", Map.of("context", context, "url", url, "wait", "complete"));
    }

    @Override
    public Object js(String script, Object... args) {
        List<Map<String, Object>> arguments = new ArrayList<>();
        for (Object a : args) {
            arguments.add(a == null ? Map.of("type", "null")
                    : a instanceof String s ? Map.of("type", "string", "value", s)
                    : a instanceof Boolean b ? Map.of("type", "boolean", "value", b)
                    : a instanceof Number n ? Map.of("type", "number", "value", n)
                    : fail("a script argument must be a string, number or boolean: " + a));
        }
        // the body runs as Selenium's executeScript runs it; its value comes back as JSON text (plain data only)
        String function = "async function() { const value = await (function() {\n" + script
                + "\n}).apply(this, arguments); return value === undefined ? 'null' : JSON.stringify(value); }";
        Map<String, Object> result = command("script.callFunction", Map.of("functionDeclaration", function,
                "arguments", arguments, "awaitPromise", true, "target", Map.of("context", context)));
        if ("exception".equals(result.get("type"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) result.get("exceptionDetails");
            throw new IllegalStateException("script failed: " + details.get("text"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) result.get("result");
        return JSON.toType((String) value.get("value"), Object.class);
    }

    private static <T> T fail(String message) {
        throw new IllegalArgumentException(message);
    }

    @Override
    public void click(String css) {
        Object at = js("""
                const e = document.querySelector(arguments[0]);
                if (!e) throw new Error('no element ' + arguments[0]);
                e.scrollIntoView({block: 'center', inline: 'center'});
                const r = e.getBoundingClientRect();
                return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
                """, css);
        List<?> xy = (List<?>) at;
        Map<String, Object> mouse = Map.of("type", "pointer", "id", "mouse", "parameters", Map.of("pointerType", "mouse"),
                "actions", List.of(
                        Map.of("type", "pointerMove", "x", ((Number) xy.get(0)).intValue(), "y", ((Number) xy.get(1)).intValue()),
                        Map.of("type", "pointerDown", "button", 0),
                        Map.of("type", "pointerUp", "button", 0)));
        command("input.performActions", Map.of("context", context, "actions", List.of(mouse)));
    }

    @Override
    public void type(String css, String text) {
        js("const e = document.querySelector(arguments[0]); if (!e) throw new Error('no element ' + arguments[0]); e.focus();",
                css);
        List<Map<String, Object>> keys = new ArrayList<>();
        text.codePoints().mapToObj(Character::toString).forEach(k -> {
            keys.add(Map.of("type", "keyDown", "value", k));
            keys.add(Map.of("type", "keyUp", "value", k));
        });
        command("input.performActions", Map.of("context", context,
                "actions", List.of(Map.of("type", "key", "id", "keyboard", "actions", keys))));
    }

    @Override
    public Path screenshot(String name) {
        try {
            Files.createDirectories(screenshots);
            Path file = screenshots.resolve(name);
            String data = (String) command("browsingContext.captureScreenshot", Map.of("context", context)).get("data");
            Files.write(file, Base64.getDecoder().decode(data));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (socket != null && !socket.isOutputClosed()) {
                command("browser.close", Map.of());
            }
        } catch (RuntimeException ignored) {
            // the browser may close the socket before it answers: it is ended below anyway
        }
        firefox.destroy();
        try {
            if (!firefox.waitFor(10, TimeUnit.SECONDS)) {
                firefox.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }

    /** Puts each whole message (frames joined) to the command waiting for it; events are not subscribed to. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                @SuppressWarnings("unchecked")
                Map<String, Object> message = JSON.toType(partial.toString(), Map.class);
                partial.setLength(0);
                Object id = message.get("id");
                if (id instanceof Number n) {
                    CompletableFuture<Map<String, Object>> waiting = pending.get(n.longValue());
                    if (waiting != null) {
                        waiting.complete(message);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("Firefox closed: " + reason)));
            return null;
        }
    }
}
