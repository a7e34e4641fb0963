package io.commandcenter.hub.transport.rest;

import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ShownError;
import io.commandcenter.hub.runtime.HttpSettings;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses what a web page on another site could make a browser send, before the caller is resolved:
 * <ul>
 *   <li>a request that changes something (any method but GET, HEAD and OPTIONS) whose {@code Origin} is not the
 *       hub's own (browsers send {@code Origin} on every such request from a page; the console's own calls carry
 *       the hub's): 403, reason {@value #CROSS_ORIGIN}. A form or a {@code fetch(…, {mode: 'no-cors'})} from
 *       another site could otherwise trigger a workflow or cancel a run on a hub that needs no key
 *       ({@code cc.auth=off}). Clients that are not browsers send no {@code Origin} and are not affected;</li>
 *   <li>with {@link HttpSettings#loopbackHostsOnly()} (authentication off), any request whose {@code Host} is not a
 *       loopback name ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}): 403, reason {@value #HOST_NOT_LOOPBACK}
 *       — a site that points its own name at 127.0.0.1 (DNS rebinding) is then still refused, reads included.</li>
 * </ul>
 * With authentication on, a browser page on another site has no key to send (the console keeps its key in the
 * page's session storage and sends it in {@code Authorization}, which another site cannot set without CORS, and
 * the hub allows no CORS); the origin check is then a second line.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class SameOrigin implements ContainerRequestFilter {
    /** The reason of a state-changing request from another site's page. */
    public static final String CROSS_ORIGIN = "CROSS_ORIGIN";
    /** The reason of a request naming a host that is not loopback, to a hub without authentication. */
    public static final String HOST_NOT_LOOPBACK = "HOST_NOT_LOOPBACK";

    @Inject
    jakarta.inject.Provider<HttpSettings> http;

    @Override
    public void filter(ContainerRequestContext request) {
        refusal(request.getMethod(), request.getHeaderString(HttpHeaders.HOST), request.getHeaderString("Origin"),
                request.getUriInfo().getBaseUri().getScheme(), http.get().loopbackHostsOnly()).ifPresent(e -> {
                    throw e;
                });
    }

    /**
     * Why a request is refused, if it is.
     *
     * @param host   the {@code Host} header (null when absent)
     * @param origin the {@code Origin} header (null when absent)
     * @param scheme the scheme the request came in on ({@code http} or {@code https})
     */
    static Optional<CommandCenterException> refusal(String method, String host, String origin, String scheme,
                                                    boolean loopbackHostsOnly) {
        if (loopbackHostsOnly && (host == null || !isLoopbackHost(hostName(host)))) {
            return Optional.of(CommandCenterException.permissionDenied(HOST_NOT_LOOPBACK, "this hub runs without"
                    + " authentication and answers only requests addressed to a loopback name (localhost, 127.0.0.1,"
                    + " [::1]); Host was '" + ShownError.text(String.valueOf(host), 80) + "'"));
        }
        boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (!safe && origin != null && !sameOrigin(origin, host, scheme)) {
            return Optional.of(CommandCenterException.permissionDenied(CROSS_ORIGIN, "a " + method + " from a page"
                    + " of another origin ('" + ShownError.text(origin, 80) + "') is refused: only the hub's own"
                    + " console may change things from a browser"));
        }
        return Optional.empty();
    }

    /** Whether {@code origin} ({@code scheme://host[:port]}) is the origin of a request to {@code host} over {@code scheme}. */
    static boolean sameOrigin(String origin, String host, String scheme) {
        if (host == null) {
            return false;
        }
        URI o;
        try {
            o = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed or file: page) and garbage alike
        }
        if (o.getScheme() == null || o.getHost() == null || !o.getScheme().equalsIgnoreCase(scheme)) {
            return false;
        }
        String own = host.strip().toLowerCase(Locale.ROOT);
        String theirs = o.getHost().toLowerCase(Locale.ROOT);
        int port = o.getPort() == -1 ? defaultPort(scheme) : o.getPort();
        String ownName = hostName(own);
        String ownPort = own.substring(ownName.length()).replaceFirst("^\\]?:?", "");
        int ownPortNumber;
        try {
            ownPortNumber = ownPort.isEmpty() ? defaultPort(scheme) : Integer.parseInt(ownPort);
        } catch (NumberFormatException e) {
            return false;
        }
        return stripBrackets(theirs).equals(stripBrackets(ownName)) && port == ownPortNumber;
    }

    /** The name part of a {@code Host} header: {@code localhost} of {@code localhost:9080}, {@code [::1} of {@code [::1]:9080}. */
    static String hostName(String host) {
        String h = host.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** Whether a host name is loopback without asking DNS: {@code localhost}, {@code 127.x.x.x} or {@code ::1}. */
    static boolean isLoopbackHost(String name) {
        String n = stripBrackets(name.toLowerCase(Locale.ROOT));
        return n.equals("localhost") || n.equals("::1") || n.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static String stripBrackets(String name) {
        return name.startsWith("[") ? name.substring(1).replace("]", "") : name;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }
}
