package io.kefu.gateway.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.kefu.gateway.config.KefuGatewayProperties;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * The claim checks after the RS256 signature: expiry (its own error code, so the client knows to
 * refresh rather than log in again), not-before, issuer, audience, subject. The same rules as
 * kefu-common's validators, which the gateway cannot use (servlet stack).
 */
final class TokenValidators {

    /** OAuth2 error codes the entry point turns into problem codes. */
    static final String TOKEN_EXPIRED = "token_expired";
    static final String TOKEN_REVOKED = "token_revoked";

    private TokenValidators() {
    }

    static OAuth2TokenValidator<Jwt> of(KefuGatewayProperties.Security security, Clock clock) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(security.clockSkew());
        timestamps.setClock(clock);
        return new DelegatingOAuth2TokenValidator<>(List.of(
                expiry(security, clock),
                timestamps,
                new JwtIssuerValidator(security.issuer()),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(security.audience())),
                new JwtClaimValidator<Object>("sub", sub -> sub != null)));
    }

    private static OAuth2TokenValidator<Jwt> expiry(KefuGatewayProperties.Security security, Clock clock) {
        return jwt -> {
            Instant exp = jwt.getExpiresAt();
            if (exp == null) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "The token has no expiry", null));
            }
            if (Instant.now(clock).minus(security.clockSkew()).isAfter(exp)) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(TOKEN_EXPIRED, "The token expired at " + exp, null));
            }
            return OAuth2TokenValidatorResult.success();
        };
    }
}
