package io.commandcenter.hub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * The administrator key a hub creates on its first start, so that a new user needs no set-up: it
 * is written to {@value #FILE} in the data directory, readable by its owner only (mode 600), and
 * {@code cc} on the same machine finds it there. A hub that starts again keeps the key in its file
 * while the key works; a revoked or expired one is replaced by a new key (and a new file).
 */
public final class AdminKeyFile {
    /** The file's name in the data directory. */
    public static final String FILE = "admin.key";
    /** The name of the administrator keys a hub creates. */
    public static final String NAME = "admin";

    /** Where the key is, and whether this start created it. */
    public record Ensured(Path file, String keyId, boolean created) {
    }

    private AdminKeyFile() {
    }

    /**
     * Makes sure {@code file} (normally {@value #FILE} in the data directory) holds a working
     * administrator key for every project.
     *
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static Ensured ensure(Path file, KeyStore store, Keys keys, Clock clock, String hubId) {
        Optional<KeyTokens.Parsed> existing = read(file);
        if (existing.isPresent()) {
            Optional<ApiKey> key = store.find(existing.get().keyId());
            if (key.isPresent() && key.get().isActive(clock.instant()) && key.get().allProjects()
                    && key.get().role() == Role.ADMIN && KeyTokens.matches(existing.get().secret(),
                    key.get().secretHash())) {
                return new Ensured(file, key.get().keyId(), false);
            }
        }
        Principal hub = new Principal("hub:" + hubId, Role.ADMIN, null, "hub");
        Keys.Created created = keys.create(null, Role.ADMIN, NAME, null, hub);
        write(file, created.token());
        return new Ensured(file, created.key().keyId(), true);
    }

    private static Optional<KeyTokens.Parsed> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return KeyTokens.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path file, String token) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(FILE + ".new");
            Files.deleteIfExists(temp);
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(Set.of(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(temp);
            } catch (FileAlreadyExistsException raced) {
                // another start of the same hub: overwrite below
            }
            Files.writeString(temp, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
