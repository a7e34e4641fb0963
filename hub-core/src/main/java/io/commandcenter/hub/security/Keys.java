package io.commandcenter.hub.security;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.Violations;
import io.commandcenter.hub.audit.AuditAction;
import io.commandcenter.hub.audit.AuditRecord;
import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.project.ProjectId;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Creating, listing and revoking API keys. A key covers one project (or every project) with one
 * role; its token is returned once, at creation. An administrator of one project manages that
 * project's keys only; keys for every project need an administrator of every project.
 */
public final class Keys {
    /** What a key's name may look like (it becomes the principal of what the key does). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+:-]{0,63}");
    /** The actors the hub records its own actions as (and {@code hub:<id>}): no key may be named so. */
    public static final java.util.List<String> RESERVED = java.util.List.of("engine", "anonymous", "bootstrap", "demo",
            "learning-loop");
    public static final Duration MIN_LIFETIME = Duration.ofHours(1);
    public static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    /** Whether a name is one the hub records its own actions as (case aside). */
    public static boolean isReserved(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return RESERVED.contains(n) || n.startsWith("hub:");
    }

    /** A created key and its token (shown once). */
    public record Created(ApiKey key, String token) {
    }

    private final KeyStore store;
    private final AuditTrail audit;
    private final Authenticator authenticator;
    private final SecureRandom random;
    private final Clock clock;

    /**
     * @param audit records each key created and revoked ({@code KEY_CREATED}, {@code KEY_REVOKED}): in
     *              the key's project, or the global scope for a key of every project
     */
    public Keys(KeyStore store, Authenticator authenticator, SecureRandom random, Clock clock, AuditTrail audit) {
        this.audit = audit;
        this.store = store;
        this.authenticator = authenticator;
        this.random = random;
        this.clock = clock;
    }

    /**
     * Creates a key.
     *
     * @param project  the project it covers; {@code null} for every project
     * @param lifetime how long it works; {@code null}: until revoked
     * @throws CommandCenterException INVALID naming the field at fault; PERMISSION_DENIED when
     *         {@code by} administers fewer projects than the key would cover
     */
    public Created create(ProjectId project, Role role, String name, Duration lifetime, Principal by) {
        Violations v = new Violations();
        if (name == null || !NAME.matcher(name).matches()) {
            v.add("name", "INVALID_NAME", "name must be 1-64 letters, digits, '.', '_', '@', '+', ':' or '-',"
                    + " starting with a letter or digit");
        } else if (isReserved(name)) {
            v.add("name", "INVALID_NAME", "'" + name + "' is how the hub records its own actions (" + String.join(
                    ", ", RESERVED) + ", hub:<id>): a key of that name would pass its decisions off as the hub's");
        }
        if (lifetime != null && (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0)) {
            v.add("expires_in", "OUT_OF_RANGE", "expires_in must be from 1h to 3650d");
        }
        v.throwIfAny("INVALID_ARGUMENT", "invalid key");
        if (!by.allProjects() && (project == null || !by.covers(project))) {
            throw CommandCenterException.permissionDenied("SCOPE_EXCEEDED", "a key for "
                    + (project == null ? "every project" : "another project") + " needs an administrator of "
                    + (project == null ? "every project" : "that project"));
        }
        Instant now = clock.instant();
        KeyTokens.Issued issued = KeyTokens.issue(random);
        ApiKey key = new ApiKey(issued.keyId(), name, project, role, issued.secretHash(), now, by.name(),
                lifetime == null ? null : now.plus(lifetime), null, null);
        store.insert(key);
        authenticator.created(key.keyId());
        audit.record(AuditAction.KEY_CREATED, scope(key), by.name(), "key:" + key.keyId(), AuditRecord.detail(
                "name", key.name(), "role", key.role().wireName(), "project", project == null ? "*" : project.value(),
                "expires", key.expiresAt() == null ? null : key.expiresAt().toString()));
        return new Created(key, issued.token());
    }

    /** The keys {@code by} may see: its project's, or every key for an administrator of every project. */
    public List<ApiKey> list(Principal by, ProjectId project) {
        if (by.allProjects()) {
            return store.list(project);
        }
        return store.list(by.project());
    }

    /**
     * Revokes a key: it stops working at once on this hub, and the streams it opened here end
     * ({@code KEY_REVOKED}); on other hubs it stops within their key cache, their streams at their next
     * {@link Authenticator#sweep} after that. A key revoked already (on another hub) is refused, and
     * its streams here end all the same.
     *
     * @throws CommandCenterException NOT_FOUND ({@code KEY_NOT_FOUND}, also for a key of a project
     *         {@code by} does not administer), PRECONDITION ({@code KEY_REVOKED})
     */
    public ApiKey revoke(String keyId, Principal by) {
        ApiKey key = store.find(keyId).filter(k -> by.allProjects() || by.project().equals(k.project()))
                .orElseThrow(() -> CommandCenterException.notFound("KEY_NOT_FOUND", "no key " + keyId));
        Instant now = clock.instant();
        if (!store.revoke(keyId, now)) {
            authenticator.forget(keyId); // revoked on another hub: its streams here end now too
            throw CommandCenterException.precondition("KEY_REVOKED", "key_id", "key " + keyId
                    + " was revoked already");
        }
        authenticator.forget(keyId);
        audit.record(AuditAction.KEY_REVOKED, scope(key), by.name(), "key:" + key.keyId(), AuditRecord.detail(
                "name", key.name(), "role", key.role().wireName()));
        return key.revoked(now);
    }

    private static String scope(ApiKey key) {
        return key.project() == null ? AuditRecord.GLOBAL : key.project().value();
    }
}
