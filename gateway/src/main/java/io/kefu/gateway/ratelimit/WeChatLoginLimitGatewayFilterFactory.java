package io.kefu.gateway.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.kefu.gateway.config.KefuGatewayProperties;
import io.kefu.gateway.config.LiveGatewayProperties;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The limits of the WeChat-code logins ({@code /api/auth/wechat}, {@code /api/staff/login}). Thousands
 * of mini-program users can share one carrier (CGNAT) address, so a per-address bucket of a few logins
 * a minute refuses real people. Instead:
 * <ol>
 * <li>a generous bucket per client address ({@code rate-limit.wechat-ip}), only a flood guard;</li>
 * <li>a bucket per user, as the request names them: the mini-program's {@code appId} and the one-time
 * {@code code} wx.login gave ({@code rate-limit.wechat-code}); a body without them draws from a bucket of
 * the address with the same numbers (auth-service answers 400 to it anyway).</li>
 * </ol>
 * Once auth-service has exchanged the code it limits again per {@code appId} + openid (a script replaying
 * one WeChat account's logins). Both buckets are Spring Cloud Gateway's {@link RedisRateLimiter} (the same
 * Redis token buckets as the other routes), under their own names; numbers are hot (read per request).
 */
@Component
public class WeChatLoginLimitGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    /** Bucket names (RedisRateLimiter's "route id" part of the Redis keys). */
    static final String ADDRESS_BUCKET = "wechat-login-ip";
    static final String USER_BUCKET = "wechat-login-user";
    /** A code login is well under 1 KB (code, appId, the profile fields); more is not a login. */
    static final int MAX_BODY = 16 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RedisRateLimiter limiter;
    private final LiveGatewayProperties properties;

    public WeChatLoginLimitGatewayFilterFactory(RedisRateLimiter limiter, LiveGatewayProperties properties) {
        super(Object.class);
        this.limiter = limiter;
        this.properties = properties;
    }

    @Override
    public GatewayFilter apply(Object config) {
        return (exchange, chain) -> DataBufferUtils.join(exchange.getRequest().getBody(), MAX_BODY)
                .map(WeChatLoginLimitGatewayFilterFactory::bytes)
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> limit(exchange, chain, body))
                .onErrorResume(DataBufferLimitException.class, tooLarge -> {
                    exchange.getResponse().setStatusCode(HttpStatus.CONTENT_TOO_LARGE);
                    return exchange.getResponse().setComplete(); // ProblemResponseFilter writes the 413 problem
                });
    }

    private Mono<Void> limit(ServerWebExchange exchange, GatewayFilterChain chain, byte[] body) {
        KefuGatewayProperties.RateLimit limits = properties.get().rateLimit();
        String address = ClientKeyResolver.clientAddress(exchange.getRequest(), limits.trustedProxies());
        return allowed(exchange, ADDRESS_BUCKET, limits.wechatIp(), limits.keyPrefix() + ":ip:" + address)
                .flatMap(ok -> ok ? allowed(exchange, USER_BUCKET, limits.wechatCode(), limits.keyPrefix() + ":" + userKey(body, address))
                        : Mono.just(false))
                .flatMap(ok -> {
                    if (!ok) {
                        exchange.getResponse().setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
                        return exchange.getResponse().setComplete(); // ProblemResponseFilter: 429 problem with Retry-After
                    }
                    return chain.filter(exchange.mutate().request(replay(exchange.getRequest(), body)).build());
                });
    }

    private Mono<Boolean> allowed(ServerWebExchange exchange, String bucket, KefuGatewayProperties.Limit limit, String key) {
        limiter.getConfig().put(bucket, new RedisRateLimiter.Config().setReplenishRate(limit.replenishRate())
                .setBurstCapacity(limit.burstCapacity()).setRequestedTokens(limit.requestedTokens()));
        return limiter.isAllowed(bucket, key).map(response -> {
            response.getHeaders().forEach((name, value) -> exchange.getResponse().getHeaders().set(name, value));
            return response.isAllowed();
        });
    }

    /**
     * {@code wechat:<appId>:<hash of the code>} — the code is a credential for five minutes, so only its
     * hash reaches Redis; {@code wechat-ip:<address>} when the body names no app and code.
     */
    static String userKey(byte[] body, String address) {
        try {
            JsonNode json = JSON.readTree(body);
            String appId = json.path("appId").asString("");
            String code = json.path("code").asString("");
            if (json.path("appId").isString() && json.path("code").isString() && appId.matches("[A-Za-z0-9_-]{1,64}")
                    && !code.isBlank() && code.length() <= 128) {
                return "wechat:" + appId + ":" + sha256(code).substring(0, 32);
            }
        } catch (RuntimeException malformed) {
            // not JSON: keyed by address below
        }
        return "wechat-ip:" + address;
    }

    /** The request with its body readable again (it was read here to find the user). */
    private static ServerHttpRequest replay(ServerHttpRequest request, byte[] body) {
        return new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(exchangeBuffer(body)));
            }
        };
    }

    private static DataBuffer exchangeBuffer(byte[] body) {
        return org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(body);
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
