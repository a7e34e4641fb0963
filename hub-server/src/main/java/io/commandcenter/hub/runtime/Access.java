package io.commandcenter.hub.runtime;

import io.commandcenter.hub.audit.AuditTrail;
import io.commandcenter.hub.persistence.Database;
import io.commandcenter.hub.project.CallerResolver;
import io.commandcenter.hub.security.AdminKeyFile;
import io.commandcenter.hub.security.Authenticator;
import io.commandcenter.hub.security.CallRate;
import io.commandcenter.hub.security.DeniedRequests;
import io.commandcenter.hub.security.Keys;
import io.commandcenter.hub.security.jwt.JwtVerifier;
import io.commandcenter.hub.security.sql.JpaKeyStore;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Who may call this hub, assembled from its settings: with authentication on (the default) the
 * caller resolver checks API keys and the data directory holds an administrator key (created on
 * the first start, mode 600); with it off — allowed only when the hub listens on loopback alone —
 * every local caller is an administrator, and the hub says so loudly.
 */
record Access(CallerResolver resolver, Keys keys, Authenticator authenticator, boolean authenticates) {
    private static final System.Logger LOG = System.getLogger(Access.class.getName());

    /**
     * @param background runs the authenticator's early key re-reads and last-use writes, off every call
     * @param mayWait    runs a refused call's audit append where waiting for the database is allowed
     */
    static Access start(HubSettings settings, Database database, Clock clock, AuditTrail audit, Executor background,
                        Consumer<Runnable> mayWait) {
        JpaKeyStore store = new JpaKeyStore(database);
        List<Authenticator.TokenVerifier> tokens = settings.security().jwt().<Authenticator.TokenVerifier>map(
                JwtVerifier::new).map(List::of).orElse(List.of());
        Authenticator authenticator = new Authenticator(store, clock, settings.security().keyCache(), tokens,
                background);
        Keys keys = new Keys(store, authenticator, new SecureRandom(), clock, audit);
        if (!settings.security().authenticate()) {
            if (!isLoopback(settings.grpc().host())) {
                throw new IllegalArgumentException("cc.auth=off is allowed only when the hub listens on loopback"
                        + " alone, and cc.grpc.host is " + settings.grpc().host());
            }
            LOG.log(Level.WARNING, "AUTHENTICATION IS OFF (cc.auth=off): every caller on this machine is an"
                    + " administrator of every project. Never expose this hub beyond loopback.");
            return new Access(limited(CallerResolver.unauthenticated(settings.defaultProject()), settings), keys,
                    authenticator, false);
        }
        if (!isLoopback(settings.grpc().host()) && settings.grpc().tls().isEmpty()) {
            LOG.log(Level.WARNING, "gRPC listens on {0} beyond this machine WITHOUT TLS: keys and tokens cross the"
                    + " network in clear. Set CC_TLS=on with CC_TLS_KEYSTORE (section 16 of the guide).",
                    settings.grpc().host());
        }
        AdminKeyFile.Ensured admin = AdminKeyFile.ensure(settings.security().adminKeyFile(), store, keys, clock,
                settings.hubId());
        LOG.log(Level.INFO, "authentication on: {0} administrator key {1} in {2} (mode 600; cc finds it there"
                + " when run from the same directory, or set CC_TOKEN)", admin.created() ? "created" : "kept",
                admin.keyId(), admin.file().toAbsolutePath());
        settings.security().jwt().ifPresent(j -> LOG.log(Level.INFO, "signed tokens accepted from issuer {0}"
                + " (keys {1}, audience {2}, role from claim {3}, project from claim {4})", j.issuer(), j.keys(),
                j.audiences().isEmpty() ? "not checked" : j.audiences(), j.roleClaim(), j.projectClaim()));
        CallerResolver resolver = CallerResolver.authenticating(authenticator, settings.defaultProject())
                .recordingDenials(new DeniedRequests(audit, authenticator, clock, mayWait));
        return new Access(limited(resolver, settings), keys, authenticator, true);
    }

    /**
     * Whether a call with these headers (read by lowercase name) has its caller resolved without
     * waiting: always with authentication off; with it on, when its API key was read recently
     * enough ({@link Authenticator#answersAtOnce}). Never waits.
     */
    boolean resolvesAtOnce(Function<String, String> header) {
        return !authenticates || authenticator.answersAtOnce(header.apply(Authenticator.HEADER));
    }

    private static CallerResolver limited(CallerResolver resolver, HubSettings settings) {
        SecuritySettings s = settings.security();
        return s.callsPerSecond() == 0 ? resolver : resolver.limitedBy(new CallRate(s.callsPerSecond(), s.burst(),
                System::nanoTime));
    }

    /** Whether a bind address reaches this machine only. */
    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
