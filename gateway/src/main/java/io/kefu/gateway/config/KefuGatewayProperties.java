package io.kefu.gateway.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code kefu.gateway}. Bound again on every refresh by {@link LiveGatewayProperties},
 * so CORS origins and trusted proxies change without a restart; the rate-limit numbers reach
 * Spring Cloud Gateway's RedisRateLimiter through the route filter arguments in application.yml.
 */
public record KefuGatewayProperties(
        @DefaultValue Security security,
        @DefaultValue Cors cors,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue RequestSize requestSize) {

    /** The token checks of the identity contract. */
    public record Security(
            @DefaultValue("http://127.0.0.1:8081/.well-known/jwks.json") String jwkSetUri,
            @DefaultValue("kefu-auth") String issuer,
            @DefaultValue("kefu") String audience,
            @DefaultValue("30s") Duration clockSkew,
            @DefaultValue("500ms") Duration revocationLookupTimeout) {
    }

    /** Web origins (dashboard, admin console) allowed to call the API from a browser. */
    public record Cors(
            @DefaultValue("http://localhost:3000") List<String> allowedOrigins,
            @DefaultValue("1h") Duration maxAge) {
    }

    /**
     * keyPrefix isolates one deployment's (or one test run's) buckets; trustedProxies are the
     * addresses (IP or CIDR) whose X-Forwarded-For is believed when keying anonymous clients;
     * platformCallbacks are path patterns of platform callbacks (WeChat/WeCom, SMS receipts, push
     * providers) that draw from no per-user/IP bucket at all: they come from the platform's few
     * server addresses and are limited per account by the service after their signature check.
     */
    public record RateLimit(
            @DefaultValue("kefu") String keyPrefix,
            @DefaultValue List<String> trustedProxies,
            @DefaultValue("/callback/**") List<String> platformCallbacks,
            Limit api,
            Limit login,
            Limit wechatCode,
            Limit wechatIp) {
    }

    /** Defaults in application.yml. Token bucket: replenishRate tokens a second, burstCapacity at most, requestedTokens a request. */
    public record Limit(int replenishRate, long burstCapacity, int requestedTokens) {
    }

    public record RequestSize(
            @DefaultValue("2MB") DataSize maxBody,
            @DefaultValue("50MB") DataSize maxUploadBody) {
    }
}
