package io.kefu.common.security;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling, read from a validated auth-service token (never from the gateway's headers alone).
 *
 * @param userId   {@code sub}: the account or customer id
 * @param tenantId {@code tid}: null only for superadmin tokens
 * @param type     {@code typ}: customer, staff, provider, admin or superadmin
 * @param roles    {@code roles}, implied roles included
 */
public record KefuPrincipal(UUID userId, @Nullable UUID tenantId, String type, Set<String> roles) {

    public static final String CLAIM_TENANT = "tid";
    public static final String CLAIM_TYPE = "typ";
    public static final String CLAIM_ROLES = "roles";

    public KefuPrincipal {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public boolean isSuperadmin() {
        return roles.contains("superadmin");
    }

    public static KefuPrincipal from(Jwt jwt) {
        String tid = jwt.getClaimAsString(CLAIM_TENANT);
        List<String> roles = jwt.getClaimAsStringList(CLAIM_ROLES);
        return new KefuPrincipal(UUID.fromString(jwt.getSubject()), tid == null || tid.isBlank() ? null : UUID.fromString(tid),
                String.valueOf(jwt.getClaimAsString(CLAIM_TYPE)), roles == null ? Set.of() : Set.copyOf(roles));
    }

    /** The principal of an authentication made from a Kefu token; null for anything else (anonymous, internal). */
    public static @Nullable KefuPrincipal from(@Nullable Authentication authentication) {
        return authentication instanceof JwtAuthenticationToken token ? from(token.getToken()) : null;
    }

    /** The principal of the current request; null when the request carries no valid token. */
    public static @Nullable KefuPrincipal current() {
        return from(SecurityContextHolder.getContext().getAuthentication());
    }

    /** The principal of the current request, or a 401 problem when it carries no valid token. */
    public static KefuPrincipal require() {
        KefuPrincipal principal = current();
        if (principal == null) {
            throw new io.kefu.common.error.KefuProblemException(io.kefu.common.error.ProblemType.UNAUTHORIZED,
                    "A valid access token is required");
        }
        return principal;
    }
}
