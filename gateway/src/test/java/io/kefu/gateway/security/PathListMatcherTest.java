package io.kefu.gateway.security;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

import static org.assertj.core.api.Assertions.assertThat;

class PathListMatcherTest {

    /** What AccessRules.PUBLIC was before: Spring Security's own matchers, from the same patterns. */
    static final ServerWebExchangeMatcher SPRING_SECURITYS = new OrServerWebExchangeMatcher(AccessRules.PUBLIC.entries().stream()
            .map(e -> (ServerWebExchangeMatcher) (e.method() == null ? new PathPatternParserServerWebExchangeMatcher(e.pattern().getPatternString())
                    : new PathPatternParserServerWebExchangeMatcher(e.pattern().getPatternString(), e.method())))
            .toList());

    static Stream<String> requests() {
        List<String> paths = List.of("/callback/wechat/wx123", "/callback", "/callback/", "/callbacks/x", "/callback/wecom/a/b?echostr=1",
                "/api/auth/login", "/api/auth/login/", "/api/auth/logout", "/api/auth/wechat", "/api/auth/refresh", "/api/staff/login",
                "/api/staff/status", "/api/integration/customers/c-1/usage-signals", "/api/integration/customers/a/b/usage-signals",
                "/api/integration/key", "/.well-known/jwks.json", "/ws/websocket", "/ws", "/livez", "/readyz", "/actuator/health/liveness",
                "/actuator/prometheus", "/actuator/metrics", "/v3/api-docs/auth", "/swagger-ui.html", "/swagger-ui/index.html",
                "/webjars/swagger-ui/index.html", "/dashboard", "/dashboard/", "/dashboard/live", "/dashboard/lib/echarts/echarts.min.js",
                "/dashboard/dashboard.js", "/api/tickets/t-1", "/", "//callback/x", "/callback/%2E%2E/api/admin/x", "/CALLBACK/x");
        return paths.stream().flatMap(path -> Stream.of("GET", "POST", "PUT", "DELETE", "OPTIONS").map(method -> method + " " + path));
    }

    @Test
    void matchesAPublicPathOnlyForItsMethod() {
        assertThat(matches(HttpMethod.POST, "/callback/wechat/wx123")).isTrue();
        assertThat(matches(HttpMethod.GET, "/callback/wecom/corp-1")).isTrue();
        assertThat(matches(HttpMethod.POST, "/api/auth/login")).isTrue();
        assertThat(matches(HttpMethod.GET, "/api/auth/login")).isFalse();
        assertThat(matches(HttpMethod.GET, "/api/tickets/t-1")).isFalse();
    }

    private static boolean matches(HttpMethod method, String path) {
        return AccessRules.PUBLIC.matches(MockServerWebExchange.from(MockServerHttpRequest.method(method, path))).block().isMatch();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void matchesExactlyWhatSpringSecuritysPathMatchersMatch(String request) {
        String[] parts = request.split(" ", 2);
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(HttpMethod.valueOf(parts[0]), parts[1]));

        assertThat(AccessRules.PUBLIC.matches(exchange).block().isMatch())
                .isEqualTo(SPRING_SECURITYS.matches(exchange).block().isMatch());
    }
}
