package io.commandcenter.hub.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash that chains the ledger, format {@value #FORMAT}. An entry's hash is the SHA-256, in
 * lowercase hex, of the netstrings of these eleven values in this order:
 * <ol>
 *   <li>the format tag {@value #FORMAT};</li>
 *   <li>the sequence number, in decimal;</li>
 *   <li>the entry id;</li>
 *   <li>the time, in UTC with exactly six fraction digits: {@code 2026-12-06T01:47:01.123456Z};</li>
 *   <li>the project, or {@code global};</li>
 *   <li>the actor;</li>
 *   <li>the action's name ({@code RUN_DECIDED});</li>
 *   <li>the subject;</li>
 *   <li>the detail, the JSON text exactly as stored;</li>
 *   <li>the hub id;</li>
 *   <li>the previous entry's hash ({@link #GENESIS} before the first entry).</li>
 * </ol>
 * A netstring is the value's UTF-8 byte count in decimal, a colon, the bytes, a comma:
 * {@code 11:cc-audit-v1,} — so no value can run into the next, whatever it contains. The encoding
 * is all an outside tool needs to check an export ({@code cc audit export}).
 */
public final class AuditChain {
    /** The format tag hashed first; a new encoding gets a new tag. */
    public static final String FORMAT = "cc-audit-v1";
    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private AuditChain() {
    }

    /** The hash of an entry's content and its link; what {@link AuditEntry#hash()} must be. */
    public static String hash(AuditEntry e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        for (String value : new String[]{FORMAT, Long.toString(e.sequence()), e.id(), time(e.time()), e.project(),
                e.actor(), e.action(), e.subject(), e.detail(), e.hubId(), e.previousHash()}) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            out.write(':');
            out.writeBytes(bytes);
            out.write(',');
        }
        return HexFormat.of().formatHex(sha256().digest(out.toByteArray()));
    }

    /** A time as the chain hashes it: UTC, microseconds, six fraction digits always. */
    public static String time(Instant time) {
        return TIME.format(time.truncatedTo(ChronoUnit.MICROS));
    }

    /** Whether {@code text} has the form of a hash: 64 lowercase hex digits. */
    public static boolean isHash(String text) {
        return text != null && text.length() == 64 && text.chars().allMatch(c -> (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'f'));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
