package io.commandcenter.hub.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.Authenticator;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Accepts an identity provider's signed JWT as a bearer token: signature by a key of the
 * configured JWKS with an accepted public-key algorithm ({@code none} and MAC algorithms never),
 * issuer exact, audience when configured, {@code exp} required and {@code nbf} honoured within the
 * clock skew. The caller's role comes from its groups claim and its project from the project claim
 * ({@link JwtSettings}); a valid token that names neither is refused (PERMISSION_DENIED), never
 * given a default. The same verifier serves gRPC, REST and SSE through the {@link Authenticator}. The
 * principal's {@link Principal#expiresAt} is {@code exp} plus the clock skew, the last moment a call with
 * the token is accepted: the streams it opened end then ({@code TOKEN_EXPIRED}).
 */
public final class JwtVerifier implements Authenticator.TokenVerifier {
    private static final List<Role> BY_PRECEDENCE = List.of(Role.ADMIN, Role.OPERATOR, Role.AGENT, Role.VIEWER);

    private final JwtSettings settings;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtVerifier(JwtSettings settings) {
        this.settings = settings;
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(settings.algorithms(), source(settings)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audiences().isEmpty() ? null : settings.audiences(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("exp", "sub"), null);
        claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, settings.clockSkew().toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    private static JWKSource<SecurityContext> source(JwtSettings s) {
        try {
            if (s.keys().getScheme().equalsIgnoreCase("file")) {
                return new ImmutableJWKSet<>(JWKSet.load(new File(s.keys())));
            }
            long ttl = Math.max(1, s.keysCache().toMillis());
            return JWKSourceBuilder.<SecurityContext>create(s.keys().toURL(),
                            new DefaultResourceRetriever(5_000, 5_000, 1024 * 1024))
                    .cache(ttl, 5_000).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("mp.jwt.verify.publickey.location: " + e.getMessage(), e);
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("mp.jwt.verify.publickey.location: cannot read a JWKS from "
                    + s.keys() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Principal> verify(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return Optional.empty(); // not a JWT: another verifier's kind, or nothing
        }
        if (jwt instanceof PlainJWT || !(jwt instanceof SignedJWT)) {
            throw CommandCenterException.unauthenticated("TOKEN_INVALID", "the token was not accepted: only signed"
                    + " tokens are");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process((SignedJWT) jwt, null);
        } catch (ExpiredJWTException e) {
            throw CommandCenterException.unauthenticated("TOKEN_EXPIRED", "the token has expired: get a new one from"
                    + " the identity provider");
        } catch (RateLimitReachedException e) {
            // a token naming a key the provider does not publish, soon after the keys were fetched
            throw CommandCenterException.unauthenticated("TOKEN_INVALID", "the token was not accepted: it is signed"
                    + " by a key the identity provider does not publish");
        } catch (KeySourceException e) {
            throw CommandCenterException.unavailable("IDENTITY_PROVIDER_UNAVAILABLE", "the identity provider's keys"
                    + " cannot be read now; try again", e);
        } catch (BadJOSEException | JOSEException e) {
            throw CommandCenterException.unauthenticated("TOKEN_INVALID", "the token was not accepted: "
                    + e.getMessage());
        }
        return Optional.of(principal(claims));
    }

    private Principal principal(JWTClaimsSet claims) {
        Role role = role(claims).orElseThrow(() -> CommandCenterException.permissionDenied("NO_ROLE", "the token"
                + " gives no CommandCenter role: its claim '" + settings.roleClaim() + "' must list one of admin,"
                + " operator, agent, viewer"));
        String project = string(claims, settings.projectClaim());
        if (project == null || (!project.equals("*") && !ProjectId.isValid(project))) {
            throw CommandCenterException.permissionDenied("NO_PROJECT", "the token names no project: its claim '"
                    + settings.projectClaim() + "' must hold a project id, or * for every project");
        }
        String name = printable(firstOf(claims, "upn", "preferred_username", "sub"));
        // accepted until exp + the skew (as a new call would be), so its streams end then: TOKEN_EXPIRED
        java.util.Date exp = claims.getExpirationTime();
        return new Principal(name, role, project.equals("*") ? null : ProjectId.of(project),
                "jwt:" + printable(claims.getSubject()), exp == null ? null : exp.toInstant().plus(settings.clockSkew()));
    }

    private Optional<Role> role(JWTClaimsSet claims) {
        List<String> groups = new ArrayList<>();
        Object value = claims.getClaim(settings.roleClaim());
        if (value instanceof String s) {
            groups.add(s);
        } else if (value instanceof List<?> list) {
            list.forEach(o -> groups.add(String.valueOf(o)));
        }
        for (Role role : BY_PRECEDENCE) {
            for (String g : groups) {
                if (g.toLowerCase(Locale.ROOT).equals(role.wireName())) {
                    return Optional.of(role);
                }
            }
        }
        return Optional.empty();
    }

    /** A claim as it may appear in logs and the audit ledger: printable ASCII, at most 128 characters. */
    static String printable(String value) {
        StringBuilder b = new StringBuilder(Math.min(value.length(), 128));
        for (int i = 0; i < value.length() && b.length() < 128; i++) {
            char c = value.charAt(i);
            b.append(c >= 0x21 && c < 0x7f ? c : '_');
        }
        return b.toString();
    }

    private static String string(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    private static String firstOf(JWTClaimsSet claims, String... names) {
        for (String n : names) {
            String v = string(claims, n);
            if (v != null) {
                return v;
            }
        }
        return claims.getSubject();
    }
}
