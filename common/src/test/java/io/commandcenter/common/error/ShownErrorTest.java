package io.commandcenter.common.error;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ShownErrorTest {

    @Test
    void text_keepsWhatFits_andCutsTheRestWithAnEllipsis() {
        assertThat(ShownError.text("short", 20)).isEqualTo("short");
        assertThat(ShownError.text("x".repeat(20), 20)).isEqualTo("x".repeat(20));
        assertThat(ShownError.text("x".repeat(21), 20)).isEqualTo("x".repeat(17) + "…");
    }

    @Test
    void text_countsUtf8Bytes_andNeverCutsACharacterInTwo() {
        String rockets = "\uD83D\uDE80".repeat(100);

        String shown = ShownError.text(rockets, 50);

        assertThat(shown.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(50);
        assertThat(shown).endsWith("…").doesNotContain("\uFFFD");
        assertThat(shown.substring(0, shown.length() - 1)).matches("(\uD83D\uDE80)+");
    }

    @Test
    void text_escapesControlAndBidiCharacters_soLogsAndTerminalsShowThemInert() {
        assertThat(ShownError.text("a\u0000b\u001b[31m\r\n\u202Ec\uD800", 100))
                .isEqualTo("a\\u0000b\\u001b[31m\\u000d\\u000a\\u202ec\\ud800");
    }

    @Test
    void of_boundsMessageViolationsAndMetadata_andCountsWhatItLeftOut() {
        List<FieldViolation> many = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(new FieldViolation("items[" + i + "]", "BAD_FORMAT", "bad"));
        }
        CommandCenterException e = new CommandCenterException(ErrorKind.INVALID, "BAD", "m".repeat(10_000),
                Map.of("echo", "v".repeat(10_000)), many, null);

        ShownError shown = ShownError.of(e);

        assertThat(shown.message().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ShownError.MAX_MESSAGE_BYTES);
        assertThat(shown.violations()).hasSize(ShownError.MAX_VIOLATIONS);
        assertThat(shown.omitted()).isEqualTo(30);
        assertThat(shown.metadata().get("echo")).hasSizeLessThanOrEqualTo(ShownError.MAX_TEXT_BYTES).endsWith("…");
    }
}
