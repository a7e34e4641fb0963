package io.commandcenter.hub.runtime;

import io.commandcenter.hub.security.AdminKeyFile;
import io.commandcenter.hub.security.jwt.JwtSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may call the hub.
 *
 * @param authenticate whether calls need credentials ({@code cc.auth}: {@code on}, the default, or
 *                     {@code off} — allowed only when the hub listens on loopback alone)
 * @param keyCache     how long a key read from the database is trusted before it is read again
 *                     ({@code cc.auth.key-cache}): how long a key revoked on another hub keeps working here
 * @param adminKeyFile where the administrator key the hub creates on its first start is kept
 *                     ({@code cc.auth.admin-key-file}; default {@code <data dir>/admin.key}, mode 600)
 * @param jwt          an identity provider's signed tokens accepted beside API keys
 *                     ({@code mp.jwt.verify.*}, {@code cc.auth.jwt.*}); empty: keys only
 * @param callsPerSecond calls a second each credential may make on average ({@code cc.limits.calls-per-second};
 *                     0: no limit); calls within a stream count once
 * @param burst        calls at once above that rate ({@code cc.limits.burst})
 */
public record SecuritySettings(boolean authenticate, Duration keyCache, Path adminKeyFile, Optional<JwtSettings> jwt,
                               double callsPerSecond, int burst) {
    public static final double DEFAULT_CALLS_PER_SECOND = 500;
    public static final int DEFAULT_BURST = 1000;

    public SecuritySettings {
        if (callsPerSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("cc.limits.calls-per-second must be >= 0 (0: no limit) and cc.limits.burst"
                    + " >= 1");
        }
        Objects.requireNonNull(keyCache, "keyCache");
        Objects.requireNonNull(adminKeyFile, "adminKeyFile");
        Objects.requireNonNull(jwt, "jwt");
        if (keyCache.isNegative()) {
            throw new IllegalArgumentException("cc.auth.key-cache must not be negative");
        }
    }

    /** Authentication on, keys trusted for 10 s, the admin key in the data directory, 500 calls/s per credential. */
    public static SecuritySettings defaults(Path dataDir) {
        return new SecuritySettings(true, Duration.ofSeconds(10), dataDir.resolve(AdminKeyFile.FILE), Optional.empty(),
                DEFAULT_CALLS_PER_SECOND, DEFAULT_BURST);
    }

    public SecuritySettings withAuthenticate(boolean value) {
        return new SecuritySettings(value, keyCache, adminKeyFile, jwt, callsPerSecond, burst);
    }

    public SecuritySettings withJwt(JwtSettings value) {
        return new SecuritySettings(authenticate, keyCache, adminKeyFile, Optional.of(value), callsPerSecond, burst);
    }

    /** Each credential's call rate; {@code perSecond} 0: no limit. */
    public SecuritySettings withCallRate(double perSecond, int atOnce) {
        return new SecuritySettings(authenticate, keyCache, adminKeyFile, jwt, perSecond, atOnce);
    }
}
