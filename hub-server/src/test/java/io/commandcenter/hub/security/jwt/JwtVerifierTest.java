package io.commandcenter.hub.security.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.commandcenter.common.error.CommandCenterException;
import io.commandcenter.common.error.ErrorKind;
import io.commandcenter.hub.project.ProjectId;
import io.commandcenter.hub.security.Principal;
import io.commandcenter.hub.security.Role;
import io.commandcenter.hub.testing.TestIdentityProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.commandcenter.hub.testing.TestIdentityProvider.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Real RS256 tokens signed by a test identity provider whose JWKS is served over HTTP on
 * loopback: what is accepted becomes a principal with the token's role and project; every way a
 * token can be wrong is refused with its reason, and nothing that is not a JWT is taken for one.
 */
class JwtVerifierTest {
    final TestIdentityProvider idp = new TestIdentityProvider();
    final JwtVerifier verifier = new JwtVerifier(JwtSettings.of(ISSUER, idp.jwksUri(), "commandcenter"));

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        idp.close();
    }

    static CommandCenterException refused(Runnable call) {
        return catchThrowableOfType(CommandCenterException.class, call::run);
    }

    @Test
    void aTokenOfTheIssuer_becomesAPrincipal_withItsRoleAndProject() {
        Principal operator = verifier.verify(idp.token("ana", List.of("staff", "operator"), "shop")).orElseThrow();
        Principal admin = verifier.verify(idp.token("bo", List.of("viewer", "admin"), "*")).orElseThrow();

        assertThat(operator.name()).isEqualTo("ana");
        assertThat(operator.role()).isEqualTo(Role.OPERATOR);
        assertThat(operator.project()).isEqualTo(ProjectId.of("shop"));
        assertThat(operator.keyId()).isEqualTo("jwt:ana");
        assertThat(admin.role()).as("the strongest role its groups name").isEqualTo(Role.ADMIN);
        assertThat(admin.allProjects()).isTrue();
    }

    @Test
    void thePrincipalExpires_atTheTokensExp_plusTheClockSkew() {
        Instant exp = Instant.now().plusSeconds(300).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = idp.token("ana", List.of("viewer"), "shop", b -> b.expirationTime(Date.from(exp)));
        JwtVerifier noSkew = new JwtVerifier(new JwtSettings(ISSUER, java.util.Set.of("commandcenter"), idp.jwksUri(),
                java.util.Set.of(com.nimbusds.jose.JWSAlgorithm.RS256), java.time.Duration.ZERO,
                java.time.Duration.ofMinutes(5), "groups", "cc_project"));

        assertThat(verifier.verify(token).orElseThrow().expiresAt()).as("the default skew, 60 s")
                .isEqualTo(exp.plusSeconds(60));
        assertThat(noSkew.verify(token).orElseThrow().expiresAt()).isEqualTo(exp);
    }

    @Test
    void whatIsNotAJwt_isLeftToOtherVerifiers() {
        assertThat(verifier.verify("cck_0123456789abcdef_" + "a".repeat(43))).isEmpty();
        assertThat(verifier.verify("not-a-token")).isEmpty();
        assertThat(verifier.verify("a.b")).isEmpty();
    }

    @Test
    void eachWayATokenCanBeWrong_isRefused_withItsReason() throws Exception {
        Function<Function<JWTClaimsSet.Builder, JWTClaimsSet.Builder>, String> edited =
                edit -> idp.token("ana", List.of("admin"), "shop", edit::apply);
        String good = idp.token("ana", List.of("admin"), "shop");
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + Base64URL.encode(new String(Base64URL.from(parts[1]).decode(),
                StandardCharsets.UTF_8).replace("\"shop\"", "\"bank\"")) + "." + parts[2];
        JWTClaimsSet claims = JWTClaimsSet.parse(new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8));
        SignedJWT mac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        mac.sign(new MACSigner("a-secret-of-at-least-thirty-two-bytes!!".getBytes(StandardCharsets.UTF_8)));

        Map<String, String> invalid = new java.util.LinkedHashMap<>();
        invalid.put("another issuer", edited.apply(b -> b.issuer("https://evil.example")));
        invalid.put("another audience", edited.apply(b -> b.audience("someone-else")));
        invalid.put("not valid yet", edited.apply(b -> b.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))));
        invalid.put("no expiry", edited.apply(b -> b.expirationTime(null)));
        invalid.put("a key the issuer does not publish",
                TestIdentityProvider.sign(claims, TestIdentityProvider.newKey()));
        invalid.put("a changed payload", tampered);
        invalid.put("a MAC algorithm", mac.serialize());
        invalid.put("no signature", new PlainJWT(claims).serialize());
        for (var e : invalid.entrySet()) {
            CommandCenterException refused = refused(() -> verifier.verify(e.getValue()));
            assertThat(refused).as(e.getKey()).isNotNull();
            assertThat(refused.kind()).as(e.getKey()).isEqualTo(ErrorKind.UNAUTHENTICATED);
            assertThat(refused.reason()).as(e.getKey()).isEqualTo("TOKEN_INVALID");
        }
        CommandCenterException expired = refused(() -> verifier.verify(edited.apply(b -> b.expirationTime(
                Date.from(Instant.now().minusSeconds(600))))));
        assertThat(expired.reason()).isEqualTo("TOKEN_EXPIRED");
        assertThat(verifier.verify(good)).as("the untouched token still passes").isPresent();
    }

    @Test
    void aValidTokenThatGivesNoRoleOrNoProject_isPermissionDenied_neverGivenADefault() {
        CommandCenterException noRole = refused(() -> verifier.verify(idp.token("ana", List.of("staff"), "shop")));
        CommandCenterException noProject = refused(() -> verifier.verify(idp.token("ana", List.of("admin"), null)));
        CommandCenterException badProject = refused(() -> verifier.verify(idp.token("ana", List.of("admin"),
                "../etc")));

        assertThat(noRole.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(noRole.reason()).isEqualTo("NO_ROLE");
        assertThat(noProject.reason()).isEqualTo("NO_PROJECT");
        assertThat(badProject.reason()).isEqualTo("NO_PROJECT");
        assertThat(badProject.getMessage()).doesNotContain("../etc");
    }

    @Test
    void afterTheProviderRotatesItsKey_newTokensPass_oldOnesFail() {
        String before = idp.token("ana", List.of("viewer"), "shop");
        assertThat(verifier.verify(before)).isPresent();
        int fetched = idp.fetches();

        idp.rotate();
        String after = idp.token("ana", List.of("viewer"), "shop");

        assertThat(verifier.verify(after)).as("an unknown key id makes the verifier fetch the keys again").isPresent();
        assertThat(idp.fetches()).isGreaterThan(fetched);
        assertThat(refused(() -> verifier.verify(before)).reason()).isEqualTo("TOKEN_INVALID");
    }

    @Test
    void whenTheProvidersKeysCannotBeRead_theCallIsUnavailable_notUnauthenticated() {
        String token = idp.token("ana", List.of("viewer"), "shop");
        idp.close();

        CommandCenterException refused = refused(() -> verifier.verify(token));

        assertThat(refused.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(refused.reason()).isEqualTo("IDENTITY_PROVIDER_UNAVAILABLE");
    }

    @Test
    void keysMayComeFromAFile() throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, idp.jwks().toString());
        JwtVerifier fromFile = new JwtVerifier(JwtSettings.from(Map.of("mp.jwt.verify.publickey.location",
                file.toString(), "mp.jwt.verify.issuer", ISSUER)::get).orElseThrow());

        Optional<Principal> p = fromFile.verify(idp.token("ana", List.of("agent"), "shop"));

        assertThat(p).get().extracting(Principal::role).isEqualTo(Role.AGENT);
    }

    @Test
    void settings_refuseWhatWouldWeakenTheCheck() throws JOSEException {
        Function<Map<String, String>, String> error = m -> catchThrowableOfType(IllegalArgumentException.class,
                () -> JwtSettings.from(m::get)).getMessage();

        assertThat(JwtSettings.from(Map.<String, String>of()::get)).as("off unless keys are named").isEmpty();
        assertThat(error.apply(Map.of("mp.jwt.verify.publickey.location", "http://127.0.0.1:1/jwks")))
                .contains("mp.jwt.verify.issuer");
        assertThat(error.apply(Map.of("mp.jwt.verify.publickey.location", "http://127.0.0.1:1/jwks",
                "mp.jwt.verify.issuer", ISSUER, "mp.jwt.verify.publickey.algorithm", "HS256"))).contains("HS256");
        assertThat(error.apply(Map.of("mp.jwt.verify.publickey.location", "http://127.0.0.1:1/jwks",
                "mp.jwt.verify.issuer", ISSUER, "mp.jwt.verify.publickey.algorithm", "none"))).contains("none");
        JwtSettings s = JwtSettings.from(Map.of("mp.jwt.verify.publickey.location", "https://idp/jwks",
                "mp.jwt.verify.issuer", ISSUER, "mp.jwt.verify.audiences", "cc, ops",
                "mp.jwt.verify.clock.skew", "5")::get).orElseThrow();
        assertThat(s.audiences()).containsExactlyInAnyOrder("cc", "ops");
        assertThat(s.clockSkew()).hasSeconds(5);
    }
}
