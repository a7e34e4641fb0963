package io.commandcenter.hub.memory;

import io.commandcenter.hub.predict.EntityKey;
import io.commandcenter.hub.predict.PredictionAdvisor.Advice;
import io.commandcenter.hub.predict.SimilarIncident;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.memory.mem0.Mem0MemoryStore;
import io.commandcenter.models.explain.Factor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
