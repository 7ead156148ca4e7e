package io.kefu.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

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

/**
 * A stand-in issuer for services other than auth-service: an RSA key made for the test run, its
 * JWKS served on loopback, and tokens in the shape auth-service issues (issuer {@code kefu-auth},
 * audience {@code kefu}, {@code tid}, {@code typ}, {@code roles}). Services verify them through
 * their real resource-server configuration pointed at {@link #jwkSetUri()}.
 */
public final class TestTokens {

    private static RSAKey key;
    private static String jwkSetUri;

    private TestTokens() {
    }

    public static synchronized String jwkSetUri() {
        if (jwkSetUri == null) {
            try {
                key = new RSAKeyGenerator(2048).keyID("test-" + UUID.randomUUID()).generate();
                byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/.well-known/jwks.json", exchange -> {
                    exchange.getResponseHeaders().add("content-type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
                server.start();
                jwkSetUri = "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
            } catch (JOSEException | IOException e) {
                throw new IllegalStateException("cannot start the test token issuer", e);
            }
        }
        return jwkSetUri;
    }

    /** A token valid for ten minutes. */
    public static String token(String userId, String tenantId, String type, List<String> roles) {
        return token(userId, tenantId, type, roles, java.time.Duration.ofMinutes(10));
    }

    /** A token valid for {@code lifetime}. */
    public static String token(String userId, String tenantId, String type, List<String> roles, java.time.Duration lifetime) {
        Instant now = Instant.now();
        return token(userId, tenantId, type, roles, now, now.plus(lifetime));
    }

    /** A token issued and expiring when given: e.g. one that expired a moment ago but is still inside the accepted clock skew. */
    public static String token(String userId, String tenantId, String type, List<String> roles, Instant issuedAt, Instant expiresAt) {
        jwkSetUri();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("kefu-auth").audience("kefu").subject(userId).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(issuedAt)).expirationTime(Date.from(expiresAt))
                .claim("typ", type).claim("roles", roles);
        if (tenantId != null) {
            claims.claim("tid", tenantId);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
