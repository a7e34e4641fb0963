package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.security.Authenticator;
import io.commandcenter.hub.security.CallRate;
import io.commandcenter.hub.security.DeniedRequests;
import io.commandcenter.hub.security.Permission;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;

import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one seam where a request becomes a {@link Caller}: the gRPC interceptor and the HTTP filter
 * both call it with the permission the call needs (the access table) and the request's headers, so
 * both transports authenticate, authorize and scope a call the same way.
 */
@FunctionalInterface
public interface CallerResolver {

    /** The header that names the project, for gRPC metadata and HTTP alike. */
    String PROJECT_HEADER = "x-cc-project";

    /**
     * The header in which a client declares who is acting on its behalf ({@code cc} sends
     * {@code $USER}): recorded with the key that vouched for it ({@code ana (key ops)}). Declared,
     * not proven; the key is.
     */
    String USER_HEADER = "x-cc-user";

    /**
     * Not a header a client sends: the transport answers it with the caller's IP address (null when it
     * cannot say), so that failed authentications are limited per address ({@link #limitedBy}).
     */
    String REMOTE_ADDRESS = ":remote-address";

    /** What a declared user may look like: a login or an e-mail address, at most 64 characters. */
    Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

    /**
     * Resolves the caller of a request that needs {@code required}.
     *
     * @param operation what is called (the gRPC method, or the one a REST endpoint mirrors): for the
     *                  record of a denial
     * @param header    reads a request header by lowercase name; {@code null} when absent
     * @throws CommandCenterException UNAUTHENTICATED (no or bad credentials), PERMISSION_DENIED
     *         ({@code ROLE_FORBIDS}: the role lacks the permission; {@code PROJECT_FORBIDDEN}: the
     *         credentials do not cover the project asked for — nothing is said of that project),
     *         INVALID ({@code INVALID_PROJECT}, {@code INVALID_USER}) for malformed headers
     */
    Caller resolve(String operation, Permission required, Function<String, String> header);

    /**
     * This resolver, with each caller's calls counted against {@code rate} (public calls are not), and
     * each call that fails authentication counted against its address's allowance (the header
     * {@link #REMOTE_ADDRESS}; one allowance for all calls whose address is not known). Once an
     * address's allowance is spent, its failed calls are answered RESOURCE_EXHAUSTED {@code RATE_LIMITED}
     * instead of UNAUTHENTICATED. Only failures are counted and nothing is refused before its credentials are
     * read, so a valid key or token is never refused because others failed from its address (a NAT, a proxy
     * in front of the console): a check before reading cannot tell a valid key that is not cached yet from a
     * made-up one. A made-up key id costs one read of the store by its primary key; the same id again within
     * the authenticator's negative cache costs none.
     *
     * @see CallRate
     */
    default CallerResolver limitedBy(CallRate rate) {
        return (operation, required, header) -> {
            Caller caller;
            try {
                caller = resolve(operation, required, header);
            } catch (CommandCenterException e) {
                if (required != Permission.PUBLIC && e.kind() == ErrorKind.UNAUTHENTICATED) {
                    String address = header.apply(REMOTE_ADDRESS);
                    rate.acquire("unauthenticated:" + (address == null ? "unknown address" : address));
                }
                throw e;
            }
            if (required != Permission.PUBLIC) {
                rate.acquire(caller.who().keyId());
            }
            return caller;
        };
    }

    /**
     * This resolver, with each refusal (UNAUTHENTICATED, PERMISSION_DENIED) recorded in the audit
     * ledger through {@code denied}, which keeps a flood from flooding the ledger.
     */
    default CallerResolver recordingDenials(DeniedRequests denied) {
        return (operation, required, header) -> {
            try {
                return resolve(operation, required, header);
            } catch (CommandCenterException e) {
                if (e.kind() == ErrorKind.UNAUTHENTICATED || e.kind() == ErrorKind.PERMISSION_DENIED) {
                    denied.record(operation, header, e);
                }
                throw e;
            }
        };
    }

    /**
     * Authenticated calls: the credentials ({@link Authenticator}) must allow {@code required} and
     * cover the project named in {@link #PROJECT_HEADER}; without that header a call is scoped to
     * its key's project, or to {@code defaultProject} for a key of every project. Public calls
     * (health, reflection) need nothing.
     */
    static CallerResolver authenticating(Authenticator authenticator, ProjectId defaultProject) {
        return (operation, required, header) -> {
            if (required == Permission.PUBLIC) {
                return new Caller(project(header, defaultProject), anonymous());
            }
            Principal who = authenticator.authenticate(header.apply(Authenticator.HEADER));
            if (!who.role().allows(required)) {
                throw CommandCenterException.permissionDenied("ROLE_FORBIDS", "the role " + who.role().wireName()
                        + " may not do this (it needs " + required.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + ")");
            }
            ProjectId project = project(header, who.projectScope().orElse(defaultProject));
            if (!who.covers(project)) {
                throw CommandCenterException.permissionDenied("PROJECT_FORBIDDEN", "these credentials do not cover"
                        + " the project asked for");
            }
            return new Caller(project, who, actor(who.name(), header));
        };
    }

    /**
     * No authentication: every call is an administrator of every project, scoped by
     * {@link #PROJECT_HEADER} or to {@code defaultProject}. For a hub that listens on loopback only
     * and was told so ({@code cc.auth=off}), and for tests of a single component.
     */
    static CallerResolver unauthenticated(ProjectId defaultProject) {
        Principal everyone = new Principal("anonymous", Role.ADMIN, null, "none");
        return (operation, required, header) -> {
            ProjectId project = project(header, defaultProject);
            String user = declaredUser(header);
            return new Caller(project, everyone, user == null ? everyone.name() : user);
        };
    }

    private static Principal anonymous() {
        return new Principal("anonymous", Role.VIEWER, null, "none");
    }

    private static ProjectId project(Function<String, String> header, ProjectId fallback) {
        String value = header.apply(PROJECT_HEADER);
        return value == null || value.isEmpty() ? fallback : ProjectId.of(value.trim());
    }

    /** The longest actor: what every {@code *_by} column and the audit ledger's {@code actor} hold. */
    public static final int MAX_ACTOR = 128;

    /**
     * The actor: the principal, or the declared user and the principal that vouched for it — at most
     * {@value #MAX_ACTOR} characters, the principal's name cut (ending in {@code …}) when a long user and a long
     * key name (64 each) or a token's long name would not fit, so a decision is never refused for its actor's length.
     */
    static String actor(String principal, Function<String, String> header) {
        String user = declaredUser(header);
        if (user == null || user.equals(principal)) {
            return principal.length() <= MAX_ACTOR ? principal : principal.substring(0, MAX_ACTOR - 1) + "…";
        }
        String full = user + " (key " + principal + ")";
        if (full.length() <= MAX_ACTOR) {
            return full;
        }
        int room = MAX_ACTOR - user.length() - " (key …)".length();
        return user + " (key " + principal.substring(0, room) + "…)";
    }

    /**
     * @throws CommandCenterException INVALID ({@code INVALID_USER}) naming {@link #USER_HEADER}
     */
    private static String declaredUser(Function<String, String> header) {
        String user = header.apply(USER_HEADER);
        if (user == null || user.isBlank()) {
            return null;
        }
        user = user.strip();
        if (!USER.matcher(user).matches()) {
            throw CommandCenterException.invalid("INVALID_USER", USER_HEADER, "the " + USER_HEADER
                    + " header must be a login or e-mail address of at most 64 characters (letters, digits, . _ @ + -)");
        }
        return user;
    }
}
