package io.kefu.gateway.security;

import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Adds the logout denylist to a verified token: auth-service writes {@code kefu:auth:revoked-jti:<jti>}
 * with the token's remaining lifetime as TTL. Done here rather than in a validator because validators
 * are blocking and this is a Redis round trip on the event loop.
 *
 * <p>If Redis does not answer in time the token is let through (logged): every service checks the
 * denylist again when it validates the forwarded token, and a Redis hiccup must not log everyone out.
 */
final class RevocationCheckingDecoder implements ReactiveJwtDecoder {

    static final String REVOKED_JTI_PREFIX = "kefu:auth:revoked-jti:";

    private static final Log log = LogFactory.getLog(RevocationCheckingDecoder.class);

    private final ReactiveJwtDecoder delegate;
    private final ReactiveStringRedisTemplate redis;
    private final Duration timeout;

    RevocationCheckingDecoder(ReactiveJwtDecoder delegate, ReactiveStringRedisTemplate redis, Duration timeout) {
        this.delegate = delegate;
        this.redis = redis;
        this.timeout = timeout;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        return delegate.decode(token).flatMap(jwt -> {
            String jti = jwt.getId();
            if (jti == null) {
                return Mono.just(jwt);
            }
            return redis.hasKey(REVOKED_JTI_PREFIX + jti)
                    .timeout(timeout)
                    .onErrorResume(e -> {
                        log.warn("Revoked-token lookup failed; letting the token through (services check again): " + e);
                        return Mono.just(false);
                    })
                    .flatMap(revoked -> Boolean.TRUE.equals(revoked)
                            ? Mono.error(new JwtValidationException("The token was revoked",
                                    List.of(new OAuth2Error(TokenValidators.TOKEN_REVOKED, "The token was revoked", null))))
                            : Mono.just(jwt));
        });
    }
}
