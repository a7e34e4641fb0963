package io.commandcenter.hub.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The form of an API key token: {@code cck_<keyId>_<secret>}, the id 16 lowercase hex characters,
 * the secret 32 random bytes in URL-safe base64 (43 characters). Only the secret's SHA-256 is
 * stored; the token is shown once, when the key is created.
 */
public final class KeyTokens {
    /** The form of a token; {@link #parse} checks it by hand (every authenticated call parses one, twice). */
    static final Pattern TOKEN = Pattern.compile("cck_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
    private static final int ID_LENGTH = 16;
    private static final int SECRET_LENGTH = 43;
    private static final int LENGTH = 4 + ID_LENGTH + 1 + SECRET_LENGTH;
    /** One digest a thread: looking one up costs about as much as hashing a secret. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    /** A token split into its parts. */
    public record Parsed(String keyId, String secret) {
        /** The token without its secret, safe to print and log. */
        public String redacted() {
            return "cck_" + keyId + "_…";
        }
    }

    /** A new key's id, secret and token. */
    public record Issued(String keyId, String secret, String token, String secretHash) {
    }

    private KeyTokens() {
    }

    public static Issued issue(SecureRandom random) {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        random.nextBytes(id);
        random.nextBytes(secret);
        String keyId = HexFormat.of().formatHex(id);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Issued(keyId, text, "cck_" + keyId + "_" + text, hash(text));
    }

    /** The parts of a token, empty when the text does not have the form of one ({@link #TOKEN}). */
    public static Optional<Parsed> parse(String token) {
        if (token == null || token.length() != LENGTH || !token.startsWith("cck_") || token.charAt(4 + ID_LENGTH) != '_') {
            return Optional.empty();
        }
        if (!isHex(token, 4, 4 + ID_LENGTH)) {
            return Optional.empty();
        }
        for (int i = 4 + ID_LENGTH + 1; i < LENGTH; i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return Optional.empty();
            }
        }
        return Optional.of(new Parsed(token.substring(4, 4 + ID_LENGTH), token.substring(4 + ID_LENGTH + 1)));
    }

    /** Whether {@code id} has the form of a key id (16 lowercase hex characters). */
    public static boolean isKeyId(String id) {
        return id != null && id.length() == ID_LENGTH && isHex(id, 0, ID_LENGTH);
    }

    private static boolean isHex(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** SHA-256 of a secret, lowercase hex. */
    public static String hash(String secret) {
        MessageDigest sha256 = SHA256.get();
        sha256.reset();
        return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code secret} hashes to {@code expectedHash}, in time that does not depend on where they differ. */
    public static boolean matches(String secret, String expectedHash) {
        return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
                expectedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
