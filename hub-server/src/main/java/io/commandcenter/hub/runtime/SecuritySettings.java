package io.commandcenter.hub.runtime;

import io.commandcenter.hub.security.AdminKeyFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Who may call the hub.
 *
 * @param authenticate whether calls need credentials ({@code cc.auth}: {@code on}, the default, or
 *                     {@code off} — allowed only when the hub listens on loopback alone)
 * @param keyCache     how long a key read from the database is trusted before it is read again
 *                     ({@code cc.auth.key-cache}): how long a key revoked on another hub keeps working here
 * @param adminKeyFile where the administrator key the hub creates on its first start is kept
 *                     ({@code cc.auth.admin-key-file}; default {@code <data dir>/admin.key}, mode 600)
 */
public record SecuritySettings(boolean authenticate, Duration keyCache, Path adminKeyFile) {
    public SecuritySettings {
        Objects.requireNonNull(keyCache, "keyCache");
        Objects.requireNonNull(adminKeyFile, "adminKeyFile");
        if (keyCache.isNegative()) {
            throw new IllegalArgumentException("cc.auth.key-cache must not be negative");
        }
    }

    /** Authentication on, keys trusted for 10 s, the admin key in the data directory. */
    public static SecuritySettings defaults(Path dataDir) {
        return new SecuritySettings(true, Duration.ofSeconds(10), dataDir.resolve(AdminKeyFile.FILE));
    }

    public SecuritySettings withAuthenticate(boolean value) {
        return new SecuritySettings(value, keyCache, adminKeyFile);
    }
}
