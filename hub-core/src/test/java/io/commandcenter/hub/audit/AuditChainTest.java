package io.commandcenter.hub.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain's encoding as documented (phase12-intelligence.md, "Audit ledger"), computed by hand. */
class AuditChainTest {
    static final AuditEntry ENTRY = new AuditEntry(7, "e-1", Instant.parse("2026-12-06T01:47:01.5Z"), "default",
            "ana", "APPROVAL_APPROVED", "approval:ap-1", "{\"reason\":\"\u00e9t\u00e9\"}", "hub1",
            AuditChain.GENESIS, "");

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theHash_isSha256OfTheNetstringsOfEveryFieldInOrder() throws Exception {
        // "été" is 5 bytes in UTF-8, so the detail is 18 bytes though 16 characters
        String encoded = "11:cc-audit-v1,1:7,3:e-1,27:2026-12-06T01:47:01.500000Z,7:default,3:ana,"
                + "17:APPROVAL_APPROVED,13:approval:ap-1,18:{\"reason\":\"\u00e9t\u00e9\"},4:hub1,64:"
                + "0".repeat(64) + ",";

        assertThat(AuditChain.hash(ENTRY)).isEqualTo(sha256(encoded))
                .as("the same, computed by an independent implementation (Python's hashlib)")
                .isEqualTo("9933e3ef6b8774c2f53e9ca5bbb4bcc79f5bbfb5ac5e2ba57ce18cfe89c83b8a");
    }

    @Test
    void times_alwaysHaveSixFractionDigits_inUtc() {
        assertThat(AuditChain.time(Instant.parse("2026-12-06T01:47:01Z"))).isEqualTo("2026-12-06T01:47:01.000000Z");
        assertThat(AuditChain.time(Instant.parse("2026-12-06T01:47:01.123456789Z")))
                .isEqualTo("2026-12-06T01:47:01.123456Z");
    }

    @Test
    void everyField_changesTheHash() {
        String base = AuditChain.hash(ENTRY);
        List<AuditEntry> variants = List.of(
                new AuditEntry(8, "e-1", ENTRY.time(), "default", "ana", "APPROVAL_APPROVED", "approval:ap-1",
                        ENTRY.detail(), "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-2", ENTRY.time(), "default", "ana", "APPROVAL_APPROVED", "approval:ap-1",
                        ENTRY.detail(), "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time().plusNanos(1000), "default", "ana", "APPROVAL_APPROVED",
                        "approval:ap-1", ENTRY.detail(), "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time(), "global", "ana", "APPROVAL_APPROVED", "approval:ap-1",
                        ENTRY.detail(), "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time(), "default", "bob", "APPROVAL_APPROVED", "approval:ap-1",
                        ENTRY.detail(), "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time(), "default", "ana", "APPROVAL_REJECTED", "approval:ap-1",
                        ENTRY.detail(), "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time(), "default", "ana", "APPROVAL_APPROVED", "approval:ap-2",
                        ENTRY.detail(), "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time(), "default", "ana", "APPROVAL_APPROVED", "approval:ap-1",
                        "{}", "hub1", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time(), "default", "ana", "APPROVAL_APPROVED", "approval:ap-1",
                        ENTRY.detail(), "hub2", AuditChain.GENESIS, ""),
                new AuditEntry(7, "e-1", ENTRY.time(), "default", "ana", "APPROVAL_APPROVED", "approval:ap-1",
                        ENTRY.detail(), "hub1", "1".repeat(64), ""));

        assertThat(variants).extracting(AuditChain::hash).doesNotContain(base).doesNotHaveDuplicates();
    }

    @Test
    void fieldsCannotRunIntoEachOther() {
        AuditEntry a = new AuditEntry(1, "x", ENTRY.time(), "p", "ab", "RUN_DECIDED", "c", "{}", "h",
                AuditChain.GENESIS, "");
        AuditEntry b = new AuditEntry(1, "x", ENTRY.time(), "p", "a", "RUN_DECIDED", "bc", "{}", "h",
                AuditChain.GENESIS, "");

        assertThat(AuditChain.hash(a)).isNotEqualTo(AuditChain.hash(b));
    }

    @Test
    void aHash_is64LowercaseHexDigits() {
        assertThat(AuditChain.isHash(AuditChain.GENESIS)).isTrue();
        assertThat(AuditChain.isHash("A".repeat(64))).isFalse();
        assertThat(AuditChain.isHash("a".repeat(63))).isFalse();
        assertThat(AuditChain.isHash(null)).isFalse();
    }
}
