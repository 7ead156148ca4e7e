package io.kefu.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kefu.common.config.LiveProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.client.RestTemplate;

/**
 * Makes a servlet service an OAuth2 resource server for auth-service's tokens: RS256 only, keys from
 * the JWKS, issuer/audience/expiry/denylist checked, roles from the {@code roles} claim. Stateless
 * and without CSRF because callers present bearer tokens, never cookies. Open: health, metrics
 * scrape, info and API docs; {@code /actuator/**} otherwise needs admin; {@code /internal/**} needs
 * the shared internal token; services add their own rules through {@link KefuSecurityCustomizer}.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
public class SecurityAutoConfiguration {

    public static final String INTERNAL_TOKEN_HEADER = "X-Kefu-Internal-Token";

    /** Open to anyone, with any bearer token ignored (a stale token must not block a health probe). */
    static final List<String> PUBLIC_PATHS = List.of("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
            "/actuator/info", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error");

    @Bean
    LiveProperties<SecurityProperties> kefuSecurityProperties(Environment environment) {
        return LiveProperties.bind(environment, SecurityProperties.class);
    }

    /** admin ⊃ supervisor ⊃ agent as in the contract; superadmin passes every role check. */
    @Bean
    @ConditionalOnMissingBean
    RoleHierarchy kefuRoleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy("""
                ROLE_superadmin > ROLE_admin
                ROLE_superadmin > ROLE_provider
                ROLE_superadmin > ROLE_customer
                ROLE_admin > ROLE_supervisor
                ROLE_supervisor > ROLE_agent
                """);
    }

    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    JwtDecoder kefuJwtDecoder(LiveProperties<SecurityProperties> properties, ObjectProvider<RedissonClient> redisson) {
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(Duration.ofSeconds(3));
        requests.setReadTimeout(Duration.ofSeconds(5));
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(properties.get().jwkSetUri())
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .restOperations(new RestTemplate(requests))
                .build();
        decoder.setJwtValidator(KefuJwtValidators.of(properties.get(), redisson.getIfAvailable(), Clock.systemUTC()));
        return decoder;
    }

    @Bean
    @ConditionalOnMissingBean
    JwtAuthenticationConverter kefuJwtAuthenticationConverter() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName(KefuPrincipal.CLAIM_ROLES);
        authorities.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        return converter;
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain kefuSecurityFilterChain(HttpSecurity http, LiveProperties<SecurityProperties> properties,
            ObjectProvider<KefuSecurityCustomizer> customizers, JwtDecoder decoder, JwtAuthenticationConverter converter)
            throws Exception {
        List<KefuSecurityCustomizer> ordered = customizers.orderedStream().toList();
        List<String> publicPaths = new ArrayList<>(PUBLIC_PATHS);
        ordered.forEach(c -> publicPaths.addAll(c.publicPaths()));
        RequestMatcher publicRequests = new OrRequestMatcher(publicPaths.stream()
                .map(p -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(p)).toList());
        SecurityProblems problems = new SecurityProblems();
        DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
        BearerTokenResolver tokens = request -> publicRequests.matches(request) ? null : bearer.resolve(request);

        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .oauth2ResourceServer(rs -> rs
                        .bearerTokenResolver(tokens)
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems)
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(converter)))
                .authorizeHttpRequests(requests -> {
                    requests.requestMatchers(publicRequests).permitAll();
                    requests.requestMatchers("/internal/**").access((authentication, context) ->
                            new AuthorizationDecision(internalTokenMatches(context.getRequest(), properties.get().internalToken())));
                    ordered.forEach(c -> c.authorize(requests));
                    requests.requestMatchers("/actuator/**").hasRole("admin");
                    requests.anyRequest().authenticated();
                });
        return http.build();
    }

    /** Constant-time, so the token cannot be guessed byte by byte from response times. */
    static boolean internalTokenMatches(HttpServletRequest request, String expected) {
        String presented = request.getHeader(INTERNAL_TOKEN_HEADER);
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
