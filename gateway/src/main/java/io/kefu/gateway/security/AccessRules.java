package io.kefu.gateway.security;

import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authorization.AuthorityReactiveAuthorizationManager;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.authorization.AuthorizationContext;

import static io.kefu.gateway.security.PathListMatcher.path;

/**
 * Who may call what, as the identity contract lists it (services enforce finer rules themselves).
 * Roles come from the token's {@code roles} claim; auth-service already puts implied roles in it, and
 * the same hierarchy as kefu-common is applied on top (when the token becomes authorities, see
 * SecurityConfig) so a token is judged alike here and there.
 */
public final class AccessRules {

    /** admin ⊃ supervisor ⊃ agent; superadmin passes every role check. */
    static final RoleHierarchy HIERARCHY = RoleHierarchyImpl.fromHierarchy("""
            ROLE_superadmin > ROLE_admin
            ROLE_superadmin > ROLE_provider
            ROLE_superadmin > ROLE_customer
            ROLE_admin > ROLE_supervisor
            ROLE_supervisor > ROLE_agent
            """);

    /**
     * Reachable without a token, and served by their own security chain that never reads one (SecurityConfig):
     * a token sent along is ignored (a stale one must not block a login), and a platform callback costs no
     * key lookup nor denylist round trip.
     */
    static final PathListMatcher PUBLIC = new PathListMatcher(
            path(HttpMethod.POST, "/api/auth/wechat"),
            path(HttpMethod.POST, "/api/auth/login"),
            path(HttpMethod.POST, "/api/auth/refresh"),
            path(HttpMethod.POST, "/api/staff/login"),
            path(HttpMethod.GET, "/.well-known/jwks.json"),
            // The business's software reports usage with its tenant's integration key, not a token (ticket-service checks the key).
            path(HttpMethod.POST, "/api/integration/customers/*/usage-signals"),
            path(null, "/callback/**"),
            path(null, "/ws/**"),
            path(null, "/actuator/health/**"),
            // The probes' copies on the public port (the actuator itself is on the management port).
            path(HttpMethod.GET, "/livez"),
            path(HttpMethod.GET, "/readyz"),
            // Scraped by Prometheus (deploy/observability) on the management port only; metrics carry no personal data.
            path(HttpMethod.GET, "/actuator/prometheus"),
            path(null, "/v3/api-docs/**"),
            path(null, "/swagger-ui/**"),
            path(null, "/swagger-ui.html"),
            // springdoc's WebFlux UI serves its files from here (/swagger-ui.html redirects to it).
            path(null, "/webjars/swagger-ui/**"),
            // The stats dashboard's page and its static files hold no data (figures come from /api/stats/**).
            path(HttpMethod.GET, "/dashboard"),
            path(HttpMethod.GET, "/dashboard/"),
            path(HttpMethod.GET, "/dashboard/index.html"),
            path(HttpMethod.GET, "/dashboard/dashboard.js"),
            path(HttpMethod.GET, "/dashboard/dashboard.css"),
            path(HttpMethod.GET, "/dashboard/lib/**"));

    private AccessRules() {
    }

    /** The rules of the identity-bearing chain; {@link #PUBLIC} requests never reach it (SecurityConfig). */
    static void apply(ServerHttpSecurity.AuthorizeExchangeSpec rules) {
        rules.pathMatchers("/actuator/**").access(anyRole("superadmin"))
                .pathMatchers("/api/user/**").access(anyRole("customer"))
                .pathMatchers("/api/auth/logout").authenticated()
                .pathMatchers("/api/admin/tenants/**").access(anyRole("superadmin"))
                .pathMatchers("/api/admin/**").access(anyRole("admin"))
                .pathMatchers("/api/staff/stats", "/api/staff/stats/**").access(anyRole("supervisor"))
                .pathMatchers("/api/staff/**").access(anyRole("agent"))
                .pathMatchers("/api/message/**", "/api/upload/**", "/api/files/**", "/api/conversations/**")
                .access(anyRole("customer", "agent"))
                // A customer follows their own place in the queue (routing checks it is theirs).
                .pathMatchers(HttpMethod.GET, "/api/queue/position").access(anyRole("customer", "agent"))
                .pathMatchers("/api/queue/**").access(anyRole("agent"))
                .pathMatchers("/api/messages/send*").access(anyRole("admin"))
                .pathMatchers("/api/messages/traces", "/api/messages/traces/**", "/api/messages/statistics/**").access(anyRole("admin"))
                // A chat customer reads and rates their own tickets, and reads their own projects (ticket-service scopes them).
                .pathMatchers("/api/tickets", "/api/tickets/**", "/api/projects", "/api/projects/**")
                .access(anyRole("provider", "agent", "customer"))
                // The tenant's integration key is the admin's to create, read and delete (ticket-service).
                .pathMatchers("/api/integration/**").access(anyRole("admin"))
                .pathMatchers("/api/customers/**", "/api/messages/**", "/api/home/**")
                .access(anyRole("provider", "agent"))
                // The provider mini-program's chat (chat-service) and a chat customer's linking by phone (ticket-service).
                .pathMatchers("/api/chat/**").access(anyRole("provider"))
                .pathMatchers("/api/customer-links", "/api/customer-links/**").access(anyRole("customer"))
                .pathMatchers(HttpMethod.POST, "/api/push/subscribe").access(anyRole("customer"))
                .pathMatchers("/api/push/**").access(anyRole("admin"))
                // kb-ai: agents read items and test questions; supervisors (and admins) manage items.
                .pathMatchers(HttpMethod.POST, "/api/kb/search").access(anyRole("agent"))
                // reviewers (agents) claim, send and reject the AI's drafts; saving an edit to the KB is checked by kb-ai
                .pathMatchers(HttpMethod.POST, "/api/kb/reviews/*/claim", "/api/kb/reviews/*/send", "/api/kb/reviews/*/reject")
                .access(anyRole("agent"))
                .pathMatchers(HttpMethod.GET, "/api/kb/**").access(anyRole("agent"))
                .pathMatchers("/api/kb/items", "/api/kb/items/**").access(anyRole("supervisor"))
                .pathMatchers(HttpMethod.HEAD, "/api/kb/**").access(anyRole("agent"))
                .pathMatchers("/api/kb/**").access(anyRole("admin"))
                .pathMatchers("/api/ai/**").access(anyRole("agent"))
                .pathMatchers("/api/stats/**", "/dashboard/**").access(anyRole("supervisor"))
                // The circuit-breaker fallback is reached by internal forward only, never from outside.
                .pathMatchers("/fallback/**").denyAll()
                .anyExchange().authenticated();
    }

    private static ReactiveAuthorizationManager<AuthorizationContext> anyRole(String... roles) {
        // Authorities were already expanded with HIERARCHY when the token was converted.
        return AuthorityReactiveAuthorizationManager.hasAnyRole(roles);
    }
}
