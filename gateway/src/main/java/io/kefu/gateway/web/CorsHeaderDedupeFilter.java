package io.kefu.gateway.web;

import java.util.List;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The gateway answers CORS itself; a service that adds its own CORS headers must not make them
 * appear twice (browsers refuse a doubled Access-Control-Allow-Origin). Keeps the first value of
 * each, just before the response is committed. (The stock DedupeResponseHeader filter edits headers
 * after the chain, which fails once the gateway has written a problem body itself.)
 */
@Component
public class CorsHeaderDedupeFilter implements GlobalFilter, Ordered {

    private static final List<String> SINGLE_VALUED = List.of(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN,
            HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        exchange.getResponse().beforeCommit(() -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            for (String name : SINGLE_VALUED) {
                List<String> values = headers.get(name);
                if (values != null && values.size() > 1) {
                    headers.set(name, values.getFirst());
                }
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 50;
    }
}
