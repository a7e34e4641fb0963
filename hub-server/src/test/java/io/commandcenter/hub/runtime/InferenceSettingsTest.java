package io.commandcenter.hub.runtime;

import io.commandcenter.inference.remote.RemoteEndpoint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code cc.inference.*}: endpoints read with their settings; a bad value is refused at start, naming its property. */
class InferenceSettingsTest {

    static Map<String, String> triton(String... more) {
        Map<String, String> p = new HashMap<>();
        p.put("cc.inference.endpoints", "triton-a");
        p.put("cc.inference.endpoint.triton-a.target", "triton.internal:8001");
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    static void refused(Map<String, String> properties, String property) {
        assertThatThrownBy(() -> InferenceSettings.from(properties::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(property);
    }

    @Test
    void anEndpoint_isReadWithItsSettings() {
        InferenceSettings s = InferenceSettings.from(triton("cc.inference.endpoint.triton-a.tls", "on",
                "cc.inference.endpoint.triton-a.attempts", "10", "cc.inference.endpoint.triton-a.backoff", "PT0S",
                "cc.inference.fallback", "false", "cc.inference.routes", "service_health=triton-a")::get);

        RemoteEndpoint e = s.endpoints().get("triton-a");
        assertThat(e.tls()).isTrue();
        assertThat(e.maxAttempts()).isEqualTo(10);
        assertThat(e.backoff()).isZero();
        assertThat(e.deadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.policy().routes().get("service_health").fallback()).isFalse();
    }

    @Test
    void aTlsOrFallbackThatIsNotAFlag_isRefused_notReadAsFalse() {
        // before: tls=ture was plaintext gRPC, rows and the token included, without a word
        refused(triton("cc.inference.endpoint.triton-a.tls", "ture"), "cc.inference.endpoint.triton-a.tls must be true or false");
        refused(triton("cc.inference.fallback", "no"), "cc.inference.fallback must be true or false");
    }

    @Test
    void attemptsBreakerDeadlineAndBackoffOutOfRange_areRefused_namingTheProperty() {
        refused(triton("cc.inference.endpoint.triton-a.attempts", "0"), "cc.inference.endpoint.triton-a.attempts");
        refused(triton("cc.inference.endpoint.triton-a.attempts", "11"), "cc.inference.endpoint.triton-a.attempts");
        refused(triton("cc.inference.endpoint.triton-a.breaker-failures", "0"),
                "cc.inference.endpoint.triton-a.breaker-failures");
        refused(triton("cc.inference.endpoint.triton-a.deadline", "PT0S"), "cc.inference.endpoint.triton-a.deadline");
        refused(triton("cc.inference.endpoint.triton-a.backoff", "-PT1S"), "cc.inference.endpoint.triton-a.backoff");
        // the waits run inside a scoring call: PT5S with 10 attempts was about 42 minutes of sleeping
        refused(triton("cc.inference.endpoint.triton-a.backoff", "PT1.001S"), "cc.inference.endpoint.triton-a.backoff"
                + " must be at most PT1S");
        assertThat(InferenceSettings.from(triton("cc.inference.endpoint.triton-a.backoff", "PT1S")::get).endpoints()
                .get("triton-a").backoff()).isEqualTo(Duration.ofSeconds(1));
        refused(triton("cc.inference.endpoint.triton-a.breaker-open", "-PT1S"),
                "cc.inference.endpoint.triton-a.breaker-open");
    }

    @Test
    void aVertexTargetThatIsNotAnHttpUrl_isRefusedAtStart_notAtTheFirstCall() {
        Map<String, String> p = new HashMap<>();
        p.put("cc.inference.endpoints", "vertex-a");
        p.put("cc.inference.endpoint.vertex-a.kind", "vertex");
        p.put("cc.inference.endpoint.vertex-a.token-file", "/run/secrets/vertex");
        p.put("cc.inference.endpoint.vertex-a.target", "europe-west4-aiplatform.googleapis.com:443");
        refused(p, "cc.inference.endpoint.vertex-a.target");
        p.put("cc.inference.endpoint.vertex-a.target", "https://europe-west4 aiplatform/v1:predict");
        refused(p, "cc.inference.endpoint.vertex-a.target");

        p.put("cc.inference.endpoint.vertex-a.target",
                "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/endpoints/1:predict");
        assertThat(InferenceSettings.from(p::get).endpoints().get("vertex-a").host())
                .isEqualTo("europe-west4-aiplatform.googleapis.com");
    }
}
