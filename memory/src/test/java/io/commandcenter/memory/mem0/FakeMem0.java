package io.commandcenter.memory.mem0;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.commandcenter.common.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server speaking the part of Mem0's REST API (v1) the adapter uses — add, list with
 * {@code user_id}/{@code agent_id}/{@code metadata} filters and pages, update ({@code PUT}: text and
 * metadata), delete — with Mem0's token authentication. Mem0 itself cannot run here; this speaks its wire
 * format over a real socket. Knobs for a Mem0 in trouble: failing writes, listings that stall in their
 * body, failing listings, a hook run on every page served.
 */
final class FakeMem0 implements AutoCloseable {
    static final String KEY = "m0-test-key";

    static {
        // the JDK server's small writes otherwise wait on delayed ACKs (~40 ms a request on loopback)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    /** Mem0 id → the memory object as Mem0 returns it. */
    private final Map<String, Map<String, Object>> memories = new LinkedHashMap<>();
    final List<Map<String, Object>> addBodies = new CopyOnWriteArrayList<>();
    /** Requests that reached the server, and listings (pages) among them. */
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger listings = new AtomicInteger();
    /** The next this many writes (POST, PUT) answer HTTP 500 and change nothing. */
    final AtomicInteger failWrites = new AtomicInteger();
    /** The next this many listings (GET) answer HTTP 500. */
    final AtomicInteger failListings = new AtomicInteger();
    /** Set: a listing sends its headers and ten bytes, then waits for {@link #close}. */
    volatile boolean stallListings;
    /** Listings of this page and after stall as with {@link #stallListings}. */
    volatile int stallFromPage = Integer.MAX_VALUE;
    /** A permit for every listing that stalled. */
    final Semaphore stalled = new Semaphore(0);
    /** Run before each page is answered (a test moves its clock here). */
    volatile Runnable onListing = () -> { };
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    FakeMem0() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/memories/", this::handle);
        server.setExecutor(threads); // a stalled exchange holds its own thread, not the server
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized int size() {
        return memories.size();
    }

    private void handle(HttpExchange x) throws IOException {
        requests.incrementAndGet();
        try (x) {
            if (!("Token " + KEY).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                send(x, 401, Map.of("detail", "Invalid API key"));
                return;
            }
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            if ((method.equals("POST") || method.equals("PUT")) && failWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    || method.equals("GET") && failListings.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(x, 500, Map.of("detail", "Internal server error"));
            } else if (path.equals("/v1/memories/") && method.equals("POST")) {
                add(x);
            } else if (path.equals("/v1/memories/") && method.equals("GET")) {
                list(x);
            } else if (path.matches("/v1/memories/[^/]+/") && method.equals("PUT")) {
                update(x, path.substring("/v1/memories/".length(), path.length() - 1));
            } else if (path.matches("/v1/memories/[^/]+/") && method.equals("DELETE")) {
                String id = path.substring("/v1/memories/".length(), path.length() - 1);
                synchronized (this) {
                    if (memories.remove(id) == null) {
                        send(x, 404, Map.of("detail", "Memory not found"));
                        return;
                    }
                }
                send(x, 200, Map.of("message", "Memory deleted successfully!"));
            } else {
                send(x, 405, Map.of("detail", "Method not allowed"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void add(HttpExchange x) throws IOException {
        Map<String, Object> body = Json.parseObject(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        addBodies.add(body);
        if (body.get("user_id") == null && body.get("agent_id") == null) {
            send(x, 400, Map.of("detail", "At least one of user_id, agent_id, app_id or run_id is required"));
            return;
        }
        List<Object> messages = (List<Object>) body.get("messages");
        String content = String.valueOf(((Map<String, Object>) messages.get(0)).get("content"));
        String id = UUID.randomUUID().toString();
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("id", id);
        memory.put("memory", content);
        memory.put("user_id", body.get("user_id"));
        memory.put("agent_id", body.get("agent_id"));
        memory.put("metadata", body.getOrDefault("metadata", Map.of()));
        memory.put("created_at", Instant.now().toString());
        memory.put("updated_at", Instant.now().toString());
        synchronized (this) {
            memories.put(id, memory);
        }
        send(x, 200, List.of(Map.of("id", id, "data", Map.of("memory", content), "event", "ADD")));
    }

    /** {@code PUT /v1/memories/{id}/}: new text and metadata, the rest kept; the memory as Mem0 answers it. */
    @SuppressWarnings("unchecked")
    private void update(HttpExchange x, String id) throws IOException {
        Map<String, Object> body = Json.parseObject(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Map<String, Object> answer;
        synchronized (this) {
            Map<String, Object> memory = memories.get(id);
            if (memory == null) {
                send(x, 404, Map.of("detail", "Memory not found"));
                return;
            }
            memory.put("memory", body.get("text"));
            memory.put("metadata", body.getOrDefault("metadata", memory.get("metadata")));
            memory.put("updated_at", Instant.now().toString());
            answer = new LinkedHashMap<>(memory);
            answer.put("text", answer.remove("memory"));
        }
        send(x, 200, answer);
    }

    @SuppressWarnings("unchecked")
    private void list(HttpExchange x) throws IOException {
        listings.incrementAndGet();
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        if (stallListings || page >= stallFromPage) {
            x.sendResponseHeaders(200, 1000);
            x.getResponseBody().write("[{\"id\":\"m\"".getBytes(StandardCharsets.UTF_8));
            x.getResponseBody().flush();
            stalled.release();
            try {
                closing.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        onListing.run();
        Map<String, Object> metadata = q.containsKey("metadata") ? Json.parseObject(q.get("metadata")) : Map.of();
        int size = Integer.parseInt(q.getOrDefault("page_size", "100"));
        List<Object> matching = new ArrayList<>();
        synchronized (this) {
            for (Map<String, Object> m : memories.values()) {
                Map<String, Object> meta = (Map<String, Object>) m.get("metadata");
                boolean ok = (!q.containsKey("user_id") || q.get("user_id").equals(m.get("user_id")))
                        && (!q.containsKey("agent_id") || q.get("agent_id").equals(m.get("agent_id")))
                        && metadata.entrySet().stream().allMatch(e -> e.getValue().equals(meta.get(e.getKey())));
                if (ok) {
                    matching.add(m);
                }
            }
        }
        int from = Math.min(matching.size(), (page - 1) * size);
        send(x, 200, matching.subList(from, Math.min(matching.size(), from + size)));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
