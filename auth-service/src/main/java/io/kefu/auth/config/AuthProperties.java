package io.kefu.auth.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * auth-service's live tunables (change on refresh or from Nacos, no restart).
 *
 * @param accessTokenTtl      lifetime of an access token (contract: 2 h)
 * @param refreshTokenTtl     lifetime of a refresh token; each use gives a new one
 * @param maxFailedAttempts   wrong passwords in a row that lock an account
 * @param lockDuration        how long a locked account stays locked
 * @param keyRotationInterval age after which the rotation job replaces the signing key
 * @param wechatLoginsPerMinute WeChat-code sign-ins one user (mini-program appId + openid) may make a minute; 0 = no limit
 */
@ConfigurationProperties("kefu.auth")
public record AuthProperties(
        @DefaultValue("2h") Duration accessTokenTtl,
        @DefaultValue("30d") Duration refreshTokenTtl,
        @DefaultValue("5") int maxFailedAttempts,
        @DefaultValue("15m") Duration lockDuration,
        @DefaultValue("30d") Duration keyRotationInterval,
        @DefaultValue("10") int wechatLoginsPerMinute) {

    public AuthProperties {
        if (accessTokenTtl.isNegative() || accessTokenTtl.isZero() || refreshTokenTtl.isNegative() || refreshTokenTtl.isZero()) {
            throw new IllegalArgumentException("token lifetimes must be positive");
        }
        if (maxFailedAttempts < 1) {
            throw new IllegalArgumentException("kefu.auth.max-failed-attempts must be at least 1");
        }
        if (lockDuration.isNegative() || keyRotationInterval.isNegative() || keyRotationInterval.isZero()) {
            throw new IllegalArgumentException("kefu.auth.lock-duration and key-rotation-interval must be positive");
        }
        if (wechatLoginsPerMinute < 0) {
            throw new IllegalArgumentException("kefu.auth.wechat-logins-per-minute must not be negative");
        }
    }
}
