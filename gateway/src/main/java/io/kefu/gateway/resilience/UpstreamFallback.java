package io.kefu.gateway.resilience;

import io.kefu.gateway.web.GatewayErrorHandler;
import io.kefu.gateway.web.Problems;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Where the CircuitBreaker filter forwards when a call fails: 504 {@code gateway-timeout} when the
 * time limit struck, 503 {@code service-unavailable} when the service is down or its breaker is open.
 * Answers at once; nothing waits on the failed service.
 */
@RestController
public class UpstreamFallback {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UpstreamFallback.class);

    public static final String PATH = "/fallback/upstream";

    @RequestMapping(PATH)
    public Mono<Void> fallback(ServerWebExchange exchange) {
        Throwable failure = exchange.getAttribute(ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
        Problems.Kind kind = failure == null ? Problems.UNAVAILABLE : GatewayErrorHandler.classify(failure);
        if (kind != Problems.TIMEOUT) {
            kind = Problems.UNAVAILABLE;
        }
        String detail = kind == Problems.TIMEOUT ? "The service behind this path did not answer in time"
                : "The service behind this path is not available; try again shortly";
        String path = exchange.getAttributeOrDefault(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR, java.util.Set.<java.net.URI>of())
                .stream().findFirst().map(java.net.URI::getPath).orElse(null);
        // Why a client got 503/504 (a refused connection, a reset, a timeout), or nothing new: the breaker is open.
        if (failure != null && !(failure instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException)) {
            log.warn("{} answered {} ({}: {})", path, kind.code(), failure.getClass().getName(), failure.getMessage());
        }
        return Problems.write(exchange.getResponse(), kind, detail, path);
    }
}
