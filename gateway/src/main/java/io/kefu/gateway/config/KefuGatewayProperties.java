package io.kefu.gateway.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code kefu.gateway}. Bound again on every refresh by {@link LiveGatewayProperties},
 * so CORS origins and trusted proxies change without a restart; the rate-limit numbers reach
 * Spring Cloud Gateway's RedisRateLimiter through the route filter arguments in application.yml.
 * The annotation is for the configuration processor's metadata (IDE completion, the Nacos file); the
 * binding itself is {@link LiveGatewayProperties}'.
 */
@ConfigurationProperties(LiveGatewayProperties.PREFIX)
public record KefuGatewayProperties(
        @DefaultValue Security security,
        @DefaultValue Cors cors,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue RequestSize requestSize) {

    /**
     * The token checks of the identity contract; the decoder is built once, so these apply at start.
     *
     * @param jwkSetUri               auth-service's public keys. At start.
     * @param issuer                  the tokens' {@code iss}. At start.
     * @param audience                the tokens' {@code aud}. At start.
     * @param clockSkew               leeway on {@code exp}/{@code nbf}. At start.
     * @param revocationLookupTimeout how long the Redis revocation look-up may take before the request is refused. At start.
     */
    public record Security(
            @DefaultValue("http://127.0.0.1:8081/.well-known/jwks.json") String jwkSetUri,
            @DefaultValue("kefu-auth") String issuer,
            @DefaultValue("kefu") String audience,
            @DefaultValue("30s") Duration clockSkew,
            @DefaultValue("500ms") Duration revocationLookupTimeout) {
    }

    /**
     * Web origins (dashboard, admin console) allowed to call the API from a browser.
     *
     * @param allowedOrigins origins allowed to call the API from a browser; re-read on refresh
     * @param maxAge         how long a browser may cache a preflight answer
     */
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
     *
     * @param keyPrefix         prefix of the buckets' Redis keys (one deployment's, or one test run's)
     * @param trustedProxies    IPs or CIDRs of load balancers whose X-Forwarded-For is believed
     * @param platformCallbacks path patterns never limited per address (platform callbacks)
     * @param api               every API route, per user (or per address when anonymous)
     * @param login             password login and refresh, per address
     * @param wechatCode        WeChat-code logins, per appId + code
     * @param wechatIp          WeChat-code logins, per address: only a flood guard (carriers share addresses)
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

    /**
     * A token bucket (Spring Cloud Gateway's RedisRateLimiter); defaults in application.yml.
     *
     * @param replenishRate   tokens added a second
     * @param burstCapacity   tokens the bucket holds at most
     * @param requestedTokens tokens one request takes
     */
    public record Limit(int replenishRate, long burstCapacity, int requestedTokens) {
    }

    /**
     * @param maxBody       largest request body of an API route (413 beyond)
     * @param maxUploadBody largest body of the upload route
     */
    public record RequestSize(
            @DefaultValue("2MB") DataSize maxBody,
            @DefaultValue("50MB") DataSize maxUploadBody) {
    }
}
