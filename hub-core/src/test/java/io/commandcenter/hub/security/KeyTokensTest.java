package io.commandcenter.hub.security;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written token check against its regular expression, the oracle. */
class KeyTokensTest {

    static Optional<KeyTokens.Parsed> byPattern(String token) {
        Matcher m = KeyTokens.TOKEN.matcher(token);
        return m.matches() ? Optional.of(new KeyTokens.Parsed(m.group(1), m.group(2))) : Optional.empty();
    }

    @Test
    void parse_acceptsAndSplitsExactlyWhatTheTokenPatternDoes() {
        SplittableRandom random = new SplittableRandom(18);
        String alphabet = "cck_0123456789abcdefABCDEFxyzXYZ-_+/= .\u00e9";
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            String token = KeyTokens.issue(new SecureRandom()).token();
            StringBuilder b = new StringBuilder(token);
            int edits = random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(b.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> { if (at < b.length()) b.deleteCharAt(at); }
                    default -> { if (at < b.length()) b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length()))); }
                }
            }
            String candidate = b.toString();
            Optional<KeyTokens.Parsed> parsed = KeyTokens.parse(candidate);
            assertThat(parsed).as(candidate).isEqualTo(byPattern(candidate));
            accepted += parsed.isPresent() ? 1 : 0;
        }
        assertThat(accepted).as("both outcomes are exercised").isBetween(1_000, 19_000);
        assertThat(KeyTokens.parse(null)).isEmpty();
        assertThat(KeyTokens.parse("")).isEmpty();
    }

    @Test
    void aSecret_matchesOnlyItsOwnHash_onAnyThread() throws Exception {
        KeyTokens.Issued issued = KeyTokens.issue(new SecureRandom());
        assertThat(KeyTokens.matches(issued.secret(), issued.secretHash())).isTrue();
        assertThat(KeyTokens.matches(issued.secret() + "x", issued.secretHash())).isFalse();
        boolean[] elsewhere = new boolean[1];
        Thread t = new Thread(() -> elsewhere[0] = KeyTokens.hash(issued.secret()).equals(issued.secretHash()));
        t.start();
        t.join();
        assertThat(elsewhere[0]).isTrue();
    }
}
