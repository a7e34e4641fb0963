package io.commandcenter.hub.events;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** What follows a prediction stays in its trace when the prediction's trace id is a valid one. */
class TraceContextTest {
    private static final String ID = "0af7651916cd43dd8448eb211c80319c";

    @Test
    void aValidTraceId_isContinuedWithANewSpan() {
        TraceContext a = TraceContext.continuing(ID, new SplittableRandom(1));
        TraceContext b = TraceContext.continuing(ID, new SplittableRandom(2));

        assertThat(a.traceId()).isEqualTo(ID);
        assertThat(b.traceId()).isEqualTo(ID);
        assertThat(a.traceparent()).startsWith("00-" + ID + "-").endsWith("-01").isNotEqualTo(b.traceparent());
    }

    @Test
    void anythingElse_startsANewRoot() {
        for (String bad : new String[]{null, "", ID.toUpperCase(), ID.substring(1), ID + "0", "0".repeat(32),
                "g" + ID.substring(1), ID.substring(0, 31) + "\n"}) {
            TraceContext t = TraceContext.continuing(bad, new SplittableRandom(3));
            assertThat(TraceContext.isValid(t.traceparent())).isTrue();
            assertThat(t.traceId()).as("%s", bad).isNotEqualTo(bad == null ? "" : bad.toLowerCase());
        }
    }
}
