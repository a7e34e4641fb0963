package io.commandcenter.hub.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An identity provider as far as a resource server sees one: RSA signing keys, its JWKS served
 * over HTTP on loopback (the {@code jwks_uri} of a real provider), and tokens it signs. Keys can be
 * rotated; the JWKS requests are counted.
 */
public final class TestIdentityProvider implements AutoCloseable {
    public static final String ISSUER = "https://idp.example.test/realms/ops";

    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile RSAKey key = newKey();

    public TestIdentityProvider() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = jwks().toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI jwksUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    /** The public keys, as served. */
    public JWKSet jwks() {
        return new JWKSet(key.toPublicJWK());
    }

    public int fetches() {
        return fetches.get();
    }

    /** Signs with a new key from now on and serves only that one. */
    public void rotate() {
        key = newKey();
    }

    /** A token for {@code subject} of the usual shape (issuer, audience "commandcenter", an hour), changed by {@code edit}. */
    public String token(String subject, List<String> groups, String project, UnaryOperator<JWTClaimsSet.Builder> edit) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject(subject)
                .audience("commandcenter").claim("preferred_username", subject).claim("groups", groups)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .jwtID(UUID.randomUUID().toString());
        if (project != null) {
            claims.claim("cc_project", project);
        }
        return sign(edit.apply(claims).build(), key);
    }

    public String token(String subject, List<String> groups, String project) {
        return token(subject, groups, project, UnaryOperator.identity());
    }

    /** Signs claims with a key of one's choosing (RS256). */
    public static String sign(JWTClaimsSet claims, RSAKey with) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(),
                    claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
