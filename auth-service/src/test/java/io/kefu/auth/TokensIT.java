package io.kefu.auth;

import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kefu.auth.token.SigningKeys;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class TokensIT extends AuthItSupport {

    @Autowired
    RedissonClient redisson;

    @Autowired
    SigningKeys keys;

    static Map<String, Object> claims(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().toJSONObject();
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    private Response customerLogin() {
        Map<String, String> t = newTenant();
        String openid = unique("o");
        String code = unique("code");
        stubSession(t.get("appId"), t.get("secret"), code, openid, null);
        Response login = call("POST", "/api/auth/wechat", Map.of("code", code, "appId", t.get("appId")), null);
        assertThat(login.status()).as(login.body().toString()).isEqualTo(200);
        return login;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAccessTokenCarriesTheContractsClaimsAndVerifiesAgainstTheJwks() throws Exception {
        Response login = customerLogin();
        String token = login.body().path("accessToken").asString();
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);

        Response jwks = call("GET", "/.well-known/jwks.json", null, null);
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.raw().body()).doesNotContain("\"d\"").doesNotContain("\"p\"");
        RSAKey key = JWKSet.parse(jwks.raw().body()).getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();

        JWTClaimsSet c = jwt.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("kefu-auth");
        assertThat(c.getAudience()).containsExactly("kefu");
        assertThat(c.getSubject()).isEqualTo(login.body().path("user").path("id").asString());
        assertThat(c.getStringClaim("tid")).isEqualTo(login.body().path("user").path("tenantId").asString());
        assertThat(c.getStringClaim("typ")).isEqualTo("customer");
        assertThat(c.getStringListClaim("roles")).containsExactly("customer");
        assertThat(UUID.fromString(c.getJWTID())).isNotNull();
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(7_200_000L);

        Map<String, Object> superClaims = claims(superadminToken());
        assertThat(superClaims).doesNotContainKey("tid");
        assertThat((List<Object>) superClaims.get("roles")).containsExactly("superadmin");
    }

    @Test
    void refreshRotatesTheTokenAndReusingAnOldOneRevokesTheWholeFamily() {
        Response login = customerLogin();
        String first = login.body().path("refreshToken").asString();

        Response second = call("POST", "/api/auth/refresh", Map.of("refreshToken", first), null);
        assertThat(second.status()).as(second.body().toString()).isEqualTo(200);
        String next = second.body().path("refreshToken").asString();
        assertThat(next).isNotEqualTo(first);
        assertThat(second.body().path("newToken").asString()).isEqualTo(second.body().path("accessToken").asString());
        assertThat(claims(second.body().path("accessToken").asString()).get("sub")).isEqualTo(login.body().path("user").path("id").asString());

        Response reused = call("POST", "/api/auth/refresh", Map.of("refreshToken", first), null);
        assertThat(reused.status()).isEqualTo(401);
        assertThat(reused.code()).isEqualTo("refresh-token-reused");
        // the thief's reuse also killed the legitimate newer token of the same sign-in
        Response afterReuse = call("POST", "/api/auth/refresh", Map.of("refreshToken", next), null);
        assertThat(afterReuse.status()).isEqualTo(401);
        assertThat(afterReuse.code()).isEqualTo("refresh-token-reused");
        assertThat(jdbc.queryForObject("select count(*) from refresh_token where token_hash = ?", Integer.class, first)).isZero();

        Response unknown = call("POST", "/api/auth/refresh", Map.of("refreshToken", "not-a-token"), null);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.code()).isEqualTo("refresh-token-invalid");
    }

    @Test
    void logoutRevokesTheRefreshTokenAndDenylistsTheAccessToken() {
        Response login = customerLogin();
        String access = login.body().path("accessToken").asString();
        String refresh = login.body().path("refreshToken").asString();

        Response logout = call("POST", "/api/auth/logout", Map.of("refreshToken", refresh), access);
        assertThat(logout.status()).as(logout.body().toString()).isEqualTo(204);

        assertThat(call("POST", "/api/auth/refresh", Map.of("refreshToken", refresh), null).status()).isEqualTo(401);
        String key = "kefu:auth:revoked-jti:" + claims(access).get("jti");
        assertThat(redisson.getBucket(key, StringCodec.INSTANCE).get()).isEqualTo("1");
        long ttl = redisson.getBucket(key, StringCodec.INSTANCE).remainTimeToLive();
        assertThat(ttl).isBetween(7_000_000L, 7_200_000L);

        Response revoked = call("GET", "/api/user/profile", null, access);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.code()).isEqualTo("token-revoked");
        assertThat(call("POST", "/api/auth/logout", Map.of(), null).status()).isEqualTo(401);
    }

    @Test
    void rotationSignsNewTokensWithTheNewKeyWhileOldTokensStayValid() throws Exception {
        Response before = customerLogin();
        String oldToken = before.body().path("accessToken").asString();
        String oldKid = SignedJWT.parse(oldToken).getHeader().getKeyID();

        Response rotated = call("POST", "/api/admin/keys/rotate", null, superadminToken());
        assertThat(rotated.status()).as(rotated.body().toString()).isEqualTo(200);
        String newKid = rotated.body().path("kid").asString();
        assertThat(newKid).isNotEqualTo(oldKid);

        String newToken = customerLogin().body().path("accessToken").asString();
        assertThat(SignedJWT.parse(newToken).getHeader().getKeyID()).isEqualTo(newKid);
        assertThat(call("GET", "/api/user/profile", null, oldToken).status()).isEqualTo(200);
        assertThat(call("GET", "/api/user/profile", null, newToken).status()).isEqualTo(200);
        JWKSet published = JWKSet.parse(call("GET", "/.well-known/jwks.json", null, null).raw().body());
        assertThat(published.getKeyByKeyId(oldKid)).isNotNull();
        assertThat(published.getKeyByKeyId(newKid)).isNotNull();
        assertThat(jdbc.queryForObject("select retire_after from signing_key where kid = ?", java.sql.Timestamp.class, oldKid).toInstant())
                .isAfter(Instant.now().plusSeconds(7000));
        // the job does not rotate a fresh key again
        assertThat(keys.rotateIfDue()).isFalse();
        // and only a superadmin may rotate
        assertThat(call("POST", "/api/admin/keys/rotate", null, newToken).status()).isEqualTo(403);
    }

    @Test
    void theResourceServerRejectsTamperedUnsignedExpiredAndForeignTokens() throws Exception {
        String token = customerLogin().body().path("accessToken").asString();
        String[] parts = token.split("\\.");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();

        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"customer\"]", "\"superadmin\"]");
        assertProblem401(parts[0] + "." + b64.encodeToString(payload.getBytes()) + "." + parts[2], "unauthorized");

        String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "." + parts[1] + ".";
        assertProblem401(none, "unauthorized");

        RSAKey signer = keys.signer();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet());
        assertProblem401(sign(signer, claims.issueTime(Date.from(Instant.now().minusSeconds(8000)))
                .expirationTime(Date.from(Instant.now().minusSeconds(600))).build()), "token-expired");
        assertProblem401(sign(signer, new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet()).issuer("someone-else").build()),
                "unauthorized");
        RSAKey stranger = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID(signer.getKeyID()).generate();
        assertProblem401(sign(stranger, SignedJWT.parse(token).getJWTClaimsSet()), "unauthorized");

        assertThat(call("GET", "/api/user/profile", null, token).status()).isEqualTo(200);
        Response anonymous = call("GET", "/api/user/profile", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("unauthorized");
        // a customer is not an admin
        Response forbidden = call("GET", "/api/admin/staff", null, token);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.code()).isEqualTo("forbidden");
        // a stale token on a public endpoint is ignored, not refused
        assertThat(call("GET", "/.well-known/jwks.json", null, "garbage").status()).isEqualTo(200);
    }

    private static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private void assertProblem401(String token, String code) {
        Response response = call("GET", "/api/user/profile", null, token);
        assertThat(response.status()).as(token).isEqualTo(401);
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.body().path("type").asString()).isEqualTo("https://kefu.io/problems/" + code);
        assertThat(response.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
    }
}
