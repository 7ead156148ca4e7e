package io.kefu.auth.login;

import java.util.List;

import io.kefu.common.security.KefuSecurityCustomizer;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.stereotype.Component;

/** auth-service's public endpoints (the contract's list) and role rules; everything else needs a token. */
@Component
class AuthSecurityRules implements KefuSecurityCustomizer {

    @Override
    public List<String> publicPaths() {
        return List.of("/api/auth/wechat", "/api/auth/login", "/api/auth/refresh", "/api/staff/login", "/.well-known/jwks.json");
    }

    @Override
    public void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests) {
        requests.requestMatchers("/api/admin/tenants", "/api/admin/tenants/**", "/api/admin/keys/**").hasRole("superadmin")
                .requestMatchers("/api/admin/**").hasRole("admin")
                .requestMatchers("/api/user/**").hasRole("customer")
                .requestMatchers(HttpMethod.POST, "/api/auth/logout").authenticated();
    }
}
