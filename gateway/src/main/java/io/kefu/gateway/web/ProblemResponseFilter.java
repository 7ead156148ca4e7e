package io.kefu.gateway.web;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway's RequestRateLimiter and RequestSize filters refuse a request by setting 429
 * or 413 and completing an empty response. This decorates the response so that such a bare
 * completion becomes the contract's problem body instead, with {@code Retry-After} for 429.
 */
@Component
public class ProblemResponseFilter implements GlobalFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        ServerHttpResponse problemOnBareCompletion = new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> setComplete() {
                HttpStatusCode status = getStatusCode();
                if (status != null && !isCommitted()) {
                    if (status.value() == 429) {
                        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(getHeaders())));
                        return Problems.write(getDelegate(), Problems.RATE_LIMITED, "Too many requests; retry after the time in Retry-After", path);
                    }
                    if (status.value() == 413) {
                        getHeaders().remove("errorMessage");
                        return Problems.write(getDelegate(), Problems.TOO_LARGE, "The request body is larger than this path accepts", path);
                    }
                }
                return super.setComplete();
            }
        };
        return chain.filter(exchange.mutate().response(problemOnBareCompletion).build());
    }

    /**
     * Seconds until the bucket holds enough tokens for one request again: requested tokens divided by
     * the replenish rate (tokens per second), rounded up, at least 1.
     */
    static long retryAfterSeconds(HttpHeaders headers) {
        long rate = parse(headers.getFirst(RedisRateLimiter.REPLENISH_RATE_HEADER), 1);
        long requested = parse(headers.getFirst(RedisRateLimiter.REQUESTED_TOKENS_HEADER), 1);
        return Math.max(1, (requested + rate - 1) / Math.max(1, rate));
    }

    private static long parse(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
