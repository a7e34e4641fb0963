package io.commandcenter.hub.memory;

import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.PredictionAdvisor.Advice;
import io.commandcenter.hub.predict.SimilarIncident;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.memory.mem0.Mem0MemoryStore;
import io.commandcenter.models.explain.Factor;
import com.sun.net.httpserver.HttpServer;
import io.commandcenter.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class MemoryAdvisorTest {
    private static final Instant T = Instant.parse("2026-11-20T08:15:00Z");

    private static SimilarIncident s(String id, double sim, String action, String outcome) {
        return new SimilarIncident(id, "service/checkout-api", T, sim, action, outcome);
    }

    @Test
    void anActionThatRecoveredNoSimilarIncident_isNotFirst_theOneThatRecoveredIs() {
        Advice a = MemoryAdvisor.recommend(List.of(s("m1", 0.97, "restart", "not_recovered"),
                s("m2", 0.95, "restart", "worse"), s("m3", 0.9, "scale", "recovered"),
                s("m4", 0.8, "notify", "not_recovered")), "restart");

        assertThat(a.action()).isEqualTo("scale");
        assertThat(a.note()).isEqualTo("restart did not recover 2 similar incidents (service/checkout-api"
                + " 2026-11-20 08:15, service/checkout-api 2026-11-20 08:15); scale recovered 1: scale first");
        assertThat(a.similar()).extracting(SimilarIncident::memoryId).containsExactly("m1", "m2", "m3");
    }

    @Test
    void withNoActionKnownToWork_theNextUntriedActionIsFirst() {
        Advice a = MemoryAdvisor.recommend(List.of(s("m1", 0.97, "restart", "not_recovered")), "restart");

        assertThat(a.action()).isEqualTo("scale");
        assertThat(a.note()).startsWith("restart did not recover 1 similar incident (").endsWith("scale first,"
                + " untried on them");
    }

    @Test
    void anActionWithARecovery_stays_andTheNoteSaysHowItFared() {
        Advice a = MemoryAdvisor.recommend(List.of(s("m1", 0.97, "restart", "recovered"),
                s("m2", 0.9, "restart", "not_recovered")), "restart");

        assertThat(a.action()).isEqualTo("restart");
        assertThat(a.note()).isEqualTo("restart recovered 1 of 2 similar incidents");
    }

    @Test
    void rejectedIncidents_andNoHistory_leaveTheModelsAction() {
        assertThat(MemoryAdvisor.recommend(List.of(), "scale")).isEqualTo(Advice.none("scale"));
        Advice a = MemoryAdvisor.recommend(List.of(s("m1", 0.9, "none", "not_recovered")), "scale");
        assertThat(a.action()).isEqualTo("scale");
        assertThat(a.note()).isEmpty();
        assertThat(a.similar()).hasSize(1);
    }

    @Test
    void aMemoryThatCannotBeReached_givesNoAdvice_theModelsActionStands() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        MemoryAdvisor advisor = new MemoryAdvisor(new Mem0MemoryStore(URI.create("http://127.0.0.1:" + port), "k",
                IncidentVectors.DIMENSIONS, Duration.ofSeconds(2)), 0.6);

        Advice a = advisor.advise(new EntityKey(new ProjectId("demo"), "service", "checkout"), Map.of("latency_p50", 3.0),
                List.of(new Factor("latency_p50", "latency", 3f, 0.5f, 2.0)), "restart");

        assertThat(a).isEqualTo(Advice.none("restart"));
    }

    @Test
    void aSlowMemory_givesNoAdviceWithinTheAdviceTimeout_andIsLeftAloneForTheCoolDown() throws Exception {
        // a Mem0 whose listings answer "no memories" only once the test lets them
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger listings = new AtomicInteger();
        Semaphore arrived = new Semaphore(0);
        ExecutorService threads = Executors.newCachedThreadPool();
        HttpServer mem0 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        mem0.createContext("/v1/memories/", x -> {
            listings.incrementAndGet();
            arrived.release();
            try {
                answer.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        mem0.setExecutor(threads);
        mem0.start();
        try {
            ManualClock clock = new ManualClock(T);
            MemoryAdvisor advisor = new MemoryAdvisor(new Mem0MemoryStore(URI.create("http://127.0.0.1:"
                    + mem0.getAddress().getPort()), "k", IncidentVectors.DIMENSIONS, Duration.ofSeconds(20),
                    Duration.ofSeconds(30), clock), 0.6, Duration.ofMillis(300), Duration.ofSeconds(60), clock);
            EntityKey entity = new EntityKey(new ProjectId("demo"), "service", "checkout");
            Map<String, Double> features = Map.of("latency_p50", 3.0);
            List<Factor> factors = List.of(new Factor("latency_p50", "latency", 3f, 0.5f, 2.0));

            // a guard, not a timing: the advice timeout is 300 ms, Mem0's own timeout 20 s
            Advice a = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> advisor.advise(entity, features, factors, "restart"));
            assertThat(a).isEqualTo(Advice.none("restart"));
            assertThat(arrived.tryAcquire(10, TimeUnit.SECONDS)).as("the search reached Mem0").isTrue();

            clock.advance(Duration.ofSeconds(59));
            answer.countDown();
            assertThat(advisor.advise(entity, features, factors, "restart")).isEqualTo(Advice.none("restart"));
            assertThat(listings.get()).as("no search during the cool-down").isEqualTo(1);

            clock.advance(Duration.ofSeconds(1));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                while (listings.get() < 2) { // none while the first search is still ending, then one
                    assertThat(advisor.advise(entity, features, factors, "scale")).isEqualTo(Advice.none("scale"));
                    Thread.onSpinWait();
                }
            });
            assertThat(listings.get()).as("one search after the cool-down").isEqualTo(2);
        } finally {
            answer.countDown();
            mem0.stop(0);
            threads.shutdownNow();
        }
    }
}
