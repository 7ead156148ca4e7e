package io.kefu.common.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a Kefu service checks callers: auth-service's JWKS, the expected issuer and audience of
 * its tokens, and the shared token that internal callers present on {@code /internal/**}.
 *
 * @param jwkSetUri       where auth-service publishes its public keys. At start.
 * @param issuer          the {@code iss} every token must carry. At start.
 * @param audience        a value the {@code aud} claim must contain. At start.
 * @param internalToken   the value of header {@code X-Kefu-Internal-Token} on {@code /internal/**}
 * @param checkRevoked    look up {@code kefu:auth:revoked-jti:<jti>} in Redis for each token (logout). At start.
 */
@ConfigurationProperties("kefu.security")
public record SecurityProperties(
        @DefaultValue("http://127.0.0.1:8081/.well-known/jwks.json") String jwkSetUri,
        @DefaultValue("kefu-auth") String issuer,
        @DefaultValue("kefu") String audience,
        @DefaultValue("kefu-local-internal-token") String internalToken,
        @DefaultValue("true") boolean checkRevoked) {

    public SecurityProperties {
        if (internalToken == null || internalToken.isBlank()) {
            throw new IllegalArgumentException("kefu.security.internal-token must not be blank");
        }
    }
}
