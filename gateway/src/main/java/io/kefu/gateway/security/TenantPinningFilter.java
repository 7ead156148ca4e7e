package io.kefu.gateway.security;

import io.kefu.gateway.web.Problems;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A client that names its tenant ({@code X-Tenant-Id}) must name the one its token belongs to:
 * otherwise 403 {@code tenant-mismatch}. Superadmin tokens carry no tenant and are exempt.
 * Runs right after authentication, inside the security chain.
 */
final class TenantPinningFilter implements WebFilter {

    static final String TENANT_HEADER = "X-Tenant-Id";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String requested = exchange.getRequest().getHeaders().getFirst(TENANT_HEADER);
        if (requested == null) {
            return chain.filter(exchange);
        }
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication() instanceof JwtAuthenticationToken token ? token : null)
                .map(token -> isSuperadmin(token) || requested.equals(token.getToken().getClaimAsString("tid")))
                .defaultIfEmpty(true)
                .flatMap(allowed -> allowed ? chain.filter(exchange)
                        : Problems.write(exchange.getResponse(), Problems.TENANT_MISMATCH,
                                "X-Tenant-Id does not match the tenant of the access token", exchange.getRequest().getPath().value()));
    }

    private static boolean isSuperadmin(JwtAuthenticationToken token) {
        return token.getAuthorities().stream().anyMatch(a -> "ROLE_superadmin".equals(a.getAuthority()));
    }
}
