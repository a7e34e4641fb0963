package io.commandcenter.hub.project;

import io.commandcenter.common.error.CommandCenterException;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one seam where a request becomes a {@link Caller}: the gRPC interceptor and the HTTP filter
 * both call it with the request's headers. Authentication plugs in here by wrapping or replacing
 * the resolver, so both transports change together.
 */
@FunctionalInterface
public interface CallerResolver {

    /** The header that names the project, for gRPC metadata and HTTP alike. */
    String PROJECT_HEADER = "x-cc-project";

    /**
     * The header in which a client declares who is acting ({@code cc} sends {@code $USER}): recorded
     * as the principal of approvals, rejections, cancels and workflow revisions. Declared, not
     * proven — authentication, when it plugs in, replaces it with the authenticated identity.
     */
    String USER_HEADER = "x-cc-user";

    /** What a declared user may look like: a login or an e-mail address, at most 64 characters. */
    Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");

    /**
     * Resolves the caller of a request.
     *
     * @param header reads a request header by lowercase name; {@code null} when absent
     * @throws io.commandcenter.common.error.CommandCenterException INVALID ({@code INVALID_PROJECT}) when the
     *         project header is malformed
     */
    Caller resolve(Function<String, String> header);

    /**
     * Scopes calls to the project in {@link #PROJECT_HEADER}, or to {@code defaultProject}; the
     * principal is the {@link #USER_HEADER} when present, {@code anonymous} otherwise.
     */
    static CallerResolver projectHeader(ProjectId defaultProject) {
        return header -> {
            String value = header.apply(PROJECT_HEADER);
            ProjectId project = value == null || value.isEmpty() ? defaultProject : ProjectId.of(value.trim());
            String user = header.apply(USER_HEADER);
            if (user == null || user.isBlank()) {
                return new Caller(project, "anonymous");
            }
            user = user.strip();
            if (!USER.matcher(user).matches()) {
                throw CommandCenterException.invalid("INVALID_USER", USER_HEADER, "the " + USER_HEADER
                        + " header must be a login or e-mail address of at most 64 characters (letters, digits, . _ @ + -)");
            }
            return new Caller(project, user);
        };
    }
}
