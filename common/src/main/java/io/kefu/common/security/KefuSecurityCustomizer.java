package io.kefu.common.security;

import java.util.List;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * A service's own security rules, as a bean. Rules from {@link #authorize} apply after the shared
 * open paths and {@code /internal/**} and before {@code /actuator/**} and "any other request needs
 * a valid token"; {@link #publicPaths} are open to anyone and ignore a bearer token (a client
 * refreshing with a stale token in its header must not be rejected for it).
 */
public interface KefuSecurityCustomizer {

    default void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests) {
    }

    /** Path patterns (Spring {@code PathPattern} syntax) open to anyone, every method. */
    default List<String> publicPaths() {
        return List.of();
    }
}
