package io.commandcenter.benchmarks.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console's rendering in headless Chromium (Debian's {@code chromium} and {@code chromedriver}):
 * {@code bench.html} loads the console's own modules from {@code hub-server/src/main/webapp/console}
 * (store, service map, heatmap, timeline), feeds them {@code --entities} entities × {@code --hours} of
 * per-minute risk history with the loops of 40 % of them, and measures with the Performance API:
 * <ul>
 *   <li>first render: the history into the store and the first frame painted (map, 24 h heatmap, lanes);</li>
 *   <li>scrubbing: the playback slider moved every frame across the period, frames per second;</li>
 *   <li>live: {@code --rate} entity.risk events a second for 10 s, frames per second and long tasks, and how
 *       long each redraw of the heatmap took (after the first, which follows the scrubbing's window).</li>
 * </ul>
 * {@code -Dbench.extra=&nomap=1} appends page parameters (here: the map hidden, to see what it costs).
 * The page is served by a JDK HTTP server on loopback (ES modules do not load from file:). No hub:
 * this measures the browser's side; the hub's side of many consoles is an SSE subscriber each.
 * <pre>./mvnw -q -B -o -pl benchmarks exec:java -Dexec.mainClass=io.commandcenter.benchmarks.console.ConsoleBenchmark \
 *     -Dexec.args="--entities 500 --hours 24 --runs 3"</pre>
 */
public final class ConsoleBenchmark {
    private ConsoleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int entities = 500;
        int hours = 24;
        int runs = 3;
        int rate = 50;
        Path root = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--entities" -> entities = Integer.parseInt(args[++i]);
                case "--hours" -> hours = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--repo" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--entities N --hours N --runs N --rate N --repo DIR)");
            }
        }
        Path console = root.resolve("hub-server/src/main/webapp/console");
        if (!Files.isDirectory(console)) {
            // run from the benchmarks directory: the repository is one up
            root = root.resolve("..").normalize();
            console = root.resolve("hub-server/src/main/webapp/console");
        }
        if (!Files.isDirectory(console)) {
            throw new IllegalStateException("the console's modules are not at " + console + ": pass --repo");
        }
        HttpServer server = serve(console);
        String chromium = System.getProperty("chromium.binary", "/usr/bin/chromium");
        String driverPath = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000",
                "--force-device-scale-factor=1");
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driverPath)).build(), options);
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/bench.html?entities=" + entities
                    + "&hours=" + hours + "&rate=" + rate + System.getProperty("bench.extra", "");
            System.out.printf("console benchmark: %d entities x %d h, %d events/s live, %d runs (%s)%n",
                    entities, hours, rate, runs, driver.getCapabilities().getBrowserVersion());
            for (int run = 1; run <= runs; run++) {
                driver.get(url);
                Object result = new WebDriverWait(driver, Duration.ofMinutes(5), Duration.ofMillis(500))
                        .until(d -> ((JavascriptExecutor) d).executeScript("return window.__bench || null;"));
                @SuppressWarnings("unchecked")
                Map<String, Object> figures = new TreeMap<>((Map<String, Object>) result);
                if (figures.containsKey("error")) {
                    throw new IllegalStateException("the page failed: " + figures.get("error"));
                }
                figures.remove("userAgent");
                if (figures.get("heatCellsUnlikeAFullDrawing") instanceof Number n && n.longValue() != 0) {
                    throw new IllegalStateException("the heatmap drawn column by column differs from a full drawing in "
                            + n + " cells");
                }
                System.out.printf("run %d: first render %.0f ms (store %.0f, drawing %.0f) for %s points, %s stories;"
                                + " scrubbing %.1f fps (frame p50 %.1f ms, p95 %.1f ms, max %.1f ms; script a frame: map %.1f ms, heatmap %.1f ms);"
                                + " live %s events: %.1f fps, frame p95 %.1f ms, %s long tasks (longest %.0f ms);"
                                + " live heatmap redraws %s: p50 %.1f ms, max %.1f ms%n",
                        run, num(figures, "firstRenderMs"), num(figures, "storeMs"), num(figures, "renderOnlyMs"),
                        figures.get("points"), figures.get("stories"), num(figures, "scrubFps"),
                        num(figures, "scrubFrameP50Ms"), num(figures, "scrubFrameP95Ms"), num(figures, "scrubFrameMaxMs"),
                        num(figures, "scrubMapJsMs"), num(figures, "scrubHeatJsMs"),
                        figures.get("liveEvents"), num(figures, "liveFps"), num(figures, "liveFrameP95Ms"),
                        figures.get("liveLongTasks"), num(figures, "liveLongestTaskMs"),
                        figures.get("liveHeatDraws"), num(figures, "liveHeatDrawP50Ms"), num(figures, "liveHeatDrawMaxMs"));
            }
        } finally {
            driver.quit();
            server.stop(0);
        }
    }

    private static double num(Map<String, Object> figures, String key) {
        Object v = figures.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** bench.html from this module's resources, /console/* from the hub's webapp; nothing else. */
    private static HttpServer serve(Path console) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try (exchange) {
                if (path.equals("/bench.html")) {
                    try (InputStream in = ConsoleBenchmark.class.getResourceAsStream("/console-bench/bench.html")) {
                        send(exchange, 200, "text/html", in.readAllBytes());
                    }
                } else if (path.startsWith("/console/") && !path.contains("..")) {
                    Path file = console.resolve(path.substring("/console/".length()));
                    if (Files.isRegularFile(file)) {
                        send(exchange, 200, path.endsWith(".css") ? "text/css" : "text/javascript", Files.readAllBytes(file));
                    } else {
                        send(exchange, 404, "text/plain", new byte[0]);
                    }
                } else {
                    send(exchange, 404, "text/plain", new byte[0]);
                }
            }
        });
        server.start();
        return server;
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
