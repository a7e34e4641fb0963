package io.commandcenter.liberty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * What the console's browser scenarios ({@link ConsoleScenarios}) need of a browser, so one scenario runs in
 * Chromium (Selenium, {@link Browser}) and in Firefox (WebDriver BiDi, {@link FirefoxBiDi}) alike: open a page,
 * run a script in it (Selenium's {@code executeScript} contract: a function body reading {@code arguments}
 * and returning a JSON-like value), click and type as a person does, and take a screenshot.
 */
interface ConsolePage extends AutoCloseable {
    /** Which browser this is, for messages and screenshot names. */
    String name();

    void open(String url);

    /** Runs {@code script} as a function body with {@code args} (strings, numbers, booleans); returns its value. */
    Object js(String script, Object... args);

    /** Clicks the first element matching {@code css} with the pointer, as a person does. */
    void click(String css);

    /** Focuses the first element matching {@code css} and types {@code text} key by key. */
    void type(String css, String text);

    /** Saves a PNG of the viewport under the given name. */
    Path screenshot(String name);

    @Override
    void close();

    /** The text of the first element matching {@code css} as shown, or null when there is none. */
    default String text(String css) {
        return (String) js("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    }

    /** An attribute of the first element matching {@code css}, or null. */
    default String attribute(String css, String name) {
        return (String) js("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
    }

    /** Whether the first element matching {@code css} exists and is rendered. */
    default boolean displayed(String css) {
        return Boolean.TRUE.equals(js("""
                const e = document.querySelector(arguments[0]);
                if (!e || e.hidden || e.closest('[hidden]')) return false;
                const r = e.getBoundingClientRect();
                return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
                """, css));
    }

    /**
     * Polls (every 200 ms, errors while the page redraws ignored) until {@code condition} gives neither null
     * nor false; fails with {@code what} after {@code seconds}.
     */
    default <T> T until(String what, int seconds, Supplier<T> condition) {
        Object[] last = new Object[1];
        await(name() + ": " + what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    T v = condition.get();
                    last[0] = v;
                    return v != null && !Boolean.FALSE.equals(v);
                });
        @SuppressWarnings("unchecked")
        T v = (T) last[0];
        return v;
    }
}
