package io.kefu.gateway.web;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every error the gateway itself produces becomes problem+json: unknown paths (404, e.g.
 * /internal/**), upstream failures that reached no fallback, a JWKS that cannot be fetched. Runs
 * before Boot's default handler (order -1).
 */
@Component
@Order(-2)
public class GatewayErrorHandler implements ErrorWebExceptionHandler {

    private static final Log log = LogFactory.getLog(GatewayErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        Problems.Kind kind = classify(error);
        String detail = switch (kind.code()) {
            case "not-found" -> "No route for this path";
            case "service-unavailable" -> "The service behind this path is not available; try again shortly";
            case "gateway-timeout" -> "The service behind this path did not answer in time";
            case "internal-error" -> "The gateway failed to handle this request";
            default -> error instanceof ResponseStatusException rse && rse.getReason() != null ? rse.getReason() : kind.title();
        };
        if (kind == Problems.INTERNAL) {
            log.error("Unhandled gateway error on " + exchange.getRequest().getPath(), error);
        } else if ((kind == Problems.UNAVAILABLE || kind == Problems.TIMEOUT) && !(error instanceof ResponseStatusException)) {
            // Routes without a breaker (callbacks) end here, not in UpstreamFallback, which says the same: why a 503/504.
            log.warn(exchange.getRequest().getPath() + " answered " + kind.code() + " (" + error.getClass().getName() + ": "
                    + error.getMessage() + ")");
        }
        return Problems.write(exchange.getResponse(), kind, detail, exchange.getRequest().getPath().value());
    }

    /** Also used by the circuit-breaker fallback, so both paths answer alike. */
    public static Problems.Kind classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.ReadTimeoutException) {
                return Problems.TIMEOUT;
            }
            if (t instanceof CallNotPermittedException || t instanceof ConnectException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof AuthenticationServiceException) {
                return Problems.UNAVAILABLE;
            }
            if (t instanceof ResponseStatusException rse) {
                return Problems.ofStatus(rse.getStatusCode().value());
            }
        }
        return Problems.INTERNAL;
    }
}
