package io.kefu.common.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * The checks every Kefu token passes after its RS256 signature: issuer, audience, expiry (with its
 * own error code so clients can tell "log in again" from "refresh"), not-before, and the logout
 * denylist in Redis. Shared by the JWKS-based decoder and auth-service's local one.
 */
public final class KefuJwtValidators {

    /** OAuth2 error codes the entry point turns into problem codes. */
    public static final String TOKEN_EXPIRED = "token_expired";
    public static final String TOKEN_REVOKED = "token_revoked";
    public static final String REVOKED_JTI_PREFIX = "kefu:auth:revoked-jti:";

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private KefuJwtValidators() {
    }

    public static OAuth2TokenValidator<Jwt> of(SecurityProperties properties, @Nullable RedissonClient redisson, Clock clock) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(expiry(clock));
        JwtTimestampValidator timestamps = new JwtTimestampValidator(CLOCK_SKEW);
        timestamps.setClock(clock);
        validators.add(timestamps);
        validators.add(new JwtIssuerValidator(properties.issuer()));
        validators.add(new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(properties.audience())));
        validators.add(new JwtClaimValidator<Object>("sub", sub -> sub != null));
        if (properties.checkRevoked() && redisson != null) {
            validators.add(revoked(redisson));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    private static OAuth2TokenValidator<Jwt> expiry(Clock clock) {
        return jwt -> {
            Instant exp = jwt.getExpiresAt();
            if (exp == null) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "The token has no expiry", null));
            }
            if (Instant.now(clock).minus(CLOCK_SKEW).isAfter(exp)) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(TOKEN_EXPIRED, "The token expired at " + exp, null));
            }
            return OAuth2TokenValidatorResult.success();
        };
    }

    /**
     * Which of these token ids ({@code jti}) are on the logout denylist: one {@code MGET} for all of them, for
     * a caller that checks many tokens at once (chat's idle sessions) rather than a round trip per token.
     * The caller keeps the batch small enough for one command (a few hundred ids).
     */
    public static Set<String> revokedIds(RedissonClient redisson, Collection<String> jtis) {
        if (jtis.isEmpty()) {
            return Set.of();
        }
        String[] keys = jtis.stream().map(jti -> REVOKED_JTI_PREFIX + jti).distinct().toArray(String[]::new);
        return redisson.getBuckets(StringCodec.INSTANCE).<String>get(keys).keySet().stream()
                .map(key -> key.substring(REVOKED_JTI_PREFIX.length())).collect(Collectors.toUnmodifiableSet());
    }

    private static OAuth2TokenValidator<Jwt> revoked(RedissonClient redisson) {
        return jwt -> {
            String jti = jwt.getId();
            if (jti != null && redisson.getBucket(REVOKED_JTI_PREFIX + jti, StringCodec.INSTANCE).isExists()) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error(TOKEN_REVOKED, "The token was revoked", null));
            }
            return OAuth2TokenValidatorResult.success();
        };
    }
}
