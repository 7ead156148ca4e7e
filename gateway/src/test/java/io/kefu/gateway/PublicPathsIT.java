package io.kefu.gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kefu.gateway.TestTokens.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.web.server.WebFilter;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public paths have a security chain of their own, ahead of the resource server's: a token sent to
 * them is never read (no JWT decoding, JWKS fetch or denylist lookup), while every other path keeps the
 * strict chain. RouteSecurityIT proves the rules on both sides; this proves which chain serves what.
 */
class PublicPathsIT extends GatewayTestSupport {

    @Autowired
    List<SecurityWebFilterChain> chains;

    @Autowired
    ReactiveStringRedisTemplate redis;

    static Stream<Arguments> publicRequests() {
        return RouteSecurityIT.publicPaths().map(a -> Arguments.of(a.get()[0], a.get()[1]));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("publicRequests")
    void aPublicPathIsServedByAChainThatReadsNoToken(String method, String path) {
        assertThat(filtersServing(method, path)).noneMatch(AuthenticationWebFilter.class::isInstance);
    }

    static Stream<RouteSecurityIT.Rule> protectedRequests() {
        return RouteSecurityIT.RULES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protectedRequests")
    void aProtectedPathIsServedByTheResourceServersChain(RouteSecurityIT.Rule rule) {
        assertThat(filtersServing(rule.method(), rule.path())).anyMatch(AuthenticationWebFilter.class::isInstance);
    }

    @Test
    void aCallbackPassesAnyTokenOnUntouchedWithoutDecodingIt() {
        String unknownKey = TestTokens.signedWithAnUnknownKid(Role.AGENT);
        String revoked = TestTokens.token(Role.AGENT);
        String jti = (String) TestTokens.claimsOf(revoked).get("jti");
        redis.opsForValue().set("kefu:auth:revoked-jti:" + jti, "1", Duration.ofMinutes(5)).block();
        try {
            for (String token : List.of(unknownKey, revoked, "not.a.jwt")) {
                service("chat").resetRequests();
                HttpResponse<String> response = send(request("/callback/wechat/wx123").header("Authorization", "Bearer " + token)
                        .header("X-Kefu-User-Id", "attacker").POST(HttpRequest.BodyPublishers.ofString("<xml/>")).build());

                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                LoggedRequest forwarded = service("chat").findAll(anyRequestedFor(urlEqualTo("/callback/wechat/wx123"))).getFirst();
                assertThat(forwarded.getHeader("Authorization")).isEqualTo("Bearer " + token);
                assertThat(forwarded.containsHeader("X-Kefu-User-Id")).isFalse();
            }
        } finally {
            redis.delete("kefu:auth:revoked-jti:" + jti).block();
        }
        assertThat(service("auth").findAll(getRequestedFor(urlEqualTo("/.well-known/jwks.json")))).isEmpty();

        // The same token on a protected path is decoded: the gateway looks for its key, and refuses it.
        HttpResponse<String> refused = call("GET", "/api/queue/position", unknownKey);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(service("auth").findAll(getRequestedFor(urlEqualTo("/.well-known/jwks.json")))).isNotEmpty();
    }

    @Test
    void aPublicPathStillAnswersCorsAndCarriesTheSecurityHeaders() {
        HttpResponse<String> response = send(request("/api/auth/login").header("Origin", "https://console.kefu.test")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Access-Control-Allow-Origin")).containsExactly("https://console.kefu.test");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");

        HttpResponse<String> otherOrigin = send(request("/callback/wechat/wx123").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("<xml/>")).build());
        assertThat(otherOrigin.statusCode()).isEqualTo(403);
        assertThat(otherOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void requestsAreStillCountedWithoutSpringSecuritysPerRequestObservations() {
        call("POST", "/callback/wechat/wx123", null);
        call("GET", "/api/queue/position", TestTokens.token(Role.AGENT)); // through the strict chain and an authorization

        String metrics = management("GET", "/actuator/prometheus", null).body();
        assertThat(metrics).contains("http_server_requests_seconds_count").doesNotContain("spring_security_filterchains")
                .doesNotContain("spring_security_authorizations");
    }

    /** The filters of the first chain that takes this request, as WebFilterChainProxy picks it. */
    private List<WebFilter> filtersServing(String method, String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(HttpMethod.valueOf(method), path)
                .header("Authorization", "Bearer " + TestTokens.token(Role.SUPERADMIN)));
        SecurityWebFilterChain chain = chains.stream().filter(c -> Boolean.TRUE.equals(c.matches(exchange).block())).findFirst().orElseThrow();
        return chain.getWebFilters().collectList().block();
    }
}
