package io.kefu.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints tokens the way auth-service does (contract: RS256, kid, iss kefu-auth, aud [kefu], sub, tid,
 * typ, roles with implied roles, jti), with an RSA key made for this test run and published by
 * WireMock as the JWKS. Variants sign with another key, use alg none or HS256, or bend a claim.
 */
final class TestTokens {

    static final String KID = "test-key-1";
    static final String TENANT = "7b0d7c1e-4d1f-4c49-9d2b-1a2b3c4d5e6f";

    private static final RSAKey KEY = generate(KID);
    private static final RSAKey OTHER_KEY = generate(KID);

    /** The roles a token of each kind carries, implied roles included as auth-service puts them. */
    enum Role {
        CUSTOMER("customer", List.of("customer")),
        AGENT("staff", List.of("agent")),
        SUPERVISOR("staff", List.of("supervisor", "agent")),
        ADMIN("admin", List.of("admin", "supervisor", "agent")),
        PROVIDER("provider", List.of("provider")),
        SUPERADMIN("superadmin", List.of("superadmin"));

        final String type;
        final List<String> roles;

        Role(String type, List<String> roles) {
            this.type = type;
            this.roles = roles;
        }
    }

    private TestTokens() {
    }

    static String jwksJson() {
        return new JWKSet(KEY.toPublicJWK()).toString();
    }

    static JWTClaimsSet.Builder claims(Role role) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("kefu-auth")
                .audience(List.of("kefu"))
                .subject(UUID.randomUUID().toString())
                .claim("typ", role.type)
                .claim("roles", role.roles)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(2))));
        if (role != Role.SUPERADMIN) {
            claims.claim("tid", TENANT);
        }
        return claims;
    }

    static String token(Role role) {
        return sign(claims(role).build());
    }

    static String token(Role role, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = claims(role);
        change.accept(claims);
        return sign(claims.build());
    }

    static String sign(JWTClaimsSet claims) {
        return sign(claims, KEY);
    }

    static String signedByAnotherKey(Role role) {
        return sign(claims(role).build(), OTHER_KEY);
    }

    /** Signed by a key whose kid the JWKS does not list: decoding it makes the gateway fetch the JWKS again. */
    static String signedWithAnUnknownKid(Role role) {
        return sign(claims(role).build(), generate("unknown-kid"));
    }

    static String unsigned(Role role) {
        return new PlainJWT(claims(role).build()).serialize();
    }

    /** HS256 with the public key's bytes as the secret: the classic algorithm-confusion forgery. */
    static String hmacSignedWithThePublicKey(Role role) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KID).build(), claims(role).build());
            byte[] secret = KEY.toPublicJWK().toRSAPublicKey().getEncoded();
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> claimsOf(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getClaims();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
