package io.kefu.gateway.security;

import io.kefu.gateway.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 and 403 as problem details with the contract's codes, written before any handler runs. */
final class SecurityProblems implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException e) {
        Problems.Kind kind = Problems.UNAUTHORIZED;
        String detail = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
                ? "The access token is not valid" : "A valid access token is required";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JwtValidationException invalid) {
                for (OAuth2Error error : invalid.getErrors()) {
                    if (TokenValidators.TOKEN_EXPIRED.equals(error.getErrorCode())) {
                        kind = Problems.TOKEN_EXPIRED;
                        detail = "The access token has expired";
                    } else if (TokenValidators.TOKEN_REVOKED.equals(error.getErrorCode())) {
                        kind = Problems.TOKEN_REVOKED;
                        detail = "The access token was revoked";
                    }
                }
                break;
            }
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return Problems.write(exchange.getResponse(), kind, detail, exchange.getRequest().getPath().value());
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return Problems.write(exchange.getResponse(), Problems.FORBIDDEN, "Your roles do not allow this",
                exchange.getRequest().getPath().value());
    }
}
