package io.kefu.gateway.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.kefu.gateway.config.KefuGatewayProperties;
import io.kefu.gateway.config.LiveGatewayProperties;
import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * The bucket a request draws from (RequestRateLimiter's default KeyResolver, being the only one):
 * the user ({@code sub}) when the token was verified, else the client address. X-Forwarded-For is
 * believed only as far as it was written by configured trusted proxies: walking it from the right,
 * the first address that is not a trusted proxy is the client. Anything else would let a client
 * pick a fresh bucket per request by sending its own header. Platform callbacks
 * ({@code kefu.gateway.rate-limit.platform-callbacks}, default {@code /callback/**}) get no key and so
 * no per-address limit: the service limits them per account once their signature checks out.
 */
@Component
public class ClientKeyResolver implements KeyResolver {

    private final LiveGatewayProperties properties;

    public ClientKeyResolver(LiveGatewayProperties properties) {
        this.properties = properties;
    }

    @Override
    public Mono<String> resolve(ServerWebExchange exchange) {
        KefuGatewayProperties.RateLimit limits = properties.get().rateLimit();
        if (isPlatformCallback(exchange.getRequest(), limits.platformCallbacks())) {
            // No key: RequestRateLimiter lets the request through (deny-empty-key is off on the routes).
            return Mono.empty();
        }
        return exchange.getPrincipal()
                .mapNotNull(p -> p instanceof JwtAuthenticationToken token ? token.getToken().getSubject() : null)
                .map(sub -> limits.keyPrefix() + ":user:" + sub)
                .switchIfEmpty(Mono.fromSupplier(() -> limits.keyPrefix() + ":ip:" + clientAddress(exchange.getRequest(), limits.trustedProxies())));
    }

    /** A path matching one of the patterns (hot: read from the properties on every request). */
    static boolean isPlatformCallback(ServerHttpRequest request, List<String> patterns) {
        PathContainer path = request.getPath().pathWithinApplication();
        for (String pattern : patterns) {
            if (!pattern.isBlank() && PATTERNS.computeIfAbsent(pattern.trim(), PathPatternParser.defaultInstance::parse).matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Map<String, PathPattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    static String clientAddress(ServerHttpRequest request, List<String> trustedProxies) {
        InetSocketAddress remote = request.getRemoteAddress();
        String peer = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
        if (!isTrusted(peer, trustedProxies)) {
            return peer;
        }
        List<String> forwarded = request.getHeaders().getValuesAsList("X-Forwarded-For");
        String client = peer;
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            String hop = forwarded.get(i).trim();
            if (hop.isEmpty()) {
                continue;
            }
            client = hop;
            if (!isTrusted(hop, trustedProxies)) {
                break;
            }
        }
        return client;
    }

    private static boolean isTrusted(String address, List<String> trustedProxies) {
        byte[] candidate = literal(address);
        if (candidate == null) {
            return false;
        }
        for (String proxy : trustedProxies) {
            String[] parts = proxy.trim().split("/", 2);
            byte[] network = literal(parts[0]);
            if (network == null || network.length != candidate.length) {
                continue;
            }
            int bits = network.length * 8;
            if (parts.length == 2) {
                try {
                    bits = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    continue;
                }
            }
            if (samePrefix(candidate, network, bits)) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The address bytes of an IP literal; null for anything else (never a DNS lookup). */
    private static byte[] literal(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
