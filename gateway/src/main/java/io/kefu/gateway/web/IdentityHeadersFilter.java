package io.kefu.gateway.web;

import java.util.List;
import java.util.Optional;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What a service learns about the caller: every client header starting with {@code X-Kefu-} is
 * dropped (case-insensitive), then the verified identity is added from the token. Authorization is
 * left as it came, since services validate the token again.
 */
@Component
public class IdentityHeadersFilter implements GlobalFilter, Ordered {

    public static final String PREFIX = "X-Kefu-";
    public static final String USER_ID = "X-Kefu-User-Id";
    public static final String TENANT_ID = "X-Kefu-Tenant-Id";
    public static final String USER_TYPE = "X-Kefu-User-Type";
    public static final String ROLES = "X-Kefu-Roles";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return exchange.getPrincipal()
                .mapNotNull(p -> p instanceof JwtAuthenticationToken token ? token.getToken() : null)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(jwt -> chain.filter(forward(exchange, jwt.orElse(null))));
    }

    private static ServerWebExchange forward(ServerWebExchange exchange, Jwt jwt) {
        return exchange.mutate().request(r -> r.headers(headers -> {
            strip(headers);
            if (jwt != null) {
                headers.set(USER_ID, jwt.getSubject());
                String tenant = jwt.getClaimAsString("tid");
                if (tenant != null) {
                    headers.set(TENANT_ID, tenant);
                }
                String type = jwt.getClaimAsString("typ");
                if (type != null) {
                    headers.set(USER_TYPE, type);
                }
                List<String> roles = jwt.getClaimAsStringList("roles");
                headers.set(ROLES, roles == null ? "" : String.join(",", roles));
            }
        })).build();
    }

    static void strip(HttpHeaders headers) {
        List<String> spoofed = headers.headerNames().stream()
                .filter(name -> name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()))
                .toList();
        spoofed.forEach(headers::remove);
    }

    @Override
    public int getOrder() {
        // Early, so no later filter can see a client's X-Kefu-* header.
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
