package io.commandcenter.scheduler.hazelcast;

import java.util.Locale;

/**
 * A {@code host:port} or a bare {@code host} as written in {@code cc.hazelcast.*} settings
 * ({@code [v6]:port} and {@code [v6]} for IPv6 literals). Nothing is resolved here: a host name
 * stays a name until a connection is checked.
 *
 * @param host a name or an address literal (IPv6 without brackets), never blank
 * @param port 1 to 65535, or 0 for any port of the host
 */
record HostPort(String host, int port) {
    static final int ANY_PORT = 0;

    HostPort {
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("blank host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 1 to 65535");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses one entry.
     *
     * @param portRequired whether a bare host is refused
     * @throws IllegalArgumentException on a missing or bad port, or a range such as {@code 5701-5703}
     */
    static HostPort parse(String text, boolean portRequired) {
        String s = text.strip();
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in '" + text + "'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "' is not [address]:port");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') == colon) {
                host = s.substring(0, colon);
                port = s.substring(colon + 1);
            } else {
                host = s; // no colon, or an IPv6 literal without brackets (no port then)
            }
        }
        if (port == null) {
            if (portRequired) {
                throw new IllegalArgumentException("'" + text + "' has no port (host:port, one by one, no ranges)");
            }
            return new HostPort(host, ANY_PORT);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + text + "' (host:port, one by one, no ranges)", e);
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("bad port in '" + text + "' (1 to 65535)");
        }
        return new HostPort(host, p);
    }

    boolean anyPort() {
        return port == ANY_PORT;
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return anyPort() ? h : h + ":" + port;
    }
}
