package io.commandcenter.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code cc} finds the key it sends ({@code authorization: Bearer <key>}), first found wins:
 * <ol>
 *   <li>{@code --token KEY};</li>
 *   <li>the environment's {@code CC_TOKEN};</li>
 *   <li>the file named by {@code CC_TOKEN_FILE};</li>
 *   <li>{@code $CC_DATA_DIR/admin.key}, when {@code CC_DATA_DIR} is set;</li>
 *   <li>{@code ./data/admin.key}: where {@code bin/hub} keeps the administrator key a hub creates on
 *       its first start, so {@code bin/cc} run from the same directory needs nothing.</li>
 * </ol>
 * Without any, calls go without credentials and a hub with authentication on refuses them
 * (UNAUTHENTICATED, saying what to send).
 */
public final class Token {
    static final String ADMIN_KEY = "admin.key";

    private Token() {
    }

    /** The key to send, if any. */
    public static Optional<String> find(String explicit, Map<String, String> env, Path workingDir) {
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(explicit.strip());
        }
        String fromEnv = env.get("CC_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(fromEnv.strip());
        }
        String file = env.get("CC_TOKEN_FILE");
        if (file != null && !file.isBlank()) {
            return Optional.of(read(Path.of(file)).orElseThrow(() -> new IllegalArgumentException(
                    "CC_TOKEN_FILE names " + file + ", which cannot be read")));
        }
        String dataDir = env.get("CC_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            Optional<String> key = read(Path.of(dataDir).resolve(ADMIN_KEY));
            if (key.isPresent()) {
                return key;
            }
        }
        return read(workingDir.resolve("data").resolve(ADMIN_KEY));
    }

    private static Optional<String> read(Path file) {
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
