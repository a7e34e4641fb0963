package io.commandcenter.hub.agents;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The kept ends of an output decode to whole characters. */
class OutputCaptureTest {

    private static OutputCapture captured(int kept, String text) {
        OutputCapture capture = new OutputCapture(kept);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        capture.append(bytes, bytes.length);
        return capture;
    }

    @Test
    void aCharacterAcrossHeadAndTail_whenNothingWasSkipped_decodesWhole() {
        // "abc" + é (2 bytes) + "d": é's first byte ends the 4-byte head, its second starts the tail
        assertThat(captured(4, "abcéd").text()).isEqualTo("abcéd");
    }

    @Test
    void charactersCutAtTheEdgesOfASkip_areLeftOut_andCounted() {
        // 20 bytes: the head "abc" + é's first byte, the tail €'s last two bytes + "yz"
        String text = captured(4, "abcé" + "-".repeat(10) + "€yz").text();

        assertThat(text).isEqualTo("abc\n… 15 bytes not kept …\nyz").doesNotContain("\uFFFD");
    }
}
