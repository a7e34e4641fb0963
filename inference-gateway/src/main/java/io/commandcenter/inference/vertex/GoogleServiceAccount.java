package io.commandcenter.inference.vertex;

import io.commandcenter.common.json.Json;
import io.commandcenter.common.json.JsonException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Access tokens for a Google service account, as Google's OAuth 2.0 for server-to-server applications
 * describes: a JWT signed RS256 with the key file's {@code private_key} ({@code iss} = {@code client_email},
 * {@code scope} cloud-platform, {@code aud} = {@code token_uri}, one hour), exchanged at {@code token_uri}
 * ({@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}) for an {@code access_token}, kept
 * until a minute before it expires. The key never leaves this object. Thread-safe.
 */
final class GoogleServiceAccount {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    private final String email;
    private final PrivateKey key;
    private final URI tokenUri;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private String token;
    private Instant expires = Instant.MIN;
    /** The token exchange under way, shared by every caller that needs a token meanwhile. */
    private CompletableFuture<String> inFlight;

    private GoogleServiceAccount(String email, PrivateKey key, URI tokenUri, HttpClient http, Clock clock, Duration timeout) {
        this.email = email;
        this.key = key;
        this.tokenUri = tokenUri;
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Reads a service-account key file ({@code type: service_account}). */
    static GoogleServiceAccount read(Path file, HttpClient http, Clock clock, Duration timeout) {
        try {
            Map<String, Object> json = Json.parseObject(Files.readString(file));
            String pem = Json.string(json, "private_key").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getDecoder().decode(pem)));
            String tokenUri = String.valueOf(Json.optional(json, "token_uri", "https://oauth2.googleapis.com/token"));
            return new GoogleServiceAccount(Json.string(json, "client_email"), key, URI.create(tokenUri), http, clock,
                    timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service-account key " + file, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the service-account key " + file + " holds no usable private_key", e);
        }
    }

    /**
     * A valid access token, fetched again a minute before the last one expires. Callers that need a new
     * token at the same time share one fetch, each waiting at most {@code wait} for it; the fetch itself
     * is given up after the timeout (headers and body), so a stalled token endpoint holds no caller longer
     * than its own wait.
     *
     * @throws IOException          the token endpoint cannot be reached, does not answer within the wait or the
     *                              timeout, answers other than 200, or without {@code access_token} and
     *                              {@code expires_in} ({@link HttpTimeoutException} when time ran out)
     * @throws InterruptedException the caller was interrupted while waiting (the shared fetch goes on)
     */
    String token(Duration wait) throws IOException, InterruptedException {
        CompletableFuture<String> fetch;
        synchronized (this) {
            if (token != null && clock.instant().isBefore(expires.minusSeconds(60))) {
                return token;
            }
            if (inFlight == null || inFlight.isDone()) { // done: it failed at once, before it could be forgotten
                inFlight = fetch();
            }
            fetch = inFlight;
        }
        if (wait.isZero() || wait.isNegative()) {
            throw new HttpTimeoutException("no time left to wait for a token from " + tokenUri);
        }
        try {
            return fetch.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HttpTimeoutException("no token from " + tokenUri + " within " + wait);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause instanceof TimeoutException ? "no complete answer from " + tokenUri + " within "
                    + timeout : cause.getMessage();
            throw cause instanceof TimeoutException ? new HttpTimeoutException(message) : new IOException(message, cause);
        }
    }

    /**
     * Forgets {@code rejected} if it is the token kept (the endpoint answered 401 to it: revoked, or the key's
     * permissions changed), so the next caller fetches a new one instead of using it until it expires.
     */
    synchronized void forget(String rejected) {
        if (rejected.equals(token)) {
            token = null;
        }
    }

    /** Starts one token exchange; it ends (and is forgotten) at its answer, its failure or the timeout. */
    private CompletableFuture<String> fetch() {
        Instant now = clock.instant();
        String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + URLEncoder.encode(assertion(now), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(tokenUri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        CompletableFuture<String> fetch = exchange.thenApply(response -> kept(now, response))
                .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
        fetch.whenComplete((t, failure) -> {
            if (failure != null) {
                exchange.cancel(true); // a stalled body is cut here, not left open
            }
            synchronized (this) {
                if (inFlight == fetch) {
                    inFlight = null;
                }
            }
        });
        return fetch;
    }

    /** The token of a token endpoint's answer, kept until it nearly expires. */
    private String kept(Instant asked, HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new CompletionException(new IOException("the token endpoint answered HTTP " + response.statusCode()));
        }
        try {
            Map<String, Object> json = Json.parseObject(response.body());
            String fresh = Json.string(json, "access_token");
            Instant until = asked.plusSeconds(Json.number(json, "expires_in").longValue());
            synchronized (this) {
                token = fresh;
                expires = until;
            }
            return fresh;
        } catch (JsonException e) {
            throw new CompletionException(new IOException("the token endpoint answered 200 without a usable token: "
                    + e.getMessage(), e));
        }
    }

    String assertion(Instant now) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", email);
        claims.put("scope", SCOPE);
        claims.put("aud", tokenUri.toString());
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.getEpochSecond() + 3600);
        String signed = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + b64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the service-account key", e);
        }
    }
}
