package io.kefu.gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.kefu.gateway.config.KefuGatewayProperties;
import io.kefu.gateway.config.LiveGatewayProperties;
import io.netty.channel.ChannelOption;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * The gateway as an OAuth2 resource server for auth-service's tokens: RS256 only (the key selector
 * accepts no other algorithm, so {@code alg: none} and HS256 tokens fail), keys from the JWKS,
 * issuer/audience/expiry/denylist checked, then tenant pinning and the per-route roles of
 * {@link AccessRules}. Stateless, no CSRF: callers present bearer tokens, never cookies. Two chains: the
 * public paths first, without the resource server, then everything else with it.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfig {

    static final String ROLES_CLAIM = "roles";

    @Bean
    ReactiveJwtDecoder kefuJwtDecoder(LiveGatewayProperties properties, ReactiveStringRedisTemplate redis) {
        KefuGatewayProperties.Security security = properties.get().security();
        // Bounded JWKS fetch: a hung auth-service must not hold requests for the default 30 s+.
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .responseTimeout(Duration.ofSeconds(3));
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(security.jwkSetUri())
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .webClient(WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build())
                .build();
        decoder.setJwtValidator(TokenValidators.of(security, Clock.systemUTC()));
        return new RevocationCheckingDecoder(decoder, redis, security.revocationLookupTimeout());
    }

    /**
     * No observations of Spring Security's own per request: they wrapped every filter of the chain and every
     * authorization in spans and timers of their own, about a tenth of the gateway's CPU under callback load,
     * and told operators nothing that {@code http.server.requests} (status, time) and the request's server and
     * client spans, which stay, do not.
     */
    @Bean
    SecurityObservationSettings kefuSecurityObservationSettings() {
        return SecurityObservationSettings.withDefaults().shouldObserveRequests(false).shouldObserveAuthorizations(false).build();
    }

    /**
     * The public paths ({@link AccessRules#PUBLIC}: logins, platform callbacks, probes, docs) first, in a chain
     * with no resource server: a token sent along is never read, so a WeChat callback costs no JWT decoding,
     * no JWKS fetch and no denylist lookup, and walks only the filters it needs (CORS and the security
     * headers, as every answer gets them).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain kefuPublicSecurityWebFilterChain(ServerHttpSecurity http, CorsConfigurationSource cors) {
        return stateless(http, cors)
                .securityMatcher(AccessRules.PUBLIC)
                // Nothing downstream reads an anonymous principal (identity headers and rate-limit keys want a JWT).
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .authorizeExchange(rules -> rules.anyExchange().permitAll())
                .build();
    }

    /** Every other request: a valid token, the tenant it names, and the roles of {@link AccessRules}. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityWebFilterChain kefuSecurityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
            CorsConfigurationSource cors) {
        SecurityProblems problems = new SecurityProblems();

        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName(ROLES_CLAIM);
        authorities.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> List.copyOf(
                AccessRules.HIERARCHY.getReachableGrantedAuthorities(authorities.convert(jwt))));

        return stateless(http, cors)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .oauth2ResourceServer(rs -> rs
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems)
                        .jwt(jwt -> jwt.jwtDecoder(decoder)
                                .jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter))))
                .addFilterAfter(new TenantPinningFilter(), SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(AccessRules::apply)
                .build();
    }

    /** What both chains share: bearer tokens or nothing, never cookies or sessions, and CORS. */
    private static ServerHttpSecurity stateless(ServerHttpSecurity http, CorsConfigurationSource cors) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .cors(c -> c.configurationSource(cors));
    }

    /**
     * Browser origins from {@code kefu.gateway.cors.allowed-origins}, read per request so a refresh
     * applies at once. Credentials are not allowed: the API takes bearer tokens, not cookies.
     */
    @Bean
    CorsConfigurationSource kefuCorsConfigurationSource(LiveGatewayProperties properties) {
        return exchange -> {
            KefuGatewayProperties.Cors cors = properties.get().cors();
            CorsConfiguration config = new CorsConfiguration();
            config.setAllowedOrigins(cors.allowedOrigins().stream().map(String::trim).filter(o -> !o.isEmpty()).toList());
            config.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
            config.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "X-Tenant-Id", "X-Request-Id", "traceparent", "tracestate"));
            config.setExposedHeaders(List.of("X-Request-Id", "Retry-After", "X-RateLimit-Remaining"));
            config.setAllowCredentials(false);
            config.setMaxAge(cors.maxAge());
            return config;
        };
    }
}
