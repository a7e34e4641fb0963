package io.commandcenter.hub.security.jwt;

import com.nimbusds.jose.JWSAlgorithm;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How the hub accepts an identity provider's signed tokens (OIDC access or ID tokens, any signed
 * JWT). Read from the MicroProfile JWT property names, so an operator configures it as for any
 * MicroProfile service; the hub checks the same token the same way on gRPC, REST and SSE.
 *
 * @param issuer       the one accepted {@code iss} ({@code mp.jwt.verify.issuer}); required
 * @param audiences    accepted {@code aud} values ({@code mp.jwt.verify.audiences}, comma-separated);
 *                     empty: the token's audience is not checked
 * @param keys         where the signing keys are: an {@code http(s)} JWKS URL (an IdP's
 *                     {@code jwks_uri}, fetched and cached, refetched when a token names an unknown
 *                     key) or a file holding a JWKS ({@code mp.jwt.verify.publickey.location})
 * @param algorithms   accepted signature algorithms ({@code mp.jwt.verify.publickey.algorithm},
 *                     comma-separated; default RS256). Never {@code none}, never a MAC algorithm
 * @param clockSkew    tolerated clock difference for {@code exp}, {@code nbf} ({@code mp.jwt.verify.clock.skew},
 *                     seconds; default 60)
 * @param keysCache    how long fetched keys are trusted before they are fetched again ({@code cc.auth.jwt.keys-cache}; default 5 minutes)
 * @param roleClaim    the claim listing the caller's groups ({@code cc.auth.jwt.role-claim}; default
 *                     {@code groups}, MicroProfile JWT's); groups named {@code admin},
 *                     {@code operator}, {@code agent} or {@code viewer} give that role (the first of
 *                     those, in that order)
 * @param projectClaim the claim naming the project the caller may act in ({@code cc.auth.jwt.project-claim};
 *                     default {@code cc_project}); {@code *} covers every project
 */
public record JwtSettings(String issuer, Set<String> audiences, URI keys, Set<JWSAlgorithm> algorithms,
                          Duration clockSkew, Duration keysCache, String roleClaim, String projectClaim) {
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    public JwtSettings {
        Objects.requireNonNull(keys, "keys");
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("mp.jwt.verify.issuer is required when mp.jwt.verify.publickey.location"
                    + " is set: tokens are accepted from one issuer only");
        }
        audiences = Set.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("mp.jwt.verify.publickey.algorithm names no algorithm");
        }
        for (JWSAlgorithm a : algorithms) {
            if (!ASYMMETRIC.contains(a)) {
                throw new IllegalArgumentException("mp.jwt.verify.publickey.algorithm: " + a + " is not accepted;"
                        + " use a public-key algorithm (RS256, PS256, ES256, EdDSA, ...)");
            }
        }
        if (clockSkew.isNegative() || keysCache.isNegative()) {
            throw new IllegalArgumentException("mp.jwt.verify.clock.skew and cc.auth.jwt.keys-cache must not be negative");
        }
        if (roleClaim.isBlank() || projectClaim.isBlank()) {
            throw new IllegalArgumentException("cc.auth.jwt.role-claim and cc.auth.jwt.project-claim must name a claim");
        }
        String scheme = keys.getScheme() == null ? "" : keys.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("file")) {
            throw new IllegalArgumentException("mp.jwt.verify.publickey.location must be an http(s) URL or a file,"
                    + " got " + keys);
        }
    }

    /** Tokens from {@code issuer} signed RS256 by the keys at {@code keys}, defaults elsewhere. */
    public static JwtSettings of(String issuer, URI keys, String... audiences) {
        return new JwtSettings(issuer, Set.of(audiences), keys, Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(60),
                Duration.ofMinutes(5), "groups", "cc_project");
    }

    /** From configuration: empty when {@code mp.jwt.verify.publickey.location} is not set. */
    public static Optional<JwtSettings> from(Function<String, String> property) {
        String location = value(property, "mp.jwt.verify.publickey.location", "");
        if (location.isEmpty()) {
            return Optional.empty();
        }
        URI keys = location.contains("://") ? URI.create(location) : java.nio.file.Path.of(location).toAbsolutePath()
                .toUri();
        Set<String> audiences = new LinkedHashSet<>();
        for (String a : value(property, "mp.jwt.verify.audiences", "").split(",")) {
            if (!a.isBlank()) {
                audiences.add(a.strip());
            }
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (String a : value(property, "mp.jwt.verify.publickey.algorithm", "RS256").split(",")) {
            if (!a.isBlank()) {
                algorithms.add(JWSAlgorithm.parse(a.strip()));
            }
        }
        try {
            return Optional.of(new JwtSettings(value(property, "mp.jwt.verify.issuer", ""), audiences, keys, algorithms,
                    Duration.ofSeconds(Long.parseLong(value(property, "mp.jwt.verify.clock.skew", "60"))),
                    Duration.parse(value(property, "cc.auth.jwt.keys-cache", "PT5M")),
                    value(property, "cc.auth.jwt.role-claim", "groups"),
                    value(property, "cc.auth.jwt.project-claim", "cc_project")));
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("invalid JWT setting: " + e.getMessage(), e);
        }
    }

    private static String value(Function<String, String> property, String name, String fallback) {
        String v = property.apply(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }
}
